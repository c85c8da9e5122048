import { evaluate, type Evaluation } from '../../../lambda/evaluate/metrics';
import { precisionRecallCurve } from '../../../lambda/evaluate/curves';
import { escapeHtml, renderReport } from '../../../lambda/evaluate/report';
import { PALETTE } from '../../../lambda/shared/charts';
import { reportPolicy } from '../../../lambda/shared/report-page';
import { chartsOf } from '../../support/report-charts';
import { caseWithCosts } from '../../support/scored-sets';

/** The worked example of metrics.test.ts: AUC 7/9, cheapest cutoff 0.4 (tp 3, fp 1, tn 2, fn 0), cost 40. */
const CSV = '1,34,,2.5\n0,51,1,0.0\n1,22,0,7.1\n1,,1,3.3\n0,40,0,\n0,63,1,1.0\n';
const TRANSFORM = '0.9\n0.8\n0.7\n0.4\n0.3\n0.1\n';
const EVALUATION = evaluate(CSV, TRANSFORM, caseWithCosts({ missedChurner: 1000, incentive: 100 }));

/** The vertices of the line mark of `svg` drawn in `colour`: the points of one curve. */
function lineVertices(svg: string, colour: string): number {
  const d = new RegExp(`<path[^>]*d="(M[^"]*)"[^>]*stroke="${colour}"`).exec(svg)?.[1] ?? '';
  return d === '' ? 0 : d.split(/[ML]/).filter((p) => p !== '').length;
}

/**
 * Fails unless `xml` is one well-formed element: every tag closed in order, attributes quoted and
 * not repeated, no stray `<` or `&` in text. (A small checker, enough for the markup renderReport writes.)
 */
function expectWellFormed(xml: string): void {
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy;
  const open: string[] = [];
  let roots = 0;
  let end = 0;
  for (let m = token.exec(xml); m !== null; m = token.exec(xml)) {
    end = token.lastIndex;
    const [, closing, name, attributes, selfClosing, text] = m;
    if (text !== undefined) {
      expect(text).not.toMatch(/&(?!(?:amp|lt|gt|quot|#39);)/);
      continue;
    }
    const names = [...(attributes ?? '').matchAll(/([\w:-]+)=/g)].map((a) => a[1]);
    expect(new Set(names).size).toBe(names.length);
    if (closing === '/') {
      expect(open.pop()).toBe(name);
    } else if (selfClosing !== '/') {
      if (open.length === 0) roots++;
      open.push(name ?? '');
    } else if (open.length === 0) {
      roots++;
    }
  }
  expect(end).toBe(xml.length); // the whole text was tokens: no stray '<'
  expect(open).toEqual([]);
  expect(roots).toBe(1);
}

describe('renderReport', () => {
  let page: string;
  let charts: Map<string, string>;
  beforeAll(async () => {
    page = await renderReport(EVALUATION);
    charts = chartsOf(page);
  });

  it('is a self-contained HTML page under its own policy: no scripts, no external assets', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="${escapeHtml(reportPolicy())}">`);
    expect(page).toContain('<title>Churn model evaluation</title>');
    expect(page).not.toMatch(/<script|<link|<img|<image|src=|href=|url\(|@import/i);
    // XML namespaces only: names, never fetched.
    expect(new Set(page.match(/https?:\/\/[^"]*/g))).toEqual(
      new Set(['http://www.w3.org/2000/svg', 'http://www.w3.org/1999/xlink']),
    );
  });

  it('opens with the three numbers: the AUC, the saving and the churners reached at the cheapest cutoff', () => {
    const values = [...page.matchAll(/<div class="value">([^<]*)<\/div>/g)].map((m) => m[1]);
    // Saving: 3,000 for doing nothing - 400 at 0.4; recall at 0.4: 3 of 3.
    expect(values).toEqual(['0.778', '2,600.00', '100.0%']);
    expect(page).toContain('3 of 3 churners get an offer');
  });

  it('draws six charts, each a well-formed inline SVG', () => {
    expect([...charts.keys()]).toEqual([
      'confusion-cheapest',
      'confusion-default',
      'roc',
      'precision-recall',
      'cost',
      'calibration',
    ]);
    for (const svg of charts.values()) {
      expectWellFormed(svg);
      expect(svg).not.toMatch(/\sstyle=/); // presentation attributes only: the page's policy allows no inline style
    }
  });

  it('draws each confusion matrix with its four counts', () => {
    const counts = (svg: string): string[] =>
      [...svg.matchAll(/<text[^>]*font-size="18px"[^>]*>(\d+)<\/text>/g)].map((m) => m[1] ?? '');
    // At 0.4: tp 3, fn 0, fp 1, tn 2; at 0.5: tp 2, fn 1, fp 1, tn 2.
    expect(counts(charts.get('confusion-cheapest') ?? '').sort()).toEqual(['0', '1', '2', '3']);
    expect(counts(charts.get('confusion-default') ?? '').sort()).toEqual(['1', '1', '2', '2']);
    expect(charts.get('confusion-cheapest')).toContain('At the cheapest cutoff (0.400)');
  });

  it('draws the ROC curve through every point of the evaluation, with the AUC in its title', () => {
    const svg = charts.get('roc') ?? '';
    expect(svg).toContain('ROC curve (AUC = 0.778)');
    expect(svg).toContain('False positive rate');
    expect(lineVertices(svg, PALETTE.stayed)).toBe(EVALUATION.roc.length);
  });

  it('draws precision against recall at every cutoff, and marks both reported cutoffs', () => {
    const svg = charts.get('precision-recall') ?? '';
    expect(lineVertices(svg, PALETTE.stayed)).toBe(precisionRecallCurve(EVALUATION.roc, EVALUATION.counts).length);
    // At 0.4: recall 1, precision 3/4; at 0.5: recall 2/3, precision 2/3.
    expect(svg).toContain('aria-label="recall: 1; precision: 0.75; which: cheapest (0.400)"');
    expect(svg).toContain('aria-label="recall: 0.666666666667; precision: 0.666666666667; which: cutoff 0.5"');
  });

  it('draws the expected cost at every cutoff and marks the cheapest', () => {
    const svg = charts.get('cost') ?? '';
    // Every cutoff but "no offers" (6), as steps: the cost at a cutoff holds down to the next score.
    expect(lineVertices(svg, PALETTE.stayed)).toBe(2 * (EVALUATION.roc.length - 1) - 1);
    expect(svg).toContain('aria-label="cutoff: 0.4; cost: 400; which: cheapest (0.400)"');
    expect(svg).toContain('doing nothing');
  });

  it('draws the calibration from its non-empty bins', () => {
    const svg = charts.get('calibration') ?? '';
    const bins = EVALUATION.calibration.filter((b) => b.rows > 0);
    expect(lineVertices(svg, PALETTE.churned)).toBe(bins.length);
    // One customer per bin here (scores 0.1, 0.3, 0.4, 0.7, 0.8, 0.9): each point labelled 1.
    expect(bins.map((b) => b.rows)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('shows the metrics at 0.5 and at the cheapest cutoff', () => {
    const table = page.match(/<table class="metrics">[\s\S]*?<\/table>/)?.[0] ?? '';
    // At 0.5 (tp 2, fp 1, tn 2, fn 1): 0.667 everywhere; at 0.4: accuracy 5/6, precision 3/4, recall 1, F1 6/7.
    expect(table).toMatch(/Accuracy<\/th><td>0\.667<\/td><td>0\.833<\/td>/);
    expect(table).toMatch(/Precision<\/th><td>0\.667<\/td><td>0\.750<\/td>/);
    expect(table).toMatch(/Recall<\/th><td>0\.667<\/td><td>1\.000<\/td>/);
    expect(table).toMatch(/F1<\/th><td>0\.667<\/td><td>0\.857<\/td>/);
  });

  it('shows the cost comparison', () => {
    // Missed churner 1,000, offer 100: nothing 3,000; 0.5: 3 offers + 1 missed = 1,300; 0.4: 4 offers = 400.
    const table = page.match(/<table class="costs">[\s\S]*?<\/table>/)?.[0] ?? '';
    expect(table).toContain('missed churner 1,000.00, offer 100.00, retention 1');
    expect(table).toMatch(/Doing nothing<\/th><td>0<\/td><td>3,000.00<\/td><td>0.00<\/td>/);
    expect(table).toMatch(/Cutoff 0.5<\/th><td>3<\/td><td>1,300.00<\/td><td>1,700.00<\/td>/);
    expect(table).toMatch(/Cheapest cutoff \(0.400\)<\/th><td>4<\/td><td>400.00<\/td><td>2,600.00<\/td>/);
  });

  it('says why a metric is undefined, and draws no cutoff mark that does not exist', async () => {
    // An offer dearer than a churner: nobody gets one, so the cheapest cutoff has no precision.
    const nobody = await renderReport(evaluate(CSV, TRANSFORM, caseWithCosts({ missedChurner: 1, incentive: 1000 })));
    expect(nobody).toContain('At the cheapest cutoff (above every score (no offers))');
    expect(nobody).toMatch(/Precision<\/th><td>0\.667<\/td><td>n\/a \(no predicted churners\)<\/td>/);
    expect(chartsOf(nobody).get('precision-recall')).not.toContain('which: cheapest');
  });

  it('escapes every interpolated string', async () => {
    const hostile = await renderReport(EVALUATION, { title: '<script>alert("x")</script> & co' });
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</h1>');
    // An evaluation read back from a tampered evaluation.json cannot inject markup either.
    const tampered = { ...EVALUATION, auc: { toFixed: () => '<b>1</b>' } } as unknown as Evaluation;
    const page = await renderReport(tampered);
    expect(page).not.toContain('<b>');
    expect(page).toContain('AUC = &lt;b&gt;1&lt;/b&gt;');
  });
});
