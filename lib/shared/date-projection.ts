/** One date partition column that Athena computes from a range instead of reading the catalog. */
export interface DateProjection {
  /** The partition column, e.g. `event_date`. */
  readonly column: string;
  /** Its format, in Java date notation: `yyyy-MM-dd` or `yyyy-MM`. */
  readonly format: string;
  /** The first value Athena considers, in that format; the last is always today. */
  readonly first: string;
  /** The step between partitions. */
  readonly unit: 'DAYS' | 'MONTHS';
  /** The table's location (`s3://bucket/prefix/`); partitions sit under `<column>=<value>/`. */
  readonly location: string;
}

/**
 * The table parameters of Athena partition projection over one date column: Athena enumerates
 * the partitions from the range, so no crawler, `MSCK REPAIR` or `ADD PARTITION` is needed before
 * new data can be queried.
 */
export function dateProjectionParameters(p: DateProjection): Record<string, string> {
  return {
    'projection.enabled': 'true',
    [`projection.${p.column}.type`]: 'date',
    [`projection.${p.column}.format`]: p.format,
    [`projection.${p.column}.range`]: `${p.first},NOW`,
    [`projection.${p.column}.interval`]: '1',
    [`projection.${p.column}.interval.unit`]: p.unit,
    'storage.location.template': `${p.location}${p.column}=\${${p.column}}/`,
  };
}
