import { EnvironmentError } from '../../../lambda/shared/env';
import * as fc from 'fast-check';
import {
  CLIENT_TOKEN_MAX_LENGTH,
  DESCRIPTION_MAX_LENGTH,
  METADATA_VALUE_MAX_LENGTH,
  NO_CUTOFF,
  RegisterInputError,
  type RegisterEvent,
  type RegisterSettings,
  clientToken,
  describePackage,
  modelPackageInput,
  settingsFromEnv,
} from '../../../lambda/register-model/package';
import { CUTOFF_METADATA_KEY, cutoffOfPackage } from '../../../lib/contracts/cutoff';

const BUCKET = 's3://ml-artifacts-123456789012';
const RUN = `${BUCKET}/training/churn-run-2024-05-01`;

const BASELINE = {
  statistics: `${RUN}/baseline/statistics.json`,
  constraints: `${RUN}/baseline/constraints.json`,
};

const EVENT: RegisterEvent = {
  runId: 'churn-run-2024-05-01',
  tuningJobName: 'churn-tune-20240501',
  trainingJobName: 'churn-tune-20240501-007-3f2a1b9c',
  modelDataUrl: `${RUN}/tuning/churn-tune-20240501-007-3f2a1b9c/output/model.tar.gz`,
  baselineStatistics: `${RUN}/feature-statistics/statistics.json`,
  evaluation: {
    auc: 0.87351,
    optimalCutoff: 0.37,
    budgetCutoff: 0.42,
    evaluation: `${RUN}/evaluation/evaluation.json`,
    modelQuality: `${RUN}/evaluation/model-quality.json`,
    report: `${RUN}/evaluation/report.html`,
  },
  baseline: BASELINE,
};

const SETTINGS: RegisterSettings = {
  modelPackageGroupName: 'churn-model-group',
  imageUri: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1',
  realtimeInstanceTypes: ['ml.m5.large', 'ml.m5.xlarge'],
  transformInstanceTypes: ['ml.m5.xlarge'],
};

/** The event with `change` applied: a top-level field, or one of `evaluation` or `baseline`. */
function withChange(change: Record<string, unknown>, part?: 'evaluation' | 'baseline'): RegisterEvent {
  const changed: Record<string, unknown> =
    part === undefined ? { ...EVENT, ...change } : { ...EVENT, [part]: { ...EVENT[part], ...change } };
  return changed as unknown as RegisterEvent;
}

/** The error `modelPackageInput` throws for `event`. */
function errorFor(event: RegisterEvent): Error {
  try {
    modelPackageInput(event, SETTINGS);
  } catch (e) {
    return e as Error;
  }
  throw new Error('modelPackageInput did not throw');
}

/** Metadata keys and values: letters, digits, spaces and _.:/=+-@ (the API's pattern). */
const METADATA_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

describe('modelPackageInput', () => {
  it('builds the whole request from the event and the settings', () => {
    expect(modelPackageInput(EVENT, SETTINGS)).toEqual({
      ModelPackageGroupName: 'churn-model-group',
      ModelPackageDescription:
        'Churn model of run churn-run-2024-05-01: training job churn-tune-20240501-007-3f2a1b9c, ' +
        'the best of tuning job churn-tune-20240501. Test AUC 0.874.',
      InferenceSpecification: {
        Containers: [
          {
            Image: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1',
            ModelDataUrl: EVENT.modelDataUrl,
          },
        ],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large', 'ml.m5.xlarge'],
        SupportedTransformInstanceTypes: ['ml.m5.xlarge'],
      },
      ModelMetrics: {
        ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: EVENT.evaluation.modelQuality } },
        ModelDataQuality: { Statistics: { ContentType: 'application/json', S3Uri: EVENT.baselineStatistics } },
      },
      DriftCheckBaselines: {
        ModelDataQuality: {
          Statistics: { ContentType: 'application/json', S3Uri: BASELINE.statistics },
          Constraints: { ContentType: 'application/json', S3Uri: BASELINE.constraints },
        },
      },
      ModelApprovalStatus: 'PendingManualApproval',
      // sha256("register-model:churn-run-2024-05-01"), first 32 hex digits, computed with sha256sum
      ClientToken: '89b5ed65e447d697f7e76eacdcecdf8a',
      CustomerMetadataProperties: {
        runId: 'churn-run-2024-05-01',
        tuningJobName: 'churn-tune-20240501',
        trainingJobName: 'churn-tune-20240501-007-3f2a1b9c',
        testAuc: '0.87351',
        budgetCutoff: '0.42',
        optimalCutoff: '0.37',
        evaluation: EVENT.evaluation.evaluation,
        report: EVENT.evaluation.report,
      },
    });
  });

  it("records the features' baseline statistics as model metrics whether or not there is a Model Monitor baseline", () => {
    const without = modelPackageInput(withChange({ baseline: null }), SETTINGS);
    const statistics = { ContentType: 'application/json', S3Uri: EVENT.baselineStatistics };
    expect(without.ModelMetrics?.ModelDataQuality).toEqual({ Statistics: statistics });
    // The Model Monitor slot keeps the analyzer's own statistics, never the features'.
    expect(modelPackageInput(EVENT, SETTINGS).DriftCheckBaselines?.ModelDataQuality?.Statistics?.S3Uri).toBe(
      BASELINE.statistics,
    );
  });

  it('registers no drift-check baselines when the baseline is null (no Model Monitor), the rest unchanged', () => {
    const withBaseline = modelPackageInput(EVENT, SETTINGS);
    const without = modelPackageInput(withChange({ baseline: null }), SETTINGS);
    expect(without).not.toHaveProperty('DriftCheckBaselines');
    const { DriftCheckBaselines, ...rest } = withBaseline;
    expect(DriftCheckBaselines).toBeDefined();
    expect(without).toEqual(rest);
  });

  it('records a null cutoff as "none", so the serving stage knows the campaign offers nobody', () => {
    const input = modelPackageInput(withChange({ optimalCutoff: null, budgetCutoff: null }, 'evaluation'), SETTINGS);
    expect(NO_CUTOFF).toBe('none');
    expect(input.CustomerMetadataProperties?.optimalCutoff).toBe('none');
    expect(input.CustomerMetadataProperties?.budgetCutoff).toBe('none');
  });

  it('records the campaign’s cutoff under the key the serving stage reads, and the cheapest beside it', () => {
    const metadata = modelPackageInput(EVENT, SETTINGS).CustomerMetadataProperties ?? {};
    expect(cutoffOfPackage('arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn/1', metadata).value).toBe(
      0.42,
    );
    expect(metadata[CUTOFF_METADATA_KEY]).toBe('0.42');
    expect(metadata.optimalCutoff).toBe('0.37');
  });

  it.each([
    [0, '0'],
    [1, '1'],
    [0.5, '0.5'],
    [0.123456789, '0.123456789'],
    [1e-7, '1e-7'],
  ])('records the cutoff %p as %p, the number read back exactly', (cutoff, text) => {
    const input = modelPackageInput(
      withChange({ optimalCutoff: cutoff, budgetCutoff: cutoff }, 'evaluation'),
      SETTINGS,
    );
    expect(input.CustomerMetadataProperties?.optimalCutoff).toBe(text);
    expect(input.CustomerMetadataProperties?.budgetCutoff).toBe(text);
    expect(Number(text)).toBe(cutoff);
  });

  it.each([
    [0, '0.000'],
    [1, '1.000'],
    [0.9995, '1.000'],
    [0.75, '0.750'],
  ])('accepts an AUC of %p and describes it as %p', (auc, text) => {
    const input = modelPackageInput(withChange({ auc }, 'evaluation'), SETTINGS);
    expect(input.ModelPackageDescription).toContain(`Test AUC ${text}.`);
    expect(input.CustomerMetadataProperties?.testAuc).toBe(String(auc));
  });

  it('keeps the description within 1,024 characters with the longest names allowed', () => {
    const event = withChange({
      runId: 'r'.repeat(METADATA_VALUE_MAX_LENGTH),
      tuningJobName: 't'.repeat(32),
      trainingJobName: 'j'.repeat(63),
    });
    expect(describePackage(event).length).toBeLessThanOrEqual(DESCRIPTION_MAX_LENGTH);
    expect(modelPackageInput(event, SETTINGS).ModelPackageDescription).toBe(describePackage(event));
  });

  it('copies the instance type lists, so the request does not share the settings arrays', () => {
    const spec = modelPackageInput(EVENT, SETTINGS).InferenceSpecification;
    expect(spec?.SupportedRealtimeInferenceInstanceTypes).not.toBe(SETTINGS.realtimeInstanceTypes);
    expect(spec?.SupportedTransformInstanceTypes).not.toBe(SETTINGS.transformInstanceTypes);
  });

  it('keeps the metadata and the token within the API limits for any run id the metadata can hold', () => {
    const runId = fc
      .string({ unit: fc.constantFrom(...'abcXYZ019 _.:/=+-@é'), minLength: 1, maxLength: METADATA_VALUE_MAX_LENGTH })
      .filter((s) => s.trim() !== '');
    fc.assert(
      fc.property(runId, fc.option(fc.double({ min: 0, max: 1, noNaN: true })), (id, cutoff) => {
        const input = modelPackageInput(withChange({ runId: id }), SETTINGS);
        const cut = modelPackageInput(
          withChange({ optimalCutoff: cutoff, budgetCutoff: cutoff }, 'evaluation'),
          SETTINGS,
        );
        for (const { CustomerMetadataProperties: metadata = {} } of [input, cut]) {
          const entries = Object.entries(metadata);
          expect(entries.length).toBeLessThanOrEqual(50);
          for (const [key, value] of entries) {
            expect(key.length).toBeGreaterThanOrEqual(1);
            expect(key.length).toBeLessThanOrEqual(128);
            expect(key).toMatch(METADATA_TEXT);
            expect(typeof value).toBe('string');
            expect(value.length).toBeGreaterThanOrEqual(1);
            expect(value.length).toBeLessThanOrEqual(METADATA_VALUE_MAX_LENGTH);
            expect(value).toMatch(METADATA_TEXT);
          }
        }
        expect(input.ClientToken).toMatch(/^[a-zA-Z0-9-]{1,36}$/);
        expect(input.ModelPackageDescription?.length).toBeLessThanOrEqual(DESCRIPTION_MAX_LENGTH);
      }),
    );
  });
});

describe('clientToken', () => {
  it('is 32 hex digits, within the API limit of 36 characters of [a-zA-Z0-9-]', () => {
    expect(clientToken('churn-run-2024-05-01')).toMatch(/^[0-9a-f]{32}$/);
    expect(CLIENT_TOKEN_MAX_LENGTH).toBe(36);
  });

  it('is the same for the same run, so a retried invocation does not register twice', () => {
    expect(clientToken('churn-run-2024-05-01')).toBe(clientToken('churn-run-2024-05-01'));
    const again = modelPackageInput(withChange({ auc: 0.5 }, 'evaluation'), SETTINGS);
    expect(again.ClientToken).toBe(modelPackageInput(EVENT, SETTINGS).ClientToken);
  });

  it('differs between runs, even runs whose ids differ only in case or length', () => {
    const ids = ['churn-run-2024-05-01', 'Churn-run-2024-05-01', 'churn-run-2024-05-01 ', 'r'.repeat(37)];
    expect(new Set(ids.map(clientToken)).size).toBe(ids.length);
  });
});

describe('modelPackageInput input checks', () => {
  it.each<[string, RegisterEvent, string | RegExp]>([
    ['the event is not an object', null as unknown as RegisterEvent, 'event is null; expected an object'],
    ['the event is an array', [] as unknown as RegisterEvent, 'event is []; expected an object'],
    ['evaluation is missing', withChange({ evaluation: undefined }), 'evaluation is missing; expected an object'],
    [
      'baseline is a string',
      withChange({ baseline: 's3://b/x' }),
      'baseline is "s3://b/x"; expected an object (statistics, constraints), or null when there is no baseline',
    ],
    [
      'baseline is missing (null, not absence, means no baseline)',
      withChange({ baseline: undefined }),
      'baseline is missing; expected an object (statistics, constraints), or null when there is no baseline',
    ],
    [
      'baselineStatistics is missing',
      withChange({ baselineStatistics: undefined }),
      'baselineStatistics is missing; expected a non-empty string',
    ],
    [
      'baselineStatistics is a prefix',
      withChange({ baselineStatistics: `${RUN}/feature-statistics/` }),
      'expected the URL of an object, not of a bucket or prefix',
    ],
    ['runId is missing', withChange({ runId: undefined }), 'runId is missing; expected a non-empty string'],
    ['runId is empty', withChange({ runId: '' }), 'runId is ""; expected a non-empty string'],
    ['runId is blank', withChange({ runId: '  ' }), 'runId is "  "; expected a non-empty string'],
    ['runId is a number', withChange({ runId: 42 }), 'runId is 42; expected a non-empty string'],
    [
      'runId has a character metadata cannot hold',
      withChange({ runId: 'run#1' }),
      'runId is "run#1"; expected 1 to 256 letters, digits, spaces and _.:/=+-@',
    ],
    [
      'runId is longer than a metadata value',
      withChange({ runId: 'r'.repeat(METADATA_VALUE_MAX_LENGTH + 1) }),
      'expected 1 to 256 letters',
    ],
    [
      'tuningJobName is not a SageMaker name',
      withChange({ tuningJobName: 'churn_tune' }),
      'tuningJobName is "churn_tune"; expected a SageMaker tuning job name',
    ],
    [
      'tuningJobName is longer than 32 characters',
      withChange({ tuningJobName: 't'.repeat(33) }),
      `tuningJobName is "${'t'.repeat(33)}"; expected a SageMaker tuning job name`,
    ],
    [
      'trainingJobName ends with a hyphen',
      withChange({ trainingJobName: 'churn-007-' }),
      'trainingJobName is "churn-007-"; expected a SageMaker training job name',
    ],
    [
      'trainingJobName is longer than 63 characters',
      withChange({ trainingJobName: 'j'.repeat(64) }),
      'expected a SageMaker training job name',
    ],
    [
      'modelDataUrl is an https URL',
      withChange({ modelDataUrl: 'https://example.com/model.tar.gz' }),
      'modelDataUrl "https://example.com/model.tar.gz" is not an s3://bucket/key URL',
    ],
    [
      'modelDataUrl is a bucket',
      withChange({ modelDataUrl: BUCKET }),
      `modelDataUrl is "${BUCKET}"; expected the URL of an object, not of a bucket or prefix`,
    ],
    [
      'modelDataUrl is a prefix',
      withChange({ modelDataUrl: `${RUN}/model/` }),
      `modelDataUrl is "${RUN}/model/"; expected the URL of an object`,
    ],
    [
      'modelDataUrl is longer than the API takes',
      withChange({ modelDataUrl: `${BUCKET}/${'k'.repeat(1024)}` }),
      /^modelDataUrl is "s3:\/\/ml-artifacts-123456789012\/k+"… \(1055 characters\); expected a URL of at most 1024 characters$/,
    ],
    ['evaluation.auc is missing', withChange({ auc: undefined }, 'evaluation'), 'evaluation.auc is missing'],
    ['evaluation.auc is a string', withChange({ auc: '0.9' }, 'evaluation'), 'evaluation.auc is "0.9"; expected'],
    ['evaluation.auc is NaN', withChange({ auc: NaN }, 'evaluation'), 'evaluation.auc is NaN; expected'],
    ['evaluation.auc is infinite', withChange({ auc: Infinity }, 'evaluation'), 'evaluation.auc is Infinity'],
    [
      'evaluation.auc is below 0',
      withChange({ auc: -0.01 }, 'evaluation'),
      'evaluation.auc is -0.01; expected a finite number from 0 to 1',
    ],
    [
      'evaluation.auc is above 1',
      withChange({ auc: 1.01 }, 'evaluation'),
      'evaluation.auc is 1.01; expected a finite number from 0 to 1',
    ],
    [
      'evaluation.optimalCutoff is missing (not null)',
      withChange({ optimalCutoff: undefined }, 'evaluation'),
      'evaluation.optimalCutoff is missing; expected null or a finite number from 0 to 1',
    ],
    [
      'evaluation.optimalCutoff is a string',
      withChange({ optimalCutoff: 'none' }, 'evaluation'),
      'evaluation.optimalCutoff is "none"; expected null or a finite number from 0 to 1',
    ],
    [
      'evaluation.optimalCutoff is above 1',
      withChange({ optimalCutoff: 1.5 }, 'evaluation'),
      'evaluation.optimalCutoff is 1.5; expected null or a finite number from 0 to 1',
    ],
    [
      'evaluation.optimalCutoff is NaN',
      withChange({ optimalCutoff: NaN }, 'evaluation'),
      'evaluation.optimalCutoff is NaN',
    ],
    [
      'evaluation.budgetCutoff is missing (not null)',
      withChange({ budgetCutoff: undefined }, 'evaluation'),
      'evaluation.budgetCutoff is missing; expected null or a finite number from 0 to 1',
    ],
    [
      'evaluation.budgetCutoff is below 0',
      withChange({ budgetCutoff: -0.1 }, 'evaluation'),
      'evaluation.budgetCutoff is -0.1; expected null or a finite number from 0 to 1',
    ],
    [
      'evaluation.evaluation is not a URL',
      withChange({ evaluation: 'evaluation.json' }, 'evaluation'),
      'evaluation.evaluation "evaluation.json" is not an s3://bucket/key URL',
    ],
    [
      'evaluation.evaluation has a character metadata cannot hold',
      withChange({ evaluation: `${RUN}/evaluation/evaluation (1).json` }, 'evaluation'),
      `evaluation.evaluation is "${RUN}/evaluation/evaluation (1).json"; expected 1 to 256 letters`,
    ],
    [
      'evaluation.modelQuality is empty',
      withChange({ modelQuality: '' }, 'evaluation'),
      'evaluation.modelQuality is ""; expected a non-empty string',
    ],
    [
      'evaluation.report is longer than a metadata value',
      withChange({ report: `${BUCKET}/${'k'.repeat(250)}.html` }, 'evaluation'),
      /^evaluation\.report is "s3:\/\/ml-artifacts-123456789012\/k+"… \(286 characters\); expected 1 to 256 letters, digits, spaces/,
    ],
    [
      'baseline.statistics has an upper-case bucket',
      withChange({ statistics: 's3://Bucket/statistics.json' }, 'baseline'),
      'baseline.statistics "s3://Bucket/statistics.json" is not an s3://bucket/key URL',
    ],
    [
      'baseline.constraints is missing',
      withChange({ constraints: undefined }, 'baseline'),
      'baseline.constraints is missing; expected a non-empty string',
    ],
  ])('throws a RegisterInputError naming the field and the value when %s', (_, event, message) => {
    const error = errorFor(event);
    expect(error).toBeInstanceOf(RegisterInputError);
    expect(error.name).toBe('RegisterInputError');
    expect(error.message).toMatch(message);
  });

  it('keeps the URL error as the cause', () => {
    const error = errorFor(withChange({ modelDataUrl: 'model.tar.gz' }));
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).name).toBe('S3UrlError');
  });

  it('shortens a very long value in the message', () => {
    const error = errorFor(withChange({ runId: `#${'r'.repeat(5000)}` }));
    expect(error.message.length).toBeLessThan(500);
  });
});

describe('settingsFromEnv', () => {
  const ENV = {
    MODEL_PACKAGE_GROUP_NAME: 'churn-model-group',
    IMAGE_URI: '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-xgboost:1.7-1',
    REALTIME_INSTANCE_TYPES: 'ml.m5.large,ml.m5.xlarge',
    TRANSFORM_INSTANCE_TYPES: 'ml.m5.xlarge',
  };

  /** The error `settingsFromEnv` throws for ENV with `change`. */
  function envError(change: Record<string, string | undefined>): Error {
    try {
      settingsFromEnv({ ...ENV, ...change });
    } catch (e) {
      return e as Error;
    }
    throw new Error('settingsFromEnv did not throw');
  }

  it('reads the four variables', () => {
    expect(settingsFromEnv(ENV)).toEqual(SETTINGS);
  });

  it('takes the group by ARN too, in any partition', () => {
    const arn = 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package-group/churn-model-group';
    expect(settingsFromEnv({ ...ENV, MODEL_PACKAGE_GROUP_NAME: arn }).modelPackageGroupName).toBe(arn);
  });

  it('takes a single instance type and types of any family and size', () => {
    const settings = settingsFromEnv({
      ...ENV,
      REALTIME_INSTANCE_TYPES: 'ml.c7i.48xlarge',
      TRANSFORM_INSTANCE_TYPES: 'ml.p4de.24xlarge,ml.inf2.xlarge',
    });
    expect(settings.realtimeInstanceTypes).toEqual(['ml.c7i.48xlarge']);
    expect(settings.transformInstanceTypes).toEqual(['ml.p4de.24xlarge', 'ml.inf2.xlarge']);
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    [
      'MODEL_PACKAGE_GROUP_NAME is missing',
      { MODEL_PACKAGE_GROUP_NAME: undefined },
      'environment variable MODEL_PACKAGE_GROUP_NAME is missing',
    ],
    [
      'MODEL_PACKAGE_GROUP_NAME is not a group name',
      { MODEL_PACKAGE_GROUP_NAME: 'churn models' },
      'environment variable MODEL_PACKAGE_GROUP_NAME is "churn models"; expected a model package group name',
    ],
    ['IMAGE_URI is empty', { IMAGE_URI: '' }, 'environment variable IMAGE_URI is empty'],
    [
      'IMAGE_URI has a space',
      { IMAGE_URI: 'sagemaker-xgboost: 1.7-1' },
      'environment variable IMAGE_URI is "sagemaker-xgboost: 1.7-1"; expected an image URI',
    ],
    [
      'REALTIME_INSTANCE_TYPES is missing',
      { REALTIME_INSTANCE_TYPES: undefined },
      'environment variable REALTIME_INSTANCE_TYPES is missing',
    ],
    [
      'REALTIME_INSTANCE_TYPES has a space after a comma',
      { REALTIME_INSTANCE_TYPES: 'ml.m5.large, ml.m5.xlarge' },
      'environment variable REALTIME_INSTANCE_TYPES is "ml.m5.large, ml.m5.xlarge"; expected instance types ' +
        'separated by commas, such as ml.m5.large,ml.m5.xlarge (" ml.m5.xlarge" is not one)',
    ],
    [
      'REALTIME_INSTANCE_TYPES lists a type twice',
      { REALTIME_INSTANCE_TYPES: 'ml.m5.large,ml.m5.large' },
      '(ml.m5.large is listed twice)',
    ],
    [
      'TRANSFORM_INSTANCE_TYPES has an empty item',
      { TRANSFORM_INSTANCE_TYPES: 'ml.m5.large,' },
      'environment variable TRANSFORM_INSTANCE_TYPES is "ml.m5.large,"; expected instance types separated by commas',
    ],
    [
      'TRANSFORM_INSTANCE_TYPES lacks the ml. prefix',
      { TRANSFORM_INSTANCE_TYPES: 'm5.large' },
      '("m5.large" is not one)',
    ],
    [
      'TRANSFORM_INSTANCE_TYPES is upper case',
      { TRANSFORM_INSTANCE_TYPES: 'ML.M5.LARGE' },
      '("ML.M5.LARGE" is not one)',
    ],
  ])('throws an EnvironmentError naming the variable when %s', (_, change, message) => {
    const error = envError(change);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.name).toBe('EnvironmentError');
    expect(error.message).toContain(message);
  });
});
