import { evaluate, type Evaluation } from '../../../lambda/evaluate/metrics';
import { escapeHtml, renderReport } from '../../../lambda/evaluate/report';

/** The worked example of metrics.test.ts: AUC 7/9, cheapest cutoff 0.4 (tp 3, fp 1, tn 2, fn 0), cost 40. */
const CSV = '1,34,,2.5\n0,51,1,0.0\n1,22,0,7.1\n1,,1,3.3\n0,40,0,\n0,63,1,1.0\n';
const TRANSFORM = '0.9\n0.8\n0.7\n0.4\n0.3\n0.1\n';
const EVALUATION = evaluate(CSV, TRANSFORM, { missedChurner: 1000, incentive: 100 });

/** The one `<svg>...</svg>` element of `page`. */
function svgOf(page: string): string {
  const svgs = page.match(/<svg[\s>][\s\S]*?<\/svg>/g) ?? [];
  expect(svgs).toHaveLength(1);
  return svgs[0] ?? '';
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
  const page = renderReport(EVALUATION);

  it('is a self-contained HTML page: no scripts, no external assets', () => {
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain('<meta charset="utf-8">');
    expect(page).toContain('<title>Churn model evaluation</title>');
    expect(page).not.toMatch(/<script|<link|<img|src=|href=|url\(|@import/i);
    expect(page.match(/https?:\/\/[^"]*/g)).toEqual(['http://www.w3.org/2000/svg']); // the SVG namespace only
  });

  it('shows the confusion matrix at the cheapest cutoff', () => {
    const table = page.match(/<table class="matrix">[\s\S]*?<\/table>/)?.[0] ?? '';
    expect(table).toContain('Confusion matrix at cutoff 0.4');
    expect(table).toMatch(/<th scope="row">Churned<\/th><td>3<\/td><td>0<\/td>/);
    expect(table).toMatch(/<th scope="row">Stayed<\/th><td>1<\/td><td>2<\/td>/);
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
    expect(table).toMatch(/Cheapest cutoff \(0.4\)<\/th><td>4<\/td><td>400.00<\/td><td>2,600.00<\/td>/);
  });

  it('draws the ROC curve as a well-formed inline SVG with the AUC in its title', () => {
    const svg = svgOf(page);
    expectWellFormed(svg);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 500 500"/);
    expect(svg).toContain('<title id="roc-title">ROC curve (AUC = 0.778)</title>');
    expect(svg).toContain('False positive rate');
    expect(svg).toContain('True positive rate');
    // The diagonal runs from (0, 0) to (1, 1): bottom left to top right of the 400-unit plot at 50.
    expect(svg).toMatch(/<line class="diagonal" x1="50.00" y1="450.00" x2="450.00" y2="50.00"/);
  });

  it('plots one polyline vertex per ROC point, inside the plot', () => {
    const points = /<polyline class="roc" points="([^"]*)"/.exec(svgOf(page))?.[1] ?? '';
    const vertices = points.split(' ').map((p) => p.split(',').map(Number));
    expect(vertices).toEqual(EVALUATION.roc.map((p) => [50 + 400 * p.fpr, 50 + 400 * (1 - p.tpr)].map(round2)));
    expect(vertices[0]).toEqual([50, 450]);
    expect(vertices[vertices.length - 1]).toEqual([450, 50]);
  });

  it('says why a metric is undefined', () => {
    // An offer dearer than a churner: nobody gets one, so the cheapest cutoff has no precision.
    const nobody = renderReport(evaluate(CSV, TRANSFORM, { missedChurner: 1, incentive: 1000 }));
    expect(nobody).toContain('Confusion matrix at cutoff above every score (no offers)');
    expect(nobody).toMatch(/Precision<\/th><td>0\.667<\/td><td>n\/a \(no predicted churners\)<\/td>/);
  });

  it('escapes every interpolated string', () => {
    const hostile = renderReport(EVALUATION, { title: '<script>alert("x")</script> & co' });
    expect(hostile).not.toContain('<script>');
    expect(hostile).toContain('<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</h1>');
    // An evaluation read back from a tampered evaluation.json cannot inject markup either.
    const tampered = { ...EVALUATION, auc: { toFixed: () => '<b>1</b>' } } as unknown as Evaluation;
    expect(renderReport(tampered)).not.toContain('<b>');
    expect(renderReport(tampered)).toContain('AUC = &lt;b&gt;1&lt;/b&gt;');
  });
});

describe('escapeHtml', () => {
  it('escapes the five significant characters, ampersand first', () => {
    expect(escapeHtml(`<a href="x">'&amp;'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;amp;&#39;&lt;/a&gt;');
  });
});

function round2(value: number): number {
  return Number(value.toFixed(2));
}
