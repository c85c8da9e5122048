import {
  IntrinsicError,
  type IntrinsicScope,
  NO_VALUE,
  type Resolved,
  evaluateCondition,
  resolveIntrinsics,
} from '../support/permissions/intrinsics';

/** A template's surroundings, made up: two resources, one parameter, one condition, one mapping, one other stack. */
const refs: Readonly<Record<string, Resolved>> = {
  Bucket: 'my-bucket',
  Stage: 'sandbox',
  'AWS::Region': 'eu-west-1',
  'AWS::NoValue': NO_VALUE,
};
const scope: IntrinsicScope = {
  ref: (name) => {
    const value = refs[name];
    if (value === undefined) {
      throw new IntrinsicError(`no ${name}`);
    }
    return value;
  },
  getAtt: (logicalId, attribute) => `${logicalId}.${attribute}`,
  condition: (name) => name === 'IsSandbox',
  findInMap: (map, top, second) =>
    map === 'Images' && top === 'eu-west-1' && second === 'xgboost' ? 'img' : undefined,
  stackOutput: (stack, output) => (stack === 'lake' && output === 'KeyArn' ? { 'Fn::GetAtt': ['Key', 'Arn'] } : 'x'),
};
const resolve = (value: unknown): Resolved => resolveIntrinsics(value, scope);

describe('the intrinsic resolver', () => {
  it('resolves Ref to parameters, resources and pseudo parameters', () => {
    expect(resolve({ Ref: 'Bucket' })).toBe('my-bucket');
    expect(resolve({ Ref: 'AWS::Region' })).toBe('eu-west-1');
  });

  it('resolves Fn::GetAtt in its array and its dotted form', () => {
    expect(resolve({ 'Fn::GetAtt': ['Role', 'Arn'] })).toBe('Role.Arn');
    expect(resolve({ 'Fn::GetAtt': 'Role.Arn' })).toBe('Role.Arn');
  });

  it('joins, splits and selects', () => {
    expect(resolve({ 'Fn::Join': ['/', ['a', { Ref: 'Bucket' }]] })).toBe('a/my-bucket');
    expect(resolve({ 'Fn::Select': [2, { 'Fn::Split': ['/', 'arn:x/group/3'] }] })).toBe('3');
  });

  it('substitutes parameters, attributes and its own variables, and keeps ${!literals}', () => {
    expect(resolve({ 'Fn::Sub': 's3://${Bucket}/${Role.Arn}/${!Keep}' })).toBe('s3://my-bucket/Role.Arn/${Keep}');
    expect(resolve({ 'Fn::Sub': ['${Name}-${Stage}', { Name: { Ref: 'Bucket' } }] })).toBe('my-bucket-sandbox');
  });

  it('chooses with Fn::If and evaluates condition functions', () => {
    expect(resolve({ 'Fn::If': ['IsSandbox', 'yes', 'no'] })).toBe('yes');
    expect(resolve({ 'Fn::If': ['IsProduction', 'yes', 'no'] })).toBe('no');
    expect(evaluateCondition({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'Stage' }, 'production'] }] }, scope)).toBe(true);
    expect(evaluateCondition({ 'Fn::And': [{ Condition: 'IsSandbox' }, { 'Fn::Or': [false, true] }] }, scope)).toBe(
      true,
    );
  });

  it('drops what AWS::NoValue removes, from objects and lists', () => {
    expect(
      resolve({ A: { Ref: 'AWS::NoValue' }, B: ['x', { 'Fn::If': ['IsProduction', 'y', { Ref: 'AWS::NoValue' }] }] }),
    ).toEqual({ B: ['x'] });
  });

  it('finds values in mappings, with a default value when the mapping has none', () => {
    expect(resolve({ 'Fn::FindInMap': ['Images', { Ref: 'AWS::Region' }, 'xgboost'] })).toBe('img');
    expect(resolve({ 'Fn::FindInMap': ['Images', 'us-east-1', 'xgboost', { DefaultValue: 'fallback' }] })).toBe(
      'fallback',
    );
    expect(() => resolve({ 'Fn::FindInMap': ['Images', 'us-east-1', 'xgboost'] })).toThrow(IntrinsicError);
  });

  it("resolves Fn::GetStackOutput (the CDK's weak cross-stack reference) to the other stack's output", () => {
    expect(
      resolve({ 'Fn::GetStackOutput': { StackName: 'lake', Region: { Ref: 'AWS::Region' }, OutputName: 'KeyArn' } }),
    ).toEqual({
      'Fn::GetAtt': ['Key', 'Arn'],
    });
  });

  it('refuses what it does not know rather than guess', () => {
    expect(() => resolve({ 'Fn::ImportValue': 'x' })).toThrow(/unsupported intrinsic Fn::ImportValue/);
    expect(() => resolve({ Ref: 'Missing' })).toThrow(IntrinsicError);
    expect(() => resolve({ 'Fn::Select': [5, ['a']] })).toThrow(IntrinsicError);
  });
});
