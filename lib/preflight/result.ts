/**
 * What a preflight check finds, how the findings print, and the exit code they add up to.
 * Pure: no AWS, no environment.
 */

/**
 * How a finding bears on the deploy:
 * - `ok`: nothing to do;
 * - `warn`: the deploy goes through, but something later may fail or could not be verified;
 * - `blocker`: the deploy (or the first pipeline run or model deployment) fails until it is fixed.
 */
export type CheckStatus = 'ok' | 'warn' | 'blocker';

/** One finding of one check. */
export interface CheckResult {
  /** What was checked, short: `bootstrap`, `account`, `region services`, `quota ml.m5.large for training job usage`. */
  readonly check: string;
  readonly status: CheckStatus;
  /** What was found, as a sentence fragment without a final full stop. */
  readonly message: string;
  /**
   * What to do about it.
   * @default - nothing to do (an `ok` finding)
   */
  readonly fix?: string;
}

/** The label each status prints with; the blocker shouts so it cannot be skimmed past. */
const LABELS: Readonly<Record<CheckStatus, string>> = { ok: 'ok', warn: 'warn', blocker: 'BLOCKER' };
const LABEL_WIDTH = Math.max(...Object.values(LABELS).map((l) => l.length));

/** `BLOCKER  check: message. Fix: what to do` — one line per finding. */
export function formatResult(result: CheckResult): string {
  const fix = result.fix === undefined ? '' : `. Fix: ${result.fix}`;
  return `${LABELS[result.status].padEnd(LABEL_WIDTH)}  ${result.check}: ${result.message}${fix}`;
}

/** Where the checks ran, for the summary. */
export interface PreflightTarget {
  readonly stage: string;
  readonly account: string;
  readonly region: string;
}

/** Every finding, one a line, then a summary that counts them and says whether anything blocks the deploy. */
export function formatReport(results: readonly CheckResult[], target: PreflightTarget): string {
  const count = (status: CheckStatus) => results.filter((r) => r.status === status).length;
  const blockers = count('blocker');
  const warnings = count('warn');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const verdict =
    blockers > 0
      ? 'Fix the blockers above before `npm run deploy`.'
      : warnings > 0
        ? 'Nothing blocks the deploy; read the warnings above.'
        : 'Nothing blocks the deploy.';
  return (
    `${results.map(formatResult).join('\n')}\n\n` +
    `preflight for stage ${target.stage}, account ${target.account}, region ${target.region}: ` +
    `${plural(blockers, 'blocker')}, ${plural(warnings, 'warning')}, ${count('ok')} ok. ${verdict}\n`
  );
}

/** 1 when anything blocks the deploy, else 0 (warnings do not fail the run: they are for a person to read). */
export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'blocker') ? 1 : 0;
}
