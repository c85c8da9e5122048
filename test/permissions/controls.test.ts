import { PERMISSION_CONTRACT, SERVING_WITH_A_MODEL, STAGE_FACTS } from '../../lib/permissions/contract';
import type { PermissionRow } from '../../lib/permissions/types';
import { PRODUCTION_CONTEXT, buildApp } from '../support/app';
import { ContractEvaluator } from '../support/permissions/evaluate';
import { TEST_ACCOUNT } from '../support/permissions/world';

/** A contract row by id. */
function row(id: string): PermissionRow {
  const found = PERMISSION_CONTRACT.find((r) => r.id === id);
  if (found === undefined) {
    throw new Error(`no row ${id}`);
  }
  return found;
}

/** Statements whose principal is the account root: the KMS key policies' "enable IAM policies" statement. */
const accountRootStatement = (s: Record<string, unknown>) =>
  JSON.stringify(s.Principal ?? '').includes(`arn:aws:iam::${TEST_ACCOUNT}:root`);

describe('the evaluator can say no (sandbox)', () => {
  let evaluator: ContractEvaluator;
  beforeAll(() => {
    evaluator = ContractEvaluator.forApp(buildApp().app, 'sandbox', STAGE_FACTS.sandbox, SERVING_WITH_A_MODEL);
  });

  it('allows a row as written, and denies it with an action nobody granted', async () => {
    const written = row('curate-reads-raw-stream');
    expect((await evaluator.evaluate(written)).decision).toBe('allowed');
    expect((await evaluator.evaluate({ ...written, action: 's3:GetObjectAcl' })).decision).toBe('denied');
  });

  it('denies iam:PassRole once the statement that grants it is removed', async () => {
    const passRole = row('pipeline-passes-job-role');
    expect((await evaluator.evaluate(passRole)).decision).toBe('allowed');
    const without = await evaluator.evaluate(passRole, { dropStatement: (s) => s.Sid === 'PassJobRole' });
    expect(without.decision).toBe('denied');
  });

  it('applies KMS key-policy trust: without the account statement, the role’s own IAM grant is not enough', async () => {
    const useKey = row('firehose-raw-key-generatedatakey');
    const without = await evaluator.evaluate(useKey, { dropStatement: accountRootStatement });
    expect(without.decision).toBe('denied');
    expect(without.identityPolicies.length).toBeGreaterThan(0);
  });

  it('evaluates the KMS encryption context: the same call for another bucket is denied', async () => {
    const useKey = row('firehose-raw-key-generatedatakey');
    const otherBucket = {
      ...useKey,
      context: { ...useKey.context, 'kms:EncryptionContext:aws:s3:arn': '{arn:DataLake/Storage/CuratedBucket}' },
    };
    expect((await evaluator.evaluate(otherBucket)).decision).toBe('denied');
  });

  it('needs a resource policy for a service principal: without the CloudTrail statements, delivery is denied', async () => {
    const deliver = row('cloudtrail-writes-log-file');
    expect((await evaluator.evaluate(deliver)).decision).toBe('allowed');
    const without = await evaluator.evaluate(deliver, {
      dropStatement: (s) => JSON.stringify(s.Principal ?? '').includes('cloudtrail.amazonaws.com'),
    });
    expect(without.decision).toBe('denied');
  });

  it('denies a cross-account caller that the resource policy does not name, even with every IAM permission', async () => {
    const verdict = await evaluator.evaluate(row('outsider-uses-datakey-decrypt'));
    expect(verdict.decision).toBe('denied');
    expect(verdict.principal).toContain(':sts::444455556666:');
  });

  it('refuses a row whose context key the action never carries', async () => {
    const typo = { ...row('pipeline-passes-job-role'), context: { 'iam:PassedToServices': 'sagemaker.amazonaws.com' } };
    await expect(evaluator.evaluate(typo)).rejects.toThrow(/has no context key iam:PassedToServices/);
  });

  it('resolves the weak cross-stack references: the delivery role holds the lake’s stream-writer policy', async () => {
    const verdict = await evaluator.evaluate(row('firehose-writes-raw-stream'));
    expect(verdict.identityPolicies.map((p) => p.name)).toContain(
      `ml-lifecycle-sandbox-data-lake/${evaluator.deployed.resourceAt('DataLake/StreamWriterAccess/Resource').logicalId}`,
    );
    expect(verdict.principal).toBe(
      `arn:aws:sts::${TEST_ACCOUNT}:assumed-role/${evaluator.deployed.resourceAt('Ingestion/Streaming/DeliveryRole').identity.ref}/contract`,
    );
  });

  it('deploys the serving stack with a model: the HasModel resources exist', () => {
    const serving = evaluator.deployed.stack('ml-lifecycle-sandbox-serving');
    expect(serving.condition('HasModel')).toBe(true);
    expect(serving.deployedResources().map((r) => r.type)).toContain('AWS::SageMaker::Endpoint');
  });
});

describe('the production stage is checked in its own account', () => {
  it('uses the account and region the production config pins', () => {
    const evaluator = ContractEvaluator.forApp(buildApp(PRODUCTION_CONTEXT).app, 'production', STAGE_FACTS.production);
    expect(evaluator.account).toBe('123456789012');
    expect(evaluator.expand('{arn:DataLake/Storage/DataKey}')).toMatch(/^arn:aws:kms:eu-west-1:123456789012:key\//);
    // Without the model parameters, the serving stack deploys no endpoint.
    expect(evaluator.deployed.stack('ml-lifecycle-production-serving').condition('HasModel')).toBe(false);
  });
});

describe('the contract itself', () => {
  it('has unique ids', () => {
    const ids = PERMISSION_CONTRACT.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('names a documentation page for every row', () => {
    expect(PERMISSION_CONTRACT.filter((r) => !/^https:\/\/\S+$/.test(r.doc)).map((r) => r.id)).toEqual([]);
  });

  it('has denied rows, and explains every gap', () => {
    expect(PERMISSION_CONTRACT.filter((r) => r.expect === 'denied').length).toBeGreaterThan(20);
    expect(PERMISSION_CONTRACT.filter((r) => r.gap !== undefined && r.expect !== 'allowed')).toEqual([]);
  });
});
