import type { DescribeModelPackageCommandOutput } from '@aws-sdk/client-sagemaker';
import { BaselineReferenceError, RUN_STATISTICS_PATH, baselineStatisticsUri } from '../../lib/contracts/model-baseline';

const URI = 's3://ml-artifacts-123456789012/training-runs/20261126-152458-ab12/feature-statistics/statistics.json';

/** DescribeModelPackage's output, as the SDK types it, with the given model metrics. */
function described(modelMetrics: DescribeModelPackageCommandOutput['ModelMetrics']): DescribeModelPackageCommandOutput {
  return {
    $metadata: {},
    ModelPackageName: 'churn',
    ModelPackageArn: 'arn:aws-cn:sagemaker:cn-north-1:123456789012:model-package/churn/3',
    CreationTime: new Date(0),
    ModelPackageStatus: 'Completed',
    ModelPackageStatusDetails: { ValidationStatuses: [] },
    ModelMetrics: modelMetrics,
  };
}

describe('baselineStatisticsUri', () => {
  it('reads the URI of the statistics recorded as the package’s data quality metrics', () => {
    const output = described({
      ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: 's3://b/model-quality.json' } },
      ModelDataQuality: { Statistics: { ContentType: 'application/json', S3Uri: URI } },
    });
    expect(baselineStatisticsUri(output)).toBe(URI);
  });

  it('ignores the opt-in Model Monitor’s drift-check baseline, which has another format', () => {
    const output = {
      ...described(undefined),
      DriftCheckBaselines: {
        ModelDataQuality: { Statistics: { ContentType: 'application/json', S3Uri: 's3://b/baseline/statistics.json' } },
      },
    };
    expect(baselineStatisticsUri(output)).toBeUndefined();
  });

  it.each([
    ['no model metrics', undefined],
    ['metrics without data quality', { ModelQuality: {} }],
    ['data quality without statistics', { ModelDataQuality: {} }],
  ])('answers undefined for a package that records none (%s)', (_, metrics) => {
    expect(baselineStatisticsUri(described(metrics))).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'no URI',
      { ContentType: 'application/json' },
      'ModelMetrics.ModelDataQuality.Statistics.S3Uri is missing; expected the s3://bucket/key URL of an object',
    ],
    ['a prefix', { ContentType: 'application/json', S3Uri: 's3://bucket/runs/' }, 'S3Uri is "s3://bucket/runs/"'],
    [
      'an https URL',
      { ContentType: 'application/json', S3Uri: 'https://bucket/x.json' },
      'S3Uri is "https://bucket/x.json"',
    ],
    [
      'another content type',
      { ContentType: 'text/csv', S3Uri: URI },
      'ModelMetrics.ModelDataQuality.Statistics.ContentType is "text/csv"; expected "application/json"',
    ],
  ])('refuses statistics it cannot read: %s', (_, statistics, message) => {
    const output = described({
      ModelDataQuality: { Statistics: statistics as { S3Uri: string; ContentType: string } },
    });
    expect(() => baselineStatisticsUri(output)).toThrow(BaselineReferenceError);
    expect(() => baselineStatisticsUri(output)).toThrow(message);
  });

  it('keeps the run’s copy out of the Model Monitor analyzer’s baseline/ folder', () => {
    expect(RUN_STATISTICS_PATH.startsWith('baseline/')).toBe(false);
  });
});
