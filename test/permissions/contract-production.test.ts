import { PRODUCTION_CONTEXT } from '../support/app';
import { describeContract } from '../support/permissions/contract-suite';

describeContract('production', PRODUCTION_CONTEXT);
