import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { grantPipelinePermissions } from '../../lib/training/pipeline-permissions';
import { testApp } from '../support/app';

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource: unknown;
}

/** The statement of the state machine role's policy with a sid, after the grants. */
function statementsWith(processingJobs: boolean): (sid: string) => Statement {
  const stack = new Stack(testApp(), 'Test');
  const stateMachine = new sfn.StateMachine(stack, 'Pipeline', {
    definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Step')),
  });
  grantPipelinePermissions(stateMachine, {
    jobNamePrefix: 'churn-sbx',
    jobRole: new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }),
    processingJobs,
    topicKey: new kms.Key(stack, 'Key'),
    functions: [],
    modelPackageGroupName: 'churn-models',
  });
  const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
  const statements = Object.values(policies).flatMap(
    (p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement,
  );
  return (sid) => {
    const statement = statements.find((s) => s.Sid === sid);
    if (statement === undefined) {
      throw new Error(`no statement ${sid}`);
    }
    return statement;
  };
}

describe('grantPipelinePermissions', () => {
  it('lets the state machine start and stop only the jobs it runs, scoped to its job name prefix', () => {
    const jobs = statementsWith(false)('RunPipelineJobs');
    expect(jobs.Action).toContain('sagemaker:CreateHyperParameterTuningJob');
    expect(jobs.Action).toContain('sagemaker:StopTransformJob');
    expect(jobs.Action).not.toContain('sagemaker:CreateProcessingJob');
    expect(JSON.stringify(jobs.Resource)).toContain(':hyper-parameter-tuning-job/churn-sbx*');
    expect(JSON.stringify(jobs.Resource)).not.toContain('processing-job');
  });

  it('adds the processing jobs and their managed event rule only with the baseline', () => {
    const without = statementsWith(false);
    const withBaseline = statementsWith(true);
    expect(withBaseline('RunPipelineJobs').Action).toContain('sagemaker:CreateProcessingJob');
    expect(JSON.stringify(withBaseline('RunPipelineJobs').Resource)).toContain(':processing-job/churn-sbx*');
    expect(JSON.stringify(without('ManageJobEventRules').Resource)).not.toContain('ProcessingJobsRule');
    expect(JSON.stringify(withBaseline('ManageJobEventRules').Resource)).toContain(
      'rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule',
    );
  });

  it('passes the job role to SageMaker, and uses the topic key through SNS only', () => {
    const statements = statementsWith(false);
    expect(statements('PassJobRole')).toMatchObject({
      Action: 'iam:PassRole',
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    expect(statements('PublishToEncryptedTopic')).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
    });
  });
});
