import { renderTuningReport, type TuningSummary } from '../../../lambda/evaluate/tuning-report';
import { PALETTE } from '../../../lambda/shared/charts';
import { TUNING_SUMMARY } from '../../support/tuning-summary';
import { chartsOf } from '../../support/report-charts';

describe('renderTuningReport', () => {
  let page: string;
  let charts: Map<string, string>;
  beforeAll(async () => {
    page = await renderTuningReport(TUNING_SUMMARY);
    charts = chartsOf(page);
  });

  it('opens with the best objective, the number of trials and the best round', () => {
    const values = [...page.matchAll(/<div class="value">([^<]*)<\/div>/g)].map((m) => m[1]);
    expect(values).toEqual(['0.8600', '5', '7 of 10']);
    expect(page).toContain('4 reported an objective; 2 hyper-parameters tuned.');
    expect(page).toContain('Early stopping: no gain in the 3 rounds after it, so training stopped.');
  });

  it('draws one chart per tuned hyper-parameter, a point per trial that reported, the best in orange', () => {
    expect([...charts.keys()]).toEqual(['range-0', 'range-1', 'learning-curve']);
    const eta = charts.get('range-0') ?? '';
    const points = [...eta.matchAll(/aria-roledescription="point"[^>]*fill="(#[0-9a-f]+)"/g)].map((m) => m[1]);
    expect(points).toHaveLength(4); // trial 5 reported no objective
    expect(points.filter((fill) => fill === PALETTE.highlight)).toHaveLength(1);
    expect(eta).toContain('aria-label="eta (log scale): 0.1; validation:auc: 0.86; which: best"');
    expect(eta).toContain('eta (log scale)');
    expect(page).toContain('eta from 0.01 to 0.3, drawn in log space.');
  });

  it('draws both channels by round, counted from 1, and marks the best round and the rounds after it', () => {
    const curve = charts.get('learning-curve') ?? '';
    const lines = [...curve.matchAll(/aria-roledescription="line mark" d="(M[^"]*)" stroke="(#[0-9a-f]+)"/g)];
    expect(lines.map((m) => m[2]).sort()).toEqual([PALETTE.stayed, PALETTE.neutral].sort());
    for (const [, d] of lines) expect((d ?? '').split(/[ML]/).filter(Boolean)).toHaveLength(10);
    expect(curve).toContain('>best round 7</text>');
    expect(curve).toMatch(/aria-roledescription="rect mark"/); // the overfitting rounds, shaded
    expect(page).toContain('Validation AUC 0.8600 at round 7; training went on to round 10.');
  });

  it('shades nothing when training ended at its best round', async () => {
    const atBest: TuningSummary = { ...TUNING_SUMMARY, best: { ...TUNING_SUMMARY.best, bestRound: 9 } };
    expect(chartsOf(await renderTuningReport(atBest)).get('learning-curve')).not.toMatch(/rect mark/);
  });

  it('refuses an inconsistent summary, saying what does not fit', async () => {
    const best = TUNING_SUMMARY.best;
    await expect(renderTuningReport({ ...TUNING_SUMMARY, best: { ...best, name: 'trial 9' } })).rejects.toThrow(
      'best trial trial 9 is not one of its 5 trials',
    );
    await expect(
      renderTuningReport({ ...TUNING_SUMMARY, best: { ...best, history: { ...best.history, train: [0.5] } } }),
    ).rejects.toThrow('it has 1 and 10');
    await expect(renderTuningReport({ ...TUNING_SUMMARY, best: { ...best, bestRound: 10 } })).rejects.toThrow(
      'best round 10 is not one of its 10 rounds',
    );
  });

  it('escapes every interpolated string', async () => {
    const hostile = await renderTuningReport(
      { ...TUNING_SUMMARY, ranges: [{ ...TUNING_SUMMARY.ranges[1]!, name: '<img src=x>' }] },
      { title: '<script>x</script>' },
    );
    expect(hostile).not.toMatch(/<script>|<img/);
    expect(hostile).toContain('&lt;img src=x&gt;');
  });
});
