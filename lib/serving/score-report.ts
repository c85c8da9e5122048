/**
 * What a scoring run found, and how `npm run invoke` prints it: the endpoint and where its name
 * came from, a table of the customers with their churn probability and decision, and the cutoff
 * with where it came from (or why the fallback was used).
 */
import { type Cutoff, type Decision, NO_CUTOFF } from './cutoff';
import type { EndpointChoice } from './endpoint-lookup';

/** One scored customer. */
export interface ScoredCustomer {
  /** The clean record that was sent. */
  readonly record: Readonly<Record<string, unknown>>;
  /** The endpoint's churn probability, 0 to 1. */
  readonly probability: number;
  readonly decision: Decision;
}

/** What a scoring run found. */
export interface ScoreReport {
  readonly endpoint: EndpointChoice;
  readonly cutoff: Cutoff;
  /** In the order the customers were given. */
  readonly customers: readonly ScoredCustomer[];
}

/** A column of the table: its heading, how a scored customer shows in it, and its alignment. */
interface TableColumn {
  readonly heading: string;
  readonly cell: (c: ScoredCustomer) => string;
  readonly align: 'left' | 'right';
}

function text(value: unknown): string {
  if (value === null || value === undefined) {
    return '-';
  }
  if (typeof value === 'boolean') {
    return value ? 'yes' : 'no';
  }
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '-';
}

const TABLE: readonly TableColumn[] = [
  { heading: 'customer', cell: (c) => text(c.record.customer_id), align: 'left' },
  { heading: 'state', cell: (c) => text(c.record.state), align: 'left' },
  { heading: 'international plan', cell: (c) => text(c.record.international_plan), align: 'left' },
  { heading: 'voice-mail plan', cell: (c) => text(c.record.voice_mail_plan), align: 'left' },
  { heading: 'service calls', cell: (c) => text(c.record.customer_service_calls), align: 'right' },
  { heading: 'churn probability', cell: (c) => c.probability.toFixed(3), align: 'right' },
  { heading: 'decision', cell: (c) => c.decision, align: 'left' },
];

/** The customers as a table with a heading row, columns separated by two spaces, no trailing spaces. */
export function formatTable(customers: readonly ScoredCustomer[]): string {
  const rows = [TABLE.map((c) => c.heading), ...customers.map((s) => TABLE.map((c) => c.cell(s)))];
  const widths = TABLE.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const width = widths[i] ?? 0;
          return TABLE[i]?.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
        })
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** The cutoff line: its value and where it came from (or why the fallback is used). */
export function formatCutoff(cutoff: Cutoff): string {
  if (cutoff.fallback) {
    return (
      `cutoff: ${String(cutoff.value)} (fallback): ${cutoff.source}; ` +
      `offer when the churn probability is at least ${String(cutoff.value)}\n`
    );
  }
  if (cutoff.value === null) {
    return `cutoff: ${NO_CUTOFF}, from ${cutoff.source}: the campaign offers nobody (its budget pays for no offer, or no offer keeps a churner), so nobody gets an offer\n`;
  }
  return `cutoff: ${String(cutoff.value)}, from ${cutoff.source}: offer when the churn probability is at least the cutoff\n`;
}

/** The whole report: the endpoint, the table and the cutoff. */
export function formatReport(report: ScoreReport): string {
  return (
    `endpoint: ${report.endpoint.endpointName} (${report.endpoint.source})\n\n` +
    formatTable(report.customers) +
    `\n${formatCutoff(report.cutoff)}`
  );
}
