/**
 * The local quality stage's own parts: the join by customer id (what it leaves out, and why), the
 * outcomes of a window (the generator's labels of the same customers), and the report it writes.
 * The stage on the real model is in local-cli.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { campaignAt } from '../../lambda/evaluate/business';
import { loadStageConfig } from '../../lib/config';
import { businessCaseValues } from '../../lib/contracts/business-case';
import { customerWindow } from '../../lib/local/drift';
import { checkWindowQuality, joinByCustomer, LOCAL_JOIN_NOTE, windowOutcomes } from '../../lib/local/quality';
import { driftScenario } from '../../lib/schema/drift-scenarios';
import { generateCustomers } from '../../lib/schema/generator';

const START = new Date('2026-07-01T00:00:00Z');
const CUTOFF = { value: 0.5, source: 'a test', fallback: false };

describe('joinByCustomer', () => {
  it('pairs each outcome with its customer’s prediction, whatever the order', () => {
    const joined = joinByCustomer(
      [
        { customerId: 'C1', probability: 0.9 },
        { customerId: 'C2', probability: 0.1 },
      ],
      [
        { customerId: 'C2', churned: false },
        { customerId: 'C1', churned: true },
      ],
    );
    expect(joined.scored).toEqual([
      { probability: 0.1, churned: false },
      { probability: 0.9, churned: true },
    ]);
    expect(joined.leftOut).toEqual({ unmatched: 0, duplicate: 0 });
  });

  it('counts an outcome without a prediction as unmatched and a second outcome as a duplicate, scoring neither', () => {
    const joined = joinByCustomer(
      [{ customerId: 'C1', probability: 0.7 }],
      [
        { customerId: 'C1', churned: true },
        { customerId: 'X9', churned: true },
        { customerId: 'C1', churned: false },
      ],
    );
    expect(joined.scored).toEqual([{ probability: 0.7, churned: true }]);
    expect(joined.leftOut).toEqual({ unmatched: 1, duplicate: 1 });
  });
});

describe('windowOutcomes', () => {
  it.each([
    ['without drift', undefined],
    ['with usage+concept', driftScenario('usage+concept', new Date(0))],
  ])('gives the true churn of the same customers the window scores, %s', (_, drift) => {
    const window = { seed: 7, count: 300, start: START, ...(drift === undefined ? {} : { drift }) };
    const customers = generateCustomers(window);
    expect(windowOutcomes(window)).toEqual(
      customers.map((c) => ({ customerId: String(c.record.customer_id), churned: c.record.churn })),
    );
    expect(customerWindow(window).customerIds).toEqual(customers.map((c) => String(c.record.customer_id)));
  });
});

describe('checkWindowQuality', () => {
  const config = loadStageConfig({});
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-quality-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A window whose scores rank churners first with the given share of pairs right. */
  function check(perfect: boolean) {
    const window = { seed: 3, count: 1000, start: START };
    const outcomes = windowOutcomes(window);
    const predictions = outcomes.map((o, i) => ({
      customerId: o.customerId,
      // A perfect ranking, or scores that ignore the outcome entirely.
      probability: perfect ? (o.churned ? 0.9 : 0.1) : (i % 10) / 10,
    }));
    return checkWindowQuality({
      name: perfect ? 'steady' : 'drifted',
      scenario: 'none',
      predictions,
      outcomes,
      cutoff: CUTOFF,
      modelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/local-churn/1',
      config,
      dir,
    });
  }

  it('writes <window>.json with the verdict of the quality function, the join and its note', () => {
    const { report, file } = check(true);
    expect(file).toBe(path.join(dir, 'steady.json'));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(report);
    expect(report.quality.verdict).toBe('ok');
    expect(report.quality.auc).toBe(1);
    expect(report.quality.counts.matched).toBe(1000);
    expect(report.quality.thresholds).toEqual({
      minAuc: config.monitoring.minAuc,
      minPrecision: config.monitoring.minPrecision,
      minRecall: config.monitoring.minRecall,
    });
    expect(report.joinNotes).toEqual({ join: LOCAL_JOIN_NOTE });
  });

  it('carries the stage’s business case and its campaign at the cutoff, projected from the window’s matrix', () => {
    const { report } = check(true);
    const business = businessCaseValues(config.business);
    expect(report.formatVersion).toBe(2);
    expect(report.quality.assumptions).toEqual(business);
    expect(report.quality.campaign).toEqual(campaignAt(report.quality.matrix, CUTOFF.value, business));
    // A perfect ranking reaches every churner: the campaign keeps all it can.
    expect(report.quality.campaign?.projectedChurnRate).toBeCloseTo(
      business.churnRateBefore * (1 - business.incentiveRetention),
      12,
    );
    expect(report.quality.reason).toContain('Campaign projected onto');
  });

  it('acts when the scores say nothing about who leaves', () => {
    const { report } = check(false);
    expect(report.quality.verdict).toBe('act');
    expect(report.quality.belowThreshold).toContain('auc');
  });
});
