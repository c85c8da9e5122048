import type { StageName } from '../../../lib/config';
import { type ConfigContext, loadStageConfig } from '../../../lib/config';
import {
  PERMISSION_CONTRACT,
  SERVING_BASELINE,
  SERVING_WITH_A_MODEL,
  STAGE_FACTS,
} from '../../../lib/permissions/contract';
import { buildApp } from '../app';
import { ContractEvaluator, type Verdict } from './evaluate';

/** Why a verdict came out as it did, for a failing test's message. */
export function explain(verdict: Verdict): string {
  return JSON.stringify(
    {
      result: verdict.result,
      principal: verdict.principal,
      resource: verdict.resource,
      context: verdict.context,
      identityPolicies: verdict.identityPolicies.map((p) => p.name),
      resourcePolicy: verdict.resourcePolicy,
    },
    null,
    1,
  );
}

/**
 * One `it` per contract row for one stage, the app synthesized once. A row with a `gap` is
 * expected to fail today (`it.failing`): when the constructs are fixed it passes, its test fails,
 * and the note must go.
 */
export function describeContract(stage: StageName, context: ConfigContext): void {
  const modelMonitor = loadStageConfig(context).modelMonitor.enabled;
  describe(`permission contract, ${stage}${modelMonitor ? ', with Model Monitor' : ''}`, () => {
    let evaluator: ContractEvaluator;
    beforeAll(() => {
      const { app } = buildApp(context);
      // Only with Model Monitor has the Serving stack baseline parameters.
      const serving = { ...SERVING_WITH_A_MODEL.Serving, ...(modelMonitor ? SERVING_BASELINE : {}) };
      evaluator = ContractEvaluator.forApp(app, stage, STAGE_FACTS[stage], { Serving: serving });
    });

    const rows = PERMISSION_CONTRACT.filter(
      (row) =>
        (row.stages === undefined || row.stages.includes(stage)) &&
        (row.modelMonitor === undefined || row.modelMonitor === modelMonitor),
    );
    for (const row of rows) {
      const name = `${row.id}: ${row.call} → ${row.expect}`;
      const check = async () => {
        const verdict = await evaluator.evaluate(row);
        if (verdict.decision !== row.expect) {
          throw new Error(`${row.id} is ${verdict.decision}, the contract says ${row.expect}\n${explain(verdict)}`);
        }
      };
      if (row.gap === undefined) {
        it(name, check);
      } else {
        it.failing(`${name} (known gap: ${row.gap})`, check);
      }
    }
  });
}
