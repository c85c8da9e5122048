import { describeContract } from '../support/permissions/contract-suite';

describeContract('sandbox', {});
