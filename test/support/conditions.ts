/**
 * `arn:<partition>:<service>:<region>:<account>:<resource>` as the templates hold an ARN built with
 * `Stack.formatArn` in an environment-agnostic stack.
 */
export function accountArn(service: string, resource: string): unknown {
  return {
    'Fn::Join': [
      '',
      [
        'arn:',
        { Ref: 'AWS::Partition' },
        `:${service}:`,
        { Ref: 'AWS::Region' },
        ':',
        { Ref: 'AWS::AccountId' },
        `:${resource}`,
      ],
    ],
  };
}

/**
 * The key-policy statement that lets CloudWatch Logs of the key's region encrypt log groups of the
 * key's account (`allowCloudWatchLogsToEncrypt` in lib/shared/key-policies.ts).
 */
export const CLOUDWATCH_LOGS_KEY_STATEMENT = {
  Sid: 'AllowCloudWatchLogsToEncryptLogGroups',
  Effect: 'Allow',
  Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
  Action: ['kms:Decrypt*', 'kms:Describe*', 'kms:Encrypt*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
  Resource: '*',
  Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': accountArn('logs', 'log-group:*') } },
};

/**
 * The condition of a statement for CloudWatch alarms of this account and region, as the templates
 * hold it (`fromAlarmsOfThisAccount` in lib/shared/key-policies.ts).
 */
export const FROM_ALARMS_OF_THIS_ACCOUNT = {
  StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
  ArnLike: { 'aws:SourceArn': accountArn('cloudwatch', 'alarm:*') },
};
