import { InvalidEventError, parseEvent, type EvaluateEvent } from '../../../lambda/evaluate/event';

const EVENT: EvaluateEvent = {
  runId: 'run-2024-05-01',
  testData: 's3://churn-features/features/test/',
  transformOutput: 's3://churn-artifacts/runs/run-2024-05-01/transform/',
  evaluationOutput: 's3://churn-artifacts/runs/run-2024-05-01/evaluation/',
  modelName: 'churn-xgboost-1',
};

/** The error `parseEvent(event)` throws; fails the test if it throws none. */
function invalid(event: unknown): Error {
  try {
    parseEvent(event);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidEventError);
    return e as Error;
  }
  throw new Error('parseEvent accepted the event');
}

describe('parseEvent', () => {
  it('returns the names and the locations, parsed', () => {
    expect(parseEvent(EVENT)).toEqual({
      runId: 'run-2024-05-01',
      modelName: 'churn-xgboost-1',
      locations: {
        testData: { bucket: 'churn-features', key: 'features/test/' },
        transformOutput: { bucket: 'churn-artifacts', key: 'runs/run-2024-05-01/transform/' },
        evaluationOutput: { bucket: 'churn-artifacts', key: 'runs/run-2024-05-01/evaluation/' },
      },
    });
  });

  it('accepts a whole bucket as a prefix', () => {
    expect(parseEvent({ ...EVENT, testData: 's3://churn-features/' }).locations.testData).toEqual({
      bucket: 'churn-features',
      key: '',
    });
  });

  it.each<[string, unknown, string]>([
    ['null', null, 'the event is null; expected an object'],
    ['missing', undefined, 'the event is missing; expected an object'],
    ['an array', [EVENT], 'the event is an array; expected an object'],
    ['a string', 'run-1', 'the event is "run-1"; expected an object'],
    ['a number', 1, 'the event is a number; expected an object'],
  ])('rejects an event that is %s', (_what, event, message) => {
    const error = invalid(event);
    expect(error.name).toBe('InvalidEventError');
    expect(error.message).toBe(message);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['runId missing', { runId: undefined }, 'event.runId is missing; expected a non-empty string'],
    ['runId null', { runId: null }, 'event.runId is null; expected a non-empty string'],
    ['modelName empty', { modelName: '' }, 'event.modelName is ""; expected a non-empty string'],
    ['modelName blank', { modelName: ' \t' }, 'event.modelName is " \\t"; expected a non-empty string'],
    ['testData a boolean', { testData: true }, 'event.testData is a boolean; expected a non-empty string'],
    ['testData an object', { testData: { bucket: 'b' } }, 'event.testData is an object; expected a non-empty string'],
    ['testData an array', { testData: ['s3://b/'] }, 'event.testData is an array; expected a non-empty string'],
    [
      'transformOutput not an s3 URL',
      { transformOutput: 'churn-artifacts/t/' },
      'event.transformOutput "churn-artifacts/t/" is not an s3://bucket/key URL',
    ],
    [
      'evaluationOutput an object key, not a prefix',
      { evaluationOutput: 's3://churn-artifacts/evaluation' },
      'event.evaluationOutput "s3://churn-artifacts/evaluation" does not end with "/"; expected a prefix',
    ],
  ])('rejects an event with %s, naming the field', (_what, patch, message) => {
    expect(invalid({ ...EVENT, ...patch }).message).toBe(message);
  });

  it('names the first bad field in the order the event declares them', () => {
    expect(invalid({ modelName: 1, evaluationOutput: 1, transformOutput: 1, testData: 1, runId: 1 }).message).toMatch(
      /^event\.runId /,
    );
    expect(invalid({ ...EVENT, modelName: 1, testData: 'x' }).message).toMatch(/^event\.testData /);
    expect(invalid({ ...EVENT, modelName: 1, evaluationOutput: 'x' }).message).toMatch(/^event\.evaluationOutput /);
  });

  it('ignores fields it does not know', () => {
    expect(parseEvent({ ...EVENT, extra: [1, 2] }).runId).toBe('run-2024-05-01');
  });
});
