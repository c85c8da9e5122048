import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeModelPackageCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  InvokeEndpointCommand,
  type InvokeEndpointCommandOutput,
  ModelError,
  SageMakerRuntimeClient,
} from '@aws-sdk/client-sagemaker-runtime';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { generateCustomers } from '../../lib/schema/generator';
import { encodeFeatureLine, FeatureEncodingError } from '../../lib/serving/encode';
import { cutoffFromMetadata, cutoffOfPackage, decide, FALLBACK_CUTOFF } from '../../lib/serving/cutoff';
import { servingStackName } from '../../lib/serving/endpoint-lookup';
import { scoreCustomers, type ServingClients } from '../../lib/serving/invoke';
import { InvokeError } from '../../lib/serving/invoke-error';
import { parseProbabilities } from '../../lib/serving/probability';
import { formatCutoff, formatTable } from '../../lib/serving/score-report';

/** Test data, in a partition other than `aws` (the lint rule keeps `arn:aws:` literals out of the code). */
const ARN = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn/1';

describe('parseProbabilities', () => {
  it.each([
    ['one per line', '0.1\n0.25\n1\n', [0.1, 0.25, 1]],
    ['one per line, CRLF', '0.1\r\n0.25\r\n0\r\n', [0.1, 0.25, 0]],
    ['on one line, separated by commas', '0.1,0.25,1e-3\n', [0.1, 0.25, 0.001]],
    ['with spaces around', ' 0.1 , 0.25 ,0.5', [0.1, 0.25, 0.5]],
  ])('reads probabilities %s', (_, text, expected) => {
    expect(parseProbabilities(text, expected.length)).toEqual(expected);
  });

  it('reads a single probability', () => {
    expect(parseProbabilities('0.731', 1)).toEqual([0.731]);
  });

  it.each([
    ['', 1, 'the body is empty; expected 1 probability'],
    ['0.1\n0.2', 3, '2 probabilities for 3 customers: "0.1\\n0.2"'],
    ['0.1,0.2,0.3,0.4', 3, '4 probabilities for 3 customers'],
    ['0.1,0.9\n0.2,0.8', 2, 'the body has 2 lines, some with several values'],
    ['0.1\n\n0.3', 3, 'the value for customer 2 is ""; expected a probability from 0 to 1'],
    ['0.1\n1.2', 2, 'the value for customer 2 is "1.2"; expected a probability from 0 to 1'],
    ['-0.1', 1, 'the value for customer 1 is "-0.1"'],
    ['NaN', 1, 'the value for customer 1 is "NaN"'],
    ['0x1', 1, 'the value for customer 1 is "0x1"'],
    ['[0.5]', 1, 'the value for customer 1 is "[0.5]"'],
  ])('refuses %j for %d customers', (text, count, message) => {
    expect(() => parseProbabilities(text, count)).toThrow(message);
  });
});

describe('cutoffFromMetadata', () => {
  it('reads a number', () => {
    expect(cutoffFromMetadata(ARN, '0.37')).toEqual({
      value: 0.37,
      source: `the budgetCutoff of model package ${ARN}`,
      fallback: false,
    });
  });

  it('reads none as nobody gets an offer', () => {
    expect(cutoffFromMetadata(ARN, 'none')).toMatchObject({ value: null, fallback: false });
  });

  it.each([
    [undefined, `model package ${ARN} has no budgetCutoff metadata`],
    ['', 'is "", which is neither a number from 0 to 1 nor "none"'],
    ['1.5', 'is "1.5", which is neither a number from 0 to 1 nor "none"'],
    ['high', 'is "high", which is neither'],
  ])('falls back to 0.5 for %j, saying why', (text, reason) => {
    const cutoff = cutoffFromMetadata(ARN, text);
    expect(cutoff).toMatchObject({ value: FALLBACK_CUTOFF, fallback: true });
    expect(cutoff.source).toContain(reason);
  });
});

describe('cutoffOfPackage', () => {
  it('reads the budget-constrained cutoff, the campaign’s', () => {
    expect(cutoffOfPackage(ARN, { budgetCutoff: '0.42', optimalCutoff: '0.37' })).toEqual({
      value: 0.42,
      source: `the budgetCutoff of model package ${ARN}`,
      fallback: false,
    });
  });

  it('reads the cost-optimal cutoff of a package registered before the business case', () => {
    expect(cutoffOfPackage(ARN, { optimalCutoff: 'none' })).toEqual({
      value: null,
      source: `the optimalCutoff of model package ${ARN}`,
      fallback: false,
    });
  });

  it('falls back, naming the key it looked for, when a package has neither', () => {
    expect(cutoffOfPackage(ARN, {})).toMatchObject({
      value: FALLBACK_CUTOFF,
      fallback: true,
      source: `model package ${ARN} has no budgetCutoff metadata`,
    });
    expect(cutoffOfPackage(ARN, undefined)).toMatchObject({ fallback: true });
  });

  it('does not fall back to the old key when the new one is there but unreadable', () => {
    expect(cutoffOfPackage(ARN, { budgetCutoff: 'high', optimalCutoff: '0.3' })).toMatchObject({
      value: FALLBACK_CUTOFF,
      fallback: true,
    });
  });
});

describe('decide', () => {
  it('offers at and above the cutoff, not below', () => {
    expect([0.29, 0.3, 0.31].map((p) => decide(p, 0.3))).toEqual(['no offer', 'offer', 'offer']);
  });

  it('offers nobody at no cutoff', () => {
    expect([0, 0.5, 1].map((p) => decide(p, null))).toEqual(['no offer', 'no offer', 'no offer']);
  });
});

describe('the report', () => {
  it('aligns the table, shows booleans as yes/no and missing values as -', () => {
    const table = formatTable([
      {
        record: {
          customer_id: 'C1',
          state: 'CA',
          international_plan: true,
          voice_mail_plan: null,
          customer_service_calls: 12,
        },
        probability: 0.98765,
        decision: 'offer',
      },
      { record: { customer_id: 'C0000002', state: null }, probability: 0, decision: 'no offer' },
    ]);
    expect(table).toBe(
      [
        'customer  state  international plan  voice-mail plan  service calls  churn probability  decision',
        'C1        CA     yes                 -                           12              0.988  offer',
        'C0000002  -      -                   -                            -              0.000  no offer',
        '',
      ].join('\n'),
    );
  });

  it('says where the cutoff came from', () => {
    expect(formatCutoff({ value: 0.25, source: 'the source', fallback: false })).toBe(
      'cutoff: 0.25, from the source: offer when the churn probability is at least the cutoff\n',
    );
    expect(formatCutoff({ value: 0.5, source: 'no package', fallback: true })).toBe(
      'cutoff: 0.5 (fallback): no package; offer when the churn probability is at least 0.5\n',
    );
  });
});

describe('scoreCustomers', () => {
  const cloudFormation = mockClient(CloudFormationClient);
  const sageMaker = mockClient(SageMakerClient);
  const runtime = mockClient(SageMakerRuntimeClient);
  const config = { region: 'eu-west-1' };
  const clients: ServingClients = {
    cloudFormation: new CloudFormationClient(config),
    sageMaker: new SageMakerClient(config),
    runtime: new SageMakerRuntimeClient(config),
  };
  const customers = generateCustomers({ seed: 5, count: 2 }).map((c) => c.record);
  const stackName = servingStackName('sandbox');

  beforeEach(() => {
    cloudFormation.reset();
    sageMaker.reset();
    runtime.reset();
    cloudFormation.on(DescribeStacksCommand).resolves({
      Stacks: [
        {
          StackName: stackName,
          StackStatus: 'CREATE_COMPLETE',
          CreationTime: new Date(0),
          Parameters: [{ ParameterKey: 'ModelPackageArn', ParameterValue: ARN }],
          Outputs: [{ OutputKey: 'EndpointName', OutputValue: 'churn' }],
        },
      ],
    });
    sageMaker.on(DescribeModelPackageCommand).resolves({ CustomerMetadataProperties: { optimalCutoff: '0.4' } });
    // Each customer's own call, known by its InferenceId.
    const answers: Record<string, string> = { C0000001: '0.2', C0000002: '0.6' };
    runtime.on(InvokeEndpointCommand).callsFake((input: { InferenceId?: string }) => ({
      Body: new TextEncoder().encode(answers[input.InferenceId ?? ''] ?? '') as InvokeEndpointCommandOutput['Body'],
    }));
  });

  /** The InvokeError `scoreCustomers` rejects with. */
  async function failure(options: { endpoint?: string } = {}): Promise<InvokeError> {
    const error: unknown = await scoreCustomers({ customers, stage: 'sandbox', ...options }, clients).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvokeError);
    return error as InvokeError;
  }

  it('names the stage stack ml-lifecycle-<stage>-serving', () => {
    expect(servingStackName('production')).toBe('ml-lifecycle-production-serving');
  });

  it('scores each customer in the order given, at the package cutoff', async () => {
    const report = await scoreCustomers({ customers, stage: 'sandbox' }, clients);

    expect(report.endpoint).toEqual({ endpointName: 'churn', source: `the EndpointName output of stack ${stackName}` });
    expect(report.cutoff).toMatchObject({ value: 0.4, fallback: false });
    expect(report.customers.map((c) => [c.record.customer_id, c.probability, c.decision])).toEqual([
      ['C0000001', 0.2, 'no offer'],
      ['C0000002', 0.6, 'offer'],
    ]);
  });

  it('sends each customer in a call of its own, with its customer_id as InferenceId, so its capture can be joined', async () => {
    await scoreCustomers({ customers, stage: 'sandbox' }, clients);

    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 2);
    for (const customer of customers) {
      expect(runtime).toHaveReceivedCommandWith(InvokeEndpointCommand, {
        EndpointName: 'churn',
        InferenceId: customer.customer_id,
        Body: encodeFeatureLine(customer),
      });
    }
  });

  it("keeps at most `concurrency` calls in flight, and the answers in the customers' order", async () => {
    const many = generateCustomers({ seed: 5, count: 23 }).map((c) => c.record);
    let inFlight = 0;
    let most = 0;
    runtime.on(InvokeEndpointCommand).callsFake(async (input: { InferenceId?: string }) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Later customers answer sooner: order must come from the request, not the answer.
      await new Promise((resolve) => setTimeout(resolve, 30 - Number(input.InferenceId?.slice(1))));
      inFlight--;
      return {
        Body: new TextEncoder().encode(`0.${input.InferenceId?.slice(-2)}`) as InvokeEndpointCommandOutput['Body'],
      };
    });
    const report = await scoreCustomers({ customers: many, stage: 'sandbox', concurrency: 3 }, clients);

    expect(most).toBe(3);
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 23);
    expect(report.customers.map((c) => c.probability)).toEqual(
      many.map((_, i) => Number(`0.${String(i + 1).padStart(2, '0')}`)),
    );
  });

  it('starts no further call after one fails, and reports that failure', async () => {
    const many = generateCustomers({ seed: 5, count: 20 }).map((c) => c.record);
    // The other customers answer slowly, so the failure is known while their calls are in flight.
    runtime.on(InvokeEndpointCommand).callsFake(async (input: { InferenceId?: string }) => {
      if (input.InferenceId === 'C0000002') {
        throw Object.assign(new Error('try later'), { name: 'ServiceUnavailable' });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { Body: new TextEncoder().encode('0.5') as InvokeEndpointCommandOutput['Body'] };
    });
    const error: unknown = await scoreCustomers({ customers: many, stage: 'sandbox', concurrency: 2 }, clients).catch(
      (e: unknown) => e,
    );

    expect(error).toBeInstanceOf(InvokeError);
    expect((error as InvokeError).code).toBe('REQUEST_FAILED');
    expect(runtime.commandCalls(InvokeEndpointCommand).map((c) => c.args[0].input.InferenceId)).toEqual([
      'C0000001',
      'C0000002',
    ]);
  });

  it('refuses, before calling AWS, a customer without an id that InvokeEndpoint takes as an InferenceId', async () => {
    const [first] = customers;
    await expect(
      scoreCustomers({ customers: [{ ...first, customer_id: null }], stage: 'sandbox' }, clients),
    ).rejects.toThrow('customer 1 has no customer_id to send as its InferenceId; received null');
    await expect(
      scoreCustomers({ customers: [{ ...first, customer_id: ' C1' }], stage: 'sandbox' }, clients),
    ).rejects.toThrow('inference id " C1" cannot be sent as InferenceId');
    await expect(scoreCustomers({ customers, stage: 'sandbox', concurrency: 0 }, clients)).rejects.toThrow(
      'concurrency must be an integer from 1 to 100; received 0',
    );
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 0);
  });

  it('refuses a record that is not clean before calling AWS', async () => {
    const bad = [{ ...customers[0], gender: 'woman' }];
    await expect(scoreCustomers({ customers: bad, stage: 'sandbox' }, clients)).rejects.toThrow(FeatureEncodingError);
    expect(cloudFormation).toHaveReceivedCommandTimes(DescribeStacksCommand, 0);
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 0);
  });

  it('refuses an empty list of customers', async () => {
    await expect(scoreCustomers({ customers: [], stage: 'sandbox' }, clients)).rejects.toThrow('no customers to score');
  });

  it('reports a stack that DescribeStacks returns no entry for as missing', async () => {
    cloudFormation.on(DescribeStacksCommand).resolves({ Stacks: [] });
    const error = await failure();

    expect(error.code).toBe('STACK_NOT_FOUND');
    expect(error.message).toMatch(/^stack ml-lifecycle-sandbox-serving was not found in region eu-west-1\. Deploy/);
  });

  it('stops when the stack cannot be read and the endpoint must come from it', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const error = await failure();

    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toContain(`cloudformation:DescribeStacks on stack ${stackName}`);
  });

  it('calls a given endpoint at the fallback cutoff when the stack cannot be read', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied' }));
    const report = await scoreCustomers({ customers, stage: 'sandbox', endpoint: 'churn' }, clients);

    expect(report.cutoff).toMatchObject({ value: 0.5, fallback: true });
    expect(report.cutoff.source).toContain(`stack ${stackName} could not be read in region eu-west-1 (AccessDenied`);
  });

  it('stops when the network fails, even though the endpoint was given', async () => {
    cloudFormation
      .on(DescribeStacksCommand)
      .rejects(
        Object.assign(new Error('getaddrinfo ENOTFOUND cloudformation.eu-west-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      );
    const error = await failure({ endpoint: 'churn' });

    expect(error.code).toBe('NETWORK');
    expect(runtime).toHaveReceivedCommandTimes(InvokeEndpointCommand, 0);
  });

  it('says to wait when InvokeEndpoint is throttled', async () => {
    runtime
      .on(InvokeEndpointCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const error = await failure();

    expect(error.code).toBe('THROTTLED');
    expect(error.message).toContain('Wait a minute and try again');
  });

  it('says where the logs are when the model fails on the request', async () => {
    runtime.on(InvokeEndpointCommand).rejects(
      new ModelError({
        message: 'Received client error (400) from primary with message "unable to evaluate payload"',
        $metadata: {},
      }),
    );
    const error = await failure();

    expect(error.code).toBe('MODEL_ERROR');
    expect(error.message).toContain('/aws/sagemaker/Endpoints/churn');
  });

  it('says to wait when the model is not ready', async () => {
    runtime
      .on(InvokeEndpointCommand)
      .rejects(Object.assign(new Error('still loading'), { name: 'ModelNotReadyException' }));
    const error = await failure();

    expect(error.code).toBe('ENDPOINT_UNAVAILABLE');
    expect(error.message).toContain('try again in a few minutes');
  });

  it('reports an access-denied InvokeEndpoint with the permission needed', async () => {
    runtime
      .on(InvokeEndpointCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const error = await failure();

    expect(error.code).toBe('ACCESS_DENIED');
    expect(error.message).toContain('sagemaker:InvokeEndpoint on endpoint churn');
  });

  it('reports any other InvokeEndpoint failure with its name and message', async () => {
    runtime.on(InvokeEndpointCommand).rejects(Object.assign(new Error('try later'), { name: 'ServiceUnavailable' }));
    const error = await failure();

    expect(error.code).toBe('REQUEST_FAILED');
    expect(error.message).toBe(
      'InvokeEndpoint on endpoint churn in region eu-west-1 failed (ServiceUnavailable: try later).',
    );
  });

  it('refuses an answer without a body', async () => {
    runtime.on(InvokeEndpointCommand).resolves({});
    const error = await failure();

    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toBe('endpoint churn returned no body; expected text/csv');
  });

  it('refuses a body that is not UTF-8', async () => {
    runtime
      .on(InvokeEndpointCommand)
      .resolves({ Body: new Uint8Array([0xff, 0xfe]) as InvokeEndpointCommandOutput['Body'] });
    const error = await failure();

    expect(error.code).toBe('BAD_RESPONSE');
    expect(error.message).toBe('endpoint churn returned a body that is not UTF-8 text');
  });
});
