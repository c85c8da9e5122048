/**
 * The account check: the account the credentials belong to against the configured one. Pure: the
 * caller asks STS.
 */
import type { StageConfig } from '../config';
import type { CheckResult } from './result';

/**
 * The account the credentials belong to (STS GetCallerIdentity) against the configured one. A
 * stage without an account (sandbox) deploys wherever the credentials point, so any account is
 * fine; a mismatch would deploy `production` with the wrong credentials, and CloudFormation would
 * refuse, so it is a blocker.
 */
export function checkAccount(config: StageConfig, callerAccount: string, callerArn: string): CheckResult {
  const check = 'account';
  if (config.account === undefined) {
    return {
      check,
      status: 'ok',
      message: `${callerAccount} (${callerArn}); stage ${config.stage} deploys to the credentials' account`,
    };
  }
  if (config.account !== callerAccount) {
    return {
      check,
      status: 'blocker',
      message: `the credentials belong to account ${callerAccount} (${callerArn}), but config.${config.stage}.account is ${config.account}`,
      fix: `use credentials of account ${config.account} (--profile NAME or AWS_PROFILE), or correct config.${config.stage}.account`,
    };
  }
  return { check, status: 'ok', message: `${callerAccount} (${callerArn}), as configured` };
}
