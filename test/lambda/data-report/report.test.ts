import { renderDataReport } from '../../../lambda/data-report/report';
import { PALETTE } from '../../../lambda/shared/charts';
import type { DataProfile } from '../../../lib/contracts/data-profile';
import { DATA_PROFILE } from '../../support/data-profile';
import { chartsOf } from '../../support/report-charts';

/** How many marks `svg` draws as Vega describes them (`rect mark`, `point`, `bar`), with `fill` if given. */
function marks(svg: string, role: string, fill?: string): number {
  const found = [...svg.matchAll(new RegExp(`aria-roledescription="${role}"[^>]*?fill="([^"]+)"`, 'g'))];
  return found.filter((m) => fill === undefined || m[1] === fill).length;
}

describe('renderDataReport', () => {
  let page: string;
  let charts: Map<string, string>;
  beforeAll(async () => {
    page = await renderDataReport(DATA_PROFILE);
    charts = chartsOf(page);
  });

  it('opens with the customers, the churn rate among the labelled, and the rows quarantined', () => {
    const values = [...page.matchAll(/<div class="value">([^<]*)<\/div>/g)].map((m) => m[1]);
    expect(values).toEqual(['11', '30.0%', '4']);
    expect(page).toContain('3 of 10 labelled customers left.');
    // 4 quarantined of the 15 rows read (11 curated + 4).
    expect(page).toContain('26.7% of the rows curated or quarantined');
  });

  it('draws every section’s charts, in order', () => {
    expect([...charts.keys()]).toEqual([
      'numeric-day_minutes',
      'numeric-customer_service_calls',
      'correlation',
      'scatter-0-1',
      'category-state',
      'category-churn',
      'missing',
      'quarantine',
    ]);
  });

  it('stacks each histogram bin’s classes, and marks each outlier on the box plot', () => {
    const minutes = charts.get('numeric-day_minutes') ?? '';
    // Non-empty (bin, class) cells: bin 0 stayed, bin 1 churned and stayed, bin 19 churned.
    expect(marks(minutes, 'rect mark', PALETTE.churned)).toBe(2);
    expect(marks(minutes, 'rect mark', PALETTE.stayed)).toBe(2);
    expect(marks(minutes, 'point', PALETTE.highlight)).toBe(1);
    expect(page).toContain('0 below and 1 above the fences; 1 missing.');
  });

  it('draws the correlation matrix with every defined cell labelled', () => {
    const correlation = charts.get('correlation') ?? '';
    // 3 x 3 cells less the two undefined ones.
    expect(marks(correlation, 'rect mark')).toBe(7);
    expect(correlation).toContain('>0.62</text>');
  });

  it('draws the sampled pair, one point per sampled customer with both values, coloured by churn', () => {
    const scatter = charts.get('scatter-0-1') ?? '';
    expect(marks(scatter, 'point', PALETTE.churned)).toBe(2);
    expect(marks(scatter, 'point', PALETTE.stayed)).toBe(2);
  });

  it('draws each value’s customers and its churn rate, and names a missing value', () => {
    const state = charts.get('category-state') ?? '';
    expect(state).toContain('(missing)');
    expect(marks(state, 'point', PALETTE.churned)).toBe(2); // the missing value has no labelled row
  });

  it('shows the quarantine by reason and some examples, an id cut short and escaped', () => {
    expect(marks(charts.get('quarantine') ?? '', 'bar')).toBe(3);
    expect(page).toContain('Examples (2 of 4)');
    expect(page).not.toContain('<b>C0003');
    expect(page).toMatch(
      /<td class="text">\{&quot;customer_id&quot;:&quot;&lt;b&gt;C0003&lt;\/b&gt;&quot;,&quot;event_ti…<\/td>/,
    );
  });

  it('says so when nothing was quarantined', async () => {
    const clean: DataProfile = { ...DATA_PROFILE, quarantine: { rows: 0, byReason: [], examples: [] } };
    const html = await renderDataReport(clean);
    expect(html).toContain('<p>No row was quarantined.</p>');
    expect(chartsOf(html).has('quarantine')).toBe(false);
  });

  it('leaves out a numeric column without values rather than drawing it empty', async () => {
    const empty = {
      name: 'age',
      rows: 11,
      missing: 11,
      min: null,
      max: null,
      q1: null,
      median: null,
      q3: null,
      lowerFence: null,
      upperFence: null,
    };
    const html = await renderDataReport({ ...DATA_PROFILE, numeric: [...DATA_PROFILE.numeric, empty] });
    expect(chartsOf(html).has('numeric-age')).toBe(false);
  });
});
