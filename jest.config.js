/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.tsx?$': ['@swc/jest'] },
  setupFilesAfterEnv: ['aws-cdk-lib/testhelpers/jest-autoclean'],
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  // Some suites build tens of thousands of generated records in a beforeAll; on a loaded 2-core CI
  // machine that can pass jest's 5 s default. This is a hang guard, not a speed test.
  testTimeout: 60_000,
  // One worker per core. Left to itself, jest keeps a core for its own process and so runs one
  // worker on a 2-core machine, while that process only waits; two workers there take the suite
  // from about 760 s to about 600 s (npm run bench measures a fixed subset both ways).
  maxWorkers: '100%',
};
