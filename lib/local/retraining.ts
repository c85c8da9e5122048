/**
 * Guarded retraining on this machine: what the training pipeline does when the monitors start it,
 * champion against challenger.
 *
 * New labelled customers (customers who arrived after the drift, with their outcomes as labels) go
 * the way the first training data went: records with the default dirt, cleaned as Firehose invokes
 * the record cleaner, curated and made into features by the Glue jobs' cores on local Spark. A
 * challenger is tuned on them exactly as the champion was (the same search, trials and seed). Then
 * both models score the new test split with the same transform, the evaluate function's code
 * evaluates both, and the quality gate's own `decide` judges the challenger with the model in
 * service as its champion and the stage's `retraining.championMargin`.
 *
 * Everything lands under the retraining folder: `raw/`, `curated/`, `features/` (the new data),
 * `challenger/model/`, `{champion,challenger}/transform/` and `{champion,challenger}/evaluation.json`,
 * and `gate.json` (the decision, both scores and the margin, and the `Retraining decision` event).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { businessSummary } from '../../lambda/evaluate/business';
import type { Evaluation } from '../../lambda/evaluate/metrics';
import {
  decide,
  decisionEvent,
  type GateDecision,
  type GateEvent,
  type GatePolicy,
  type GateScores,
  scoresOf,
} from '../../lambda/quality-gate/gate';
import type { RetrainingDecisionDetail } from '../contracts/monitoring-events';
import type { StageConfig } from '../config';
import { DEFAULT_DIRT } from '../schema/dirt';
import { type DriftScenarioName, driftScenario } from '../schema/drift-scenarios';
import {
  describeEtl,
  type EtlLine,
  evaluateScores,
  type PythonEnv,
  runLocalEtl,
  scoreFiles,
  tuneModel,
  type TunedModel,
} from './engines';
import { generateRecords, type RawZoneSummary, writeRawZone } from './raw-zone';

/** The model in service: its model file and the package it stands for. */
export interface LocalChampion {
  /** The model file (`xgboost-model`) the first run trained. */
  readonly model: string;
  readonly modelPackageArn: string;
}

/** What a retraining run is asked to do. */
export interface RetrainOptions extends PythonEnv {
  /** The retraining folder; its previous content is replaced. */
  readonly out: string;
  /** The drift scenario the new customers follow, in full from the first one on. */
  readonly scenario: DriftScenarioName;
  /** The generator's seed of the new customers: not the first run's, so they are other customers. */
  readonly seed: number;
  /** Records to generate (duplicates and broken records included). */
  readonly customers: number;
  /** Tuning trials, as in the first run. */
  readonly trials: number;
  /** The tuning's seed, as in the first run. */
  readonly tuningSeed: number;
  /** When the new records are ingested, and when their snapshots start. */
  readonly now: Date;
  readonly champion: LocalChampion;
  /** The challenger's package, as the pipeline would register it. */
  readonly challengerPackageArn: string;
  readonly config: Pick<StageConfig, 'training' | 'business' | 'retraining'>;
}

/** The new data and the challenger trained on it. */
export interface Retrained {
  readonly raw: RawZoneSummary;
  readonly etl: { readonly curate?: EtlLine; readonly features?: EtlLine };
  readonly challenger: TunedModel;
  /** The new data's features folder (train/, validation/, test/). */
  readonly features: string;
}

/** What the gate recorded, as `gate.json` holds it. */
export interface RetrainingGateRecord {
  readonly scenario: DriftScenarioName;
  readonly decision: GateDecision;
  /** Both models' test AUCs on the new test split, and the margin. */
  readonly scores: GateScores;
  /** The `Retraining decision` event the pipeline would put on the bus. */
  readonly event: RetrainingDecisionDetail;
  /** The gate's input: the challenger's evaluation's figures and the champion's score. */
  readonly input: GateEvent;
  readonly policy: GatePolicy;
  /** Rows of the new test split both models were scored on. */
  readonly testRows: number;
}

/** The outcome of champion against challenger. */
export interface ChampionChallenger {
  readonly champion: Evaluation;
  readonly challenger: Evaluation;
  readonly gate: RetrainingGateRecord;
  readonly files: { readonly gate: string; readonly champion: string; readonly challenger: string };
}

/**
 * Makes the new labelled data (generate with the scenario's drift, clean, curate and build
 * features on local Spark) and tunes the challenger on it.
 * @throws StageError when a Python stage fails
 */
export async function retrainChallenger(options: RetrainOptions): Promise<Retrained> {
  fs.rmSync(options.out, { recursive: true, force: true });
  fs.mkdirSync(options.out, { recursive: true });
  const dir = (...names: string[]) => path.join(options.out, ...names);
  // From the epoch on, so that every new customer has drifted in full (as `--drift` does).
  const drift = driftScenario(options.scenario, new Date(0));
  const records = generateRecords({
    seed: options.seed,
    count: options.customers,
    dirt: DEFAULT_DIRT,
    start: options.now,
    drift,
  });
  const raw = writeRawZone(dir('raw'), records, options.now);
  const folders = { raw: dir('raw'), curated: dir('curated'), features: dir('features') };
  const etl = await runLocalEtl(options, folders, `local-retrain-${options.seed}`);
  const challenger = await tuneModel(options, {
    features: folders.features,
    modelDir: dir('challenger', 'model'),
    trials: options.trials,
    seed: options.tuningSeed,
  });
  return { raw, etl, challenger, features: folders.features };
}

/** The retraining's progress line: the new data and the challenger's validation AUC. */
export function describeRetrained(retrained: Retrained): string {
  return (
    `${retrained.raw.records} new records, ${describeEtl(retrained.etl)}; ` +
    `challenger's best validation AUC ${retrained.challenger.validationAuc?.toFixed(4) ?? '?'}`
  );
}

/**
 * Scores the new test split with the champion and with the challenger (the same transform),
 * evaluates both (the same evaluation) and lets the quality gate decide, with the champion's test
 * AUC on that split; writes the evaluations and `gate.json`.
 * @throws StageError when a Python stage fails
 */
export async function championAgainstChallenger(
  options: RetrainOptions,
  retrained: Retrained,
): Promise<ChampionChallenger> {
  const testDir = path.join(retrained.features, 'test');
  // One after the other: the machine's two cores are shared, and each scoring is a few seconds.
  const champion = await scoreAndEvaluate(options, 'champion', options.champion.model, testDir);
  const challenger = await scoreAndEvaluate(options, 'challenger', retrained.challenger.model, testDir);

  const runId = `local-retrain-${options.scenario}-seed-${options.seed}`;
  const input: GateEvent = {
    runId,
    modelPackageArn: options.challengerPackageArn,
    auc: challenger.evaluation.auc,
    costAtOptimalCutoff: challenger.evaluation.costs.atOptimalCutoff,
    costOfDoingNothing: challenger.evaluation.costs.doingNothing,
    business: businessSummary(challenger.evaluation.business),
    champion: { modelPackageArn: options.champion.modelPackageArn, auc: champion.evaluation.auc },
  };
  const { training, business, retraining } = options.config;
  const policy: GatePolicy = {
    minAuc: training.minAuc,
    approval: training.approval,
    championMargin: retraining.championMargin,
    onCampaign: business.gateOnCampaign,
  };
  const decision = decide(input, policy);
  const gate: RetrainingGateRecord = {
    scenario: options.scenario,
    decision,
    scores: scoresOf(input, policy),
    event: decisionEvent(runId, decision),
    input,
    policy,
    testRows: challenger.evaluation.counts.rows,
  };
  const gateFile = path.join(options.out, 'gate.json');
  fs.writeFileSync(gateFile, `${JSON.stringify(gate, null, 2)}\n`);
  return {
    champion: champion.evaluation,
    challenger: challenger.evaluation,
    gate,
    files: { gate: gateFile, champion: champion.file, challenger: challenger.file },
  };
}

/** Scores the test split with `model` into `<name>/transform/`, evaluates it, writes `<name>/evaluation.json`. */
async function scoreAndEvaluate(
  options: RetrainOptions,
  name: 'champion' | 'challenger',
  model: string,
  testDir: string,
): Promise<{ readonly evaluation: Evaluation; readonly file: string }> {
  const transform = path.join(options.out, name, 'transform');
  await scoreFiles(options, { model, input: testDir, output: transform });
  const evaluation = evaluateScores(testDir, transform, options.config.business);
  const file = path.join(options.out, name, 'evaluation.json');
  fs.writeFileSync(file, `${JSON.stringify(evaluation, null, 2)}\n`);
  return { evaluation, file };
}

/** The decision's progress line: both AUCs on the new test split, the gain, and the decision. */
export function describeDecision(result: ChampionChallenger): string {
  const { gate } = result;
  return (
    `${gate.event.decision} (${gate.decision.status}): on ${gate.testRows} new test rows the challenger's AUC is ` +
    `${result.challenger.auc.toFixed(4)} against the champion's ${result.champion.auc.toFixed(4)}, ` +
    `margin ${gate.scores.championMargin}`
  );
}
