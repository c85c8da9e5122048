import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { LakeCatalog } from '../../lib/lake/lake-catalog';
import { SecureBucket } from '../../lib/shared/secure-bucket';
import { testApp } from '../support/app';

const lifecycle = {
  noncurrentVersionExpiration: Duration.days(10),
  abortIncompleteMultipartUploadAfter: Duration.days(2),
};

describe('LakeCatalog', () => {
  it('refuses a name prefix that Glue would fold or reject', () => {
    const stack = new Stack(testApp(), 'Test');
    const bucket = SecureBucket.forAccessLogs(stack, 'Logs', { lifecycle, removal: 'retain' });
    expect(
      () =>
        new LakeCatalog(stack, 'Catalog', {
          namePrefix: 'ML-Lifecycle',
          rawBucket: bucket,
          curatedBucket: bucket,
          resultsBucket: bucket,
          resultsKey: new kms.Key(stack, 'Key'),
          resultsExpiration: Duration.days(1),
          queryScanLimit: Size.mebibytes(10),
        }),
    ).toThrow('LakeCatalog namePrefix "ML-Lifecycle" must be lower-case letters, digits and underscores');
  });
});
