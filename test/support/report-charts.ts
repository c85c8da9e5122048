/** The charts of a report page, read from its HTML, for the reports' tests. */

/** The charts of `page` by name (`data-chart`): each figure's one `<svg>...</svg>` element, in order. */
export function chartsOf(page: string): Map<string, string> {
  return new Map(
    [...page.matchAll(/<figure class="chart" data-chart="([^"]+)">\s*(<svg[\s\S]*?<\/svg>)/g)].map((m) => [
      m[1] ?? '',
      m[2] ?? '',
    ]),
  );
}
