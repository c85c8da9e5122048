import { evaluate, type Evaluation } from '../../../lambda/evaluate/metrics';
import { precisionRecallCurve } from '../../../lambda/evaluate/curves';
import { escapeHtml, renderReport } from '../../../lambda/evaluate/report';
import type { BusinessCase } from '../../../lambda/evaluate/business';
import { PALETTE } from '../../../lambda/shared/charts';
import { reportPolicy } from '../../../lambda/shared/report-page';
import { chartsOf } from '../../support/report-charts';
import { caseWithCosts } from '../../support/scored-sets';

/** The worked example of metrics.test.ts: AUC 7/9, cheapest cutoff 0.4 (tp 3, fp 1, tn 2, fn 0), cost 40. */
const CSV = '1,34,,2.5\n0,51,1,0.0\n1,22,0,7.1\n1,,1,3.3\n0,40,0,\n0,63,1,1.0\n';
const TRANSFORM = '0.9\n0.8\n0.7\n0.4\n0.3\n0.1\n';
const EVALUATION = evaluate(CSV, TRANSFORM, caseWithCosts({ missedChurner: 1000, incentive: 100 }));

/**
 * A business case on the same scores, small enough to check by hand (business.test.ts): 600
 * customers, half of whom would leave, so the offers at the cutoffs 0.9 0.8 0.7 0.4 0.3 0.1 are
 * 100, 200, ..., 600, at 100 each. With retention 0.8, 0.7 (and 0.5, which offers the same
 * customers) reaches 200 churners and keeps 160: 30,000 spent, a churn rate of 0.5 × (1 - 0.8 × 2/3)
 * = 23.3%, and a net value of 160,000 - 30,000. 0.4 reaches all 300 and keeps 240: 40,000 spent,
 * 0.5 × (1 - 0.8) = 10% (the target), net 240,000 - 40,000. A budget of 35,000 pays for 0.7, not 0.4.
 */
function handCheckedCase(overrides: Partial<BusinessCase> = {}): Evaluation {
  return evaluate(
    CSV,
    TRANSFORM,
    caseWithCosts(
      { missedChurner: 1000, incentive: 100, retention: 0.8 },
      { customersScored: 600, churnRateBefore: 0.5, targetChurnRate: 0.1, incentiveBudget: 35_000, ...overrides },
    ),
  );
}

/** The rows of the table of class `cssClass`, the header row first: each cell's text, tags dropped. */
function tableRows(page: string, cssClass: string): string[][] {
  const table = new RegExp(`<table class="${cssClass}">[\\s\\S]*?</table>`).exec(page)?.[0] ?? '';
  return [...table.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) =>
    [...(tr[1] ?? '').matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) =>
      (cell[1] ?? '').replace(/<[^>]*>/g, ''),
    ),
  );
}

/** The paragraphs of the business case that say it in words (the section's intro excepted). */
function businessText(page: string): string {
  const section = /<section id="business">[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
  return [...section.matchAll(/<p>([\s\S]*?)<\/p>/g)].map((p) => p[1] ?? '').join('\n');
}

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

  it('draws seven charts, each a well-formed inline SVG', () => {
    expect([...charts.keys()]).toEqual([
      'campaign',
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

describe('the business case in the report', () => {
  let page: string;
  beforeAll(async () => {
    page = await renderReport(handCheckedCase());
  });

  it('comes right after the three headline numbers, before the other sections', () => {
    expect([...page.matchAll(/<section id="([^"]+)">/g)].map((m) => m[1])).toEqual([
      'business',
      'confusion',
      'metrics',
      'curves',
      'cost',
      'calibration',
    ]);
    expect(page.indexOf('<ul class="headline">')).toBeLessThan(page.indexOf('<section id="business">'));
  });

  it('shows the budget-constrained cutoff, the cost-optimal cutoff and 0.5, in that order, one row each', () => {
    expect(tableRows(page, 'business')).toEqual([
      [
        '',
        'Cutoff',
        'Offers',
        'Expected spend',
        'Churners reached',
        'Churners retained',
        'Incentives to customers who would have stayed',
        'Offered churners who leave anyway',
        'Projected churn rate',
        'Target met',
        'Net value',
      ],
      // 0.7: 300 offers, 200 churners reached, 160 kept, 40 leave anyway, 100 stayers offered.
      [
        'Budget-constrained',
        '0.700',
        '300',
        '30,000.00',
        '200',
        '160',
        '100',
        '40',
        '23.3%',
        'no: 13.3 pp short',
        '130,000.00',
      ],
      // 0.4: 400 offers, all 300 churners reached, 240 kept, 60 leave anyway; 40,000 is over the budget.
      [
        'Cost-optimal',
        '0.400',
        '400',
        '40,000.00 over budget',
        '300',
        '240',
        '100',
        '60',
        '10.0%',
        'yes',
        '200,000.00',
      ],
      [
        'Cutoff 0.5',
        '0.500',
        '300',
        '30,000.00',
        '200',
        '160',
        '100',
        '40',
        '23.3%',
        'no: 13.3 pp short',
        '130,000.00',
      ],
    ]);
    expect(page).toContain(
      '<caption>The campaign on 600 customers (budget 35,000.00, target 10.0%; pp: percentage points)</caption>',
    );
  });

  it('flags only the spend over the budget', () => {
    expect(page.match(/over budget/g)).toHaveLength(1);
    expect(page).toContain('<td>40,000.00 <strong>over budget</strong></td>');
  });

  it('rounds the expected customers to whole customers, with thousands separators', async () => {
    // 1,000 customers at 14.5%: 145 churners and 855 stayers. At 0.5 (as at 0.7: 2/3 of churners,
    // 1/3 of stayers): 96.67 reached, 77.33 kept, 19.33 leave anyway, 285 stayers offered, 381.67 offers.
    const rounded = await renderReport(
      handCheckedCase({ customersScored: 1000, churnRateBefore: 0.145, incentiveBudget: 50_000 }),
    );
    const row = tableRows(rounded, 'business').find((r) => r[0] === 'Cutoff 0.5');
    expect(row?.slice(2, 8)).toEqual(['382', '38,166.67', '97', '77', '285', '19']);
    expect(rounded).toContain('The campaign on 1,000 customers');
  });

  it('says the case in words: budget, churn rate before, target, customers, incentive, retention and value', () => {
    const text = businessText(page);
    expect(text).toContain('Budget for incentives: 35,000.00.');
    expect(text).toContain('Of the 600 customers scored, 50.0% would leave without a campaign');
    expect(text).toContain('the target is 10.0%');
    expect(text).toContain('Each incentive costs 100.00');
    expect(text).toContain('stays with probability 80.0% (retention)');
    expect(text).toContain('each churner retained is worth 1,000.00');
  });

  it('says what the budget-constrained cutoff achieves, and the budget that would reach the target', () => {
    const text = businessText(page);
    expect(text).toContain(
      'At the budget-constrained cutoff, 0.700, the campaign spends 30,000.00 and is projected to bring the churn rate from 50.0% to 23.3%: 13.3 percentage points short of the target.',
    );
    // 0.4 meets the target: 5,000 more than the budget.
    expect(text).toContain(
      'The budget that would reach the target with this model: 40,000.00, 5,000.00 more than the budget.',
    );
    expect(text).not.toContain('the target is met');
    expect(text).not.toContain('not reachable');
  });

  it('says so when the target is met at the budget-constrained cutoff', async () => {
    const met = businessText(await renderReport(handCheckedCase({ incentiveBudget: 100_000 })));
    expect(met).toContain(
      'At the budget-constrained cutoff, 0.400, the campaign spends 40,000.00 and is projected to bring the churn rate from 50.0% to 10.0%: the target is met within the budget.',
    );
    expect(met).toContain('The budget that would reach the target with this model: 40,000.00, within the budget.');
  });

  it('says when the target is not reachable at any budget with this model', async () => {
    // Retention 0.5: reaching every churner leaves 0.5 × (1 - 0.5) = 25%, above the 10% target.
    const unreachable = handCheckedCase({ incentiveRetention: 0.5, incentiveBudget: 100_000 });
    expect(unreachable.business.budgetToReachTarget).toBeNull();
    const text = businessText(await renderReport(unreachable));
    expect(text).toContain('not reachable at any budget with this model');
    expect(text).toContain(
      'The target is not reachable at any budget with this model: the lowest churn rate it can reach is 25.0%.',
    );
    expect(text).not.toContain('The budget that would reach the target');
  });

  it('says when the budget offers nobody', async () => {
    const none = await renderReport(handCheckedCase({ incentiveBudget: 0 }));
    expect(businessText(none)).toContain(
      'At the budget-constrained cutoff nobody gets an offer: nothing is spent and the churn rate stays at 50.0%: 40.0 percentage points short of the target.',
    );
    expect(tableRows(none, 'business')[1]?.slice(0, 4)).toEqual([
      'Budget-constrained',
      'above every score (no offers)',
      '0',
      '0.00',
    ]);
  });

  describe('its chart, projected churn rate against spend', () => {
    let svg: string;
    beforeAll(() => {
      svg = chartsOf(page).get('campaign') ?? '';
    });

    it('draws the campaign at every cutoff of the ROC curve, from the churn rate before at spend 0', () => {
      expect(svg).toContain('Projected churn rate against spend');
      expect(lineVertices(svg, PALETTE.stayed)).toBe(EVALUATION.roc.length);
      // The line's first point: nobody offered.
      expect(svg).toMatch(/aria-label="Expected spend on incentives: 0; Projected churn rate: 50%; step: 0"/);
      expect(svg).toContain('before the campaign: 50.0%');
    });

    it('draws the budget as a vertical rule and the target as a horizontal rule, where they fall on the axes', () => {
      // The axes run from 0 to 60,000 (everybody offered) over 392 pixels and from 0 to 50% over 280.
      expect(svg).toContain(
        "X-axis titled 'Expected spend on incentives' for a linear scale with values from 0 to 60,000",
      );
      expect(svg).toContain("Y-axis titled 'Projected churn rate' for a linear scale with values from 0% to 50%");
      const rule = (label: string): string =>
        new RegExp(`<line aria-label="${label}" role="graphics-symbol" aria-roledescription="rule mark" [^>]*>`).exec(
          svg,
        )?.[0] ?? '';
      expect(rule('spend: 35000')).toMatch(/transform="translate\(228\.66\d*,0\)" x2="0" y2="280"/);
      expect(rule('spend: 35000')).toContain(`stroke="${PALETTE.neutral}"`);
      expect(rule('churnRate: 0.1')).toMatch(/transform="translate\(392,224\)" x2="-392"/);
      expect(rule('churnRate: 0.1')).toContain(`stroke="${PALETTE.churned}"`);
      expect(svg).toContain('budget: 35,000.00');
      expect(svg).toContain('target: 10.0%');
    });

    it('marks the three reported cutoffs as labelled points, one label where they coincide', () => {
      expect(svg).toContain('aria-label="spend: 30000; churnRate: 0.233333333333; which: budget-constrained"');
      expect(svg).toContain('aria-label="spend: 40000; churnRate: 0.1; which: cost-optimal"');
      expect(svg).toContain('budget-constrained (0.700), cutoff 0.5 (0.500)</text>');
      expect(svg).toContain('cost-optimal (0.400)</text>');
    });
  });

  it('escapes what it shows of the business case', async () => {
    const evaluation = handCheckedCase();
    const hostile = { toFixed: () => '<b>0.7</b>' };
    const { business } = evaluation;
    const tampered = {
      ...evaluation,
      business: {
        ...business,
        cutoff: hostile,
        atCutoffs: {
          ...business.atCutoffs,
          budgetConstrained: { ...business.atCutoffs.budgetConstrained, cutoff: hostile },
        },
      },
    } as unknown as Evaluation;
    const escaped = await renderReport(tampered);
    expect(escaped).not.toContain('<b>');
    expect(businessText(escaped)).toContain('At the budget-constrained cutoff, &lt;b&gt;0.7&lt;/b&gt;, the campaign');
    expect(tableRows(escaped, 'business')[1]?.[1]).toBe('&lt;b&gt;0.7&lt;/b&gt;');
    expect(chartsOf(escaped).get('campaign')).toContain('budget-constrained (&lt;b&gt;0.7&lt;/b&gt;)');
  });
});
