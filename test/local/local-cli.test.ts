import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main, USAGE } from '../../bin/local';
import type { Evaluation } from '../../lambda/evaluate/metrics';
import { businessCaseLines } from '../../lambda/evaluate/business-text';
import { loadStageConfig } from '../../lib/config';
import { localRetrainOptions } from '../../lib/local/lifecycle';
import type { LocalQualityReport } from '../../lib/local/quality';
import {
  championAgainstChallenger,
  type ChampionChallenger,
  retrainChallenger,
  type RetrainingGateRecord,
} from '../../lib/local/retraining';
import type { TuningSummary } from '../../lambda/evaluate/tuning-report';
import type { DataProfile } from '../../lib/contracts/data-profile';

/** Runs the CLI with `argv`, capturing what it writes. */
async function run(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0),
    jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => err.push(String(chunk)) > 0),
    jest.spyOn(console, 'log').mockImplementation((...args) => void out.push(args.join(' '))),
    jest.spyOn(console, 'error').mockImplementation((...args) => void err.push(args.join(' '))),
  ];
  try {
    const code = await main(argv);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    spies.forEach((spy) => spy.mockRestore());
    process.env = saved;
  }
}

describe('npm run local', () => {
  it('shows its usage on --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toBe(USAGE);
  });

  it.each([
    [['--customers', '10'], '--customers is "10"; expected an integer from 1000 to 1000000'],
    [['--customers', 'many'], '--customers is "many"; expected an integer from 1000 to 1000000'],
    [['--trials', '0'], '--trials is "0"; expected an integer from 1 to 20'],
    [['--seed', '1.5'], '--seed is "1.5"; expected an integer'],
    [['--scenario', 'storm'], '--scenario is "storm"; expected one of: usage, market, concept, usage+concept'],
    [['--colour', 'red'], "Unknown option '--colour'"],
  ])('refuses %j with exit code 2, saying what is allowed in one line', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr).toMatch(/^error: [^\n]+ \(run with --help to see the options\)\n$/);
  });

  it('stops with what to install when Python is missing, before writing anything', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'local-cli-'));
    try {
      const { code, stderr } = await run(['--out', path.join(out, 'run')], { PYTHON: path.join(out, 'no-python') });
      expect(code).toBe(1);
      expect(stderr).toMatch(/Python \(".*no-python"\) was not found\. Install Python 3\.11 or newer/);
      expect(fs.existsSync(path.join(out, 'run'))).toBe(false);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('stops with what to install when Java is missing', async () => {
    const { code, stderr } = await run(['--out', path.join(os.tmpdir(), 'unused')], { JAVA: '/nonexistent/java' });
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /Java \("\/nonexistent\/java"\) was not found: local Spark needs a Java runtime, version 17/,
    );
  });
});

/**
 * The loop on the real engines: one run of `npm run local` as documented (10,000 records, seed 42:
 * smaller runs make the evaluation's cost-optimal cutoff too noisy for the live recall to hold on
 * new customers), with the default scenario, usage+concept; then the retraining stages alone with
 * the market scenario against the same champion. Three local Spark runs in all (each mostly Spark's
 * own overhead), so minutes, not seconds.
 */
describe('npm run local closes the loop on the real engines', () => {
  const config = loadStageConfig({});
  const { minAuc } = config.monitoring;
  const margin = config.retraining.championMargin;
  let dir: string;
  let out: string;
  let cli: { code: number; stdout: string; stderr: string };
  const read = <T>(...names: string[]): T => JSON.parse(fs.readFileSync(path.join(out, ...names), 'utf8')) as T;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-loop-'));
    out = path.join(dir, 'run');
    cli = await run(['--out', out, '--scenario', 'usage+concept']);
  }, 15 * 60_000);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs every stage and prints the decision with both AUCs', () => {
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({ code: 0, stderr: '' });
    for (let n = 1; n <= 12; n++) {
      expect(cli.stdout).toMatch(new RegExp(`\\[${n}/12\\] .*\\(\\d+\\.\\d s\\)`));
    }
    const gate = read<RetrainingGateRecord>('retraining', 'gate.json');
    expect(cli.stdout).toContain(
      `challenger-promoted, Approved; on the new test split the challenger's AUC is ${gate.scores.challengerAuc.toFixed(4)} ` +
        `and the champion's ${gate.scores.champion?.auc.toFixed(4)} (margin ${margin}).`,
    );
  });

  it('writes the data, evaluation and tuning reports, the tuning one from every trial of the search', () => {
    for (const report of [
      ['data', 'report.html'],
      ['evaluation', 'report.html'],
      ['tuning', 'report.html'],
    ]) {
      expect(fs.readFileSync(path.join(out, ...report), 'utf8')).toMatch(
        /^<!DOCTYPE html>[\s\S]*<figure class="chart"/,
      );
    }
    const tuning = read<TuningSummary>('tuning', 'tuning.json');
    expect(tuning.trials).toHaveLength(4); // npm run local's default
    const best = tuning.trials.find((t) => t.name === tuning.best.name);
    // The best trial's validation AUC at its best round is its objective, and the highest.
    expect(tuning.best.history.validation[tuning.best.bestRound]).toBe(best?.objective);
    expect(Math.max(...tuning.trials.map((t) => t.objective ?? 0))).toBe(best?.objective);
    expect(cli.stdout).toContain(
      `The data report: ${path.join(out, 'data', 'report.html')}; the tuning report: ${path.join(out, 'tuning', 'report.html')}`,
    );
    // The data report's profile, computed on Spark by the features stage: every curated customer.
    const profile = read<DataProfile>('features', 'profile.json');
    expect(profile.rows).toBeGreaterThan(9000);
    expect(profile.churned / profile.labelled).toBeGreaterThan(0.05);
  });

  it('finds live quality ok on new customers without drift: every outcome joined, the AUC at least monitoring.minAuc', () => {
    const steady = read<LocalQualityReport>('monitoring', 'quality', 'steady.json');
    expect(steady.quality.verdict).toBe('ok');
    expect(steady.quality.counts.matched).toBe(2000);
    expect(steady.leftOut).toEqual({ unmatched: 0, duplicate: 0 });
    expect(steady.quality.auc).toBeGreaterThan(minAuc + 0.05);
    // At the deployed cutoff: the campaign's, the evaluation's budget-constrained one.
    const evaluation = read<Evaluation>('evaluation', 'evaluation.json');
    expect(steady.quality.cutoff.value).toBe(evaluation.business.cutoff);
  });

  it('reports the business case at the default size: evaluation.json’s business object, printed at the end', () => {
    const { business } = read<Evaluation>('evaluation', 'evaluation.json');
    const defaults = config.business;
    expect(business).toMatchObject({
      budget: defaults.incentiveBudget,
      targetChurnRate: defaults.targetChurnRate,
      churnRateBefore: defaults.churnRateBefore,
    });
    expect(business.spend).toBeLessThanOrEqual(business.budget);
    expect(business.spend).toBeGreaterThan(0);
    expect(business.projectedChurnRate).toBeLessThan(business.churnRateBefore);
    expect(typeof business.targetMet).toBe('boolean');
    expect(business.cutoff).toBe(business.atCutoffs.budgetConstrained.cutoff);
    expect(cli.stdout).toContain('The business case (config business.*; evaluation.json');
    expect(cli.stdout).toContain(businessCaseLines(business).join('\n  '));
  });

  it('finds the quality drop with usage+concept: the live AUC far below monitoring.minAuc, so the verdict acts', () => {
    const drifted = read<LocalQualityReport>('monitoring', 'quality', 'drifted.json');
    expect(drifted.scenario).toBe('usage+concept');
    expect(drifted.quality.verdict).toBe('act');
    expect(drifted.quality.belowThreshold).toContain('auc');
    expect(drifted.quality.auc).toBeLessThan(minAuc - 0.1);
    // The same window's drift check saw the inputs move too.
    const drift = read<{ verdict: string }>('monitoring', 'drift', 'drifted', 'report.json');
    expect(drift.verdict).toBe('act');
  });

  it('promotes the challenger with usage+concept: it beats the champion on the new test split by far more than the margin', () => {
    const gate = read<RetrainingGateRecord>('retraining', 'gate.json');
    expect(gate.decision.status).toBe('Approved');
    expect(gate.event.decision).toBe('challenger-promoted');
    expect(gate.scores.championMargin).toBe(margin);
    const champion = read<Evaluation>('retraining', 'champion', 'evaluation.json');
    const challenger = read<Evaluation>('retraining', 'challenger', 'evaluation.json');
    // The gate's recorded scores are the two evaluations', on the same rows.
    expect(gate.scores.challengerAuc).toBe(challenger.auc);
    expect(gate.scores.champion).toEqual({
      modelPackageArn: expect.stringMatching(/local-churn\/1$/),
      auc: champion.auc,
    });
    expect(champion.counts).toEqual(challenger.counts);
    expect(gate.testRows).toBe(challenger.counts.rows);
    expect(challenger.auc - champion.auc).toBeGreaterThan(margin + 0.1);
    expect(gate.decision.reason).toContain(`at least the margin ${margin.toFixed(3)}`);
  });

  describe('with the market scenario (the customers move, who leaves does not)', () => {
    let market: ChampionChallenger;
    beforeAll(async () => {
      const options = localRetrainOptions(
        {
          root: path.join(__dirname, '..', '..'),
          out,
          customers: 10_000,
          seed: 42,
          trials: 4,
          scenario: 'market',
          python: path.join(__dirname, '..', '..', '.venv', 'bin', 'python'),
          config,
          now: new Date(),
          log: () => undefined,
        },
        path.join(out, 'model', 'xgboost-model'),
      );
      market = await championAgainstChallenger(options, await retrainChallenger(options));
    }, 10 * 60_000);

    it('rejects the challenger: it does not beat the champion by the margin; gate.json records both AUCs and the margin', () => {
      expect(market.gate.decision.status).toBe('Rejected');
      expect(market.gate.event.decision).toBe('challenger-rejected');
      expect(market.gate.decision.reason).toMatch(
        /test AUC gain -?\d\.\d+ over the model in service .* is below the margin 0\.010/,
      );
      const gate = read<RetrainingGateRecord>('retraining', 'gate.json');
      expect(gate).toEqual(JSON.parse(JSON.stringify(market.gate)));
      expect(gate.scenario).toBe('market');
      expect(gate.scores).toEqual({
        challengerAuc: market.challenger.auc,
        champion: { modelPackageArn: expect.stringMatching(/local-churn\/1$/), auc: market.champion.auc },
        championMargin: margin,
      });
      // Not a near miss: the challenger is no better than the champion at all.
      expect(market.challenger.auc - market.champion.auc).toBeLessThan(margin / 2);
      // Both are still good models: the market moved, the churn model did not.
      expect(market.champion.auc).toBeGreaterThan(minAuc + 0.05);
    });
  });
});
