import { describeContract } from '../support/permissions/contract-suite';

// The opt-in Model Monitor resources (baseline job, monitoring schedule) have rows of their own.
describeContract('sandbox', { config: { sandbox: { modelMonitor: { enabled: true } } } });
