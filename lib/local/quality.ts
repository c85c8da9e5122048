/**
 * Live model quality on this machine: what the quality function does in AWS, on a window of new
 * customers the local model scored. Their outcomes (who really left, from the generator, as
 * `npm run produce -- --outcomes` sends them) are joined to the scores and measured by the
 * function's own `liveQuality`, at the deployed cutoff, with the stage's thresholds and business
 * case (so the report carries the campaign's figures too, projected as in AWS).
 *
 * Locally the join is trivial: every scored customer's id is known (the window was generated here)
 * and every one of them has exactly one outcome, so joining by customer id matches them all. In AWS
 * the join is the hard part (outcomes arrive late, twice, or for customers never scored, and a
 * prediction is found in the captured requests); `lambda/live-quality/join.ts` does it there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type LiveQuality, liveQuality, type ScoredOutcome } from '../../lambda/live-quality/quality';
import { businessCaseValues } from '../contracts/business-case';
import type { Cutoff } from '../contracts/cutoff';
import type { StageConfig } from '../config';
import type { DriftOptions } from '../schema/drift';
import { generateOutcomes } from '../schema/generator';
import type { OutcomeRecord } from '../schema/outcome';

/** A customer's score, as the model answered for it. */
export interface Prediction {
  readonly customerId: string;
  /** The probability of churn, 0 to 1. */
  readonly probability: number;
}

/** An outcome: whether a customer left. */
export interface Outcome {
  readonly customerId: string;
  readonly churned: boolean;
}

/** The outcomes joined to their predictions, and those left out by reason. */
export interface LocalJoin {
  readonly scored: readonly ScoredOutcome[];
  /** `unmatched`: no prediction for the customer; `duplicate`: a second outcome for one. */
  readonly leftOut: Readonly<Record<'unmatched' | 'duplicate', number>>;
}

/**
 * Joins outcomes to predictions by customer id: one pair per customer with both, the first outcome
 * of a customer counted, any other one left out as a duplicate.
 */
export function joinByCustomer(predictions: readonly Prediction[], outcomes: readonly Outcome[]): LocalJoin {
  const byCustomer = new Map(predictions.map((p) => [p.customerId, p.probability]));
  const seen = new Set<string>();
  const scored: ScoredOutcome[] = [];
  let unmatched = 0;
  let duplicate = 0;
  for (const outcome of outcomes) {
    const probability = byCustomer.get(outcome.customerId);
    if (probability === undefined) {
      unmatched++;
    } else if (seen.has(outcome.customerId)) {
      duplicate++;
    } else {
      seen.add(outcome.customerId);
      scored.push({ probability, churned: outcome.churned });
    }
  }
  return { scored, leftOut: { unmatched, duplicate } };
}

/** Which customers a window holds: the generator's options for them. */
export interface WindowCustomers {
  readonly seed: number;
  readonly count: number;
  readonly start: Date;
  /** @default - no drift */
  readonly drift?: DriftOptions;
}

/**
 * The outcomes of a window's customers (the generator's, for the same seed, start and drift, so
 * the same customers), clean: one per customer, none late.
 */
export function windowOutcomes(window: WindowCustomers): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const record of generateOutcomes(window)) {
    // The record as the producer sends it (no dirt asked for: every one well formed).
    const outcome = JSON.parse(record.text) as OutcomeRecord;
    outcomes.push({ customerId: outcome.customer_id, churned: outcome.churned });
  }
  return outcomes;
}

/** The local quality report, `monitoring/quality/<window>.json`: the function's report, less the endpoint's names. */
export interface LocalQualityReport {
  /** The version of this layout: the function's report's (`QualityReport`). */
  readonly formatVersion: 2;
  /** The window's name (`steady`, `drifted`). */
  readonly window: string;
  /** The drift scenario of the window's customers, or `none`. */
  readonly scenario: string;
  readonly modelPackageArn: string;
  readonly minimumOutcomes: number;
  readonly quality: LiveQuality;
  readonly leftOut: LocalJoin['leftOut'];
  readonly joinNotes: Readonly<Record<string, string>>;
}

/** How the local join is made, for the report. */
export const LOCAL_JOIN_NOTE =
  'by customer id: the window was generated here, so each scored customer is known and has exactly one outcome';

/** What {@link checkWindowQuality} measures, and where it writes. */
export interface WindowQualityOptions {
  readonly name: string;
  readonly scenario: string;
  readonly predictions: readonly Prediction[];
  readonly outcomes: readonly Outcome[];
  /** The deployed cutoff: the one the evaluation chose, as the pipeline records it on the package. */
  readonly cutoff: Cutoff;
  readonly modelPackageArn: string;
  readonly config: Pick<StageConfig, 'business' | 'monitoring'>;
  /** The folder the report is written to (made if missing). */
  readonly dir: string;
}

/** Joins, measures and writes one window's live quality; returns the report and its file. */
export function checkWindowQuality(options: WindowQualityOptions): {
  readonly report: LocalQualityReport;
  readonly file: string;
} {
  const { business, monitoring } = options.config;
  const joined = joinByCustomer(options.predictions, options.outcomes);
  const quality = liveQuality(joined.scored, {
    cutoff: options.cutoff,
    business: businessCaseValues(business),
    thresholds: { minAuc: monitoring.minAuc, minPrecision: monitoring.minPrecision, minRecall: monitoring.minRecall },
    minimumOutcomes: monitoring.minimumOutcomes,
  });
  const report: LocalQualityReport = {
    formatVersion: 2,
    window: options.name,
    scenario: options.scenario,
    modelPackageArn: options.modelPackageArn,
    minimumOutcomes: monitoring.minimumOutcomes,
    quality,
    leftOut: joined.leftOut,
    joinNotes: { join: LOCAL_JOIN_NOTE },
  };
  fs.mkdirSync(options.dir, { recursive: true });
  const file = path.join(options.dir, `${options.name}.json`);
  fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  return { report, file };
}
