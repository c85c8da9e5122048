import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MODEL_MONITOR_REGISTRIES, SageMakerImages, XGBOOST_REGISTRIES } from '../../lib/sagemaker/images';
import { CDK_JSON_CONTEXT } from '../support/app';

describe('SageMakerImages', () => {
  const stack = new Stack(new App({ context: CDK_JSON_CONTEXT }), 'Test');
  const images = new SageMakerImages(stack, 'Images');
  // Something that uses both images, as the training stack's jobs will (a template needs a resource).
  for (const [id, value] of [
    ['XgboostImage', images.xgboost],
    ['AnalyzerImage', images.modelMonitorAnalyzer],
  ] as const) {
    new CfnResource(stack, id, { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: value } });
  }
  const mapping = Template.fromStack(stack).toJSON().Mappings as Record<string, Record<string, Record<string, string>>>;
  const [rows] = Object.values(mapping);

  it.each([
    ['us-east-1', '683313688378', '156813124566'],
    ['us-west-2', '246618743249', '159807026194'],
    ['eu-west-1', '141502667606', '468650794304'],
    ['eu-central-1', '492215442770', '048819808253'],
    ['ap-southeast-2', '783357654285', '563025443158'],
  ])('pins the registries of %s (SageMaker Python SDK image_uri_config)', (region, xgboost, monitor) => {
    expect(rows?.[region]).toEqual({ xgboost, modelMonitor: monitor });
  });

  it('has a row for every region of either table, and only commercial aws-partition regions', () => {
    const regions = Object.keys(rows ?? {});
    expect(regions.sort()).toEqual(
      [...new Set([...Object.keys(XGBOOST_REGISTRIES), ...Object.keys(MODEL_MONITOR_REGISTRIES)])].sort(),
    );
    expect(regions.filter((r) => /^(cn|us-gov|us-iso)/.test(r))).toEqual([]);
    const accounts = Object.values(rows ?? {}).flatMap((row) => Object.values(row));
    expect(accounts.filter((account) => !/^\d{12}$/.test(account))).toEqual([]);
  });

  it('builds the image URIs from the region and the partition URL suffix at deploy time', () => {
    const mappingId = Object.keys(mapping)[0];
    expect(stack.resolve(images.xgboost)).toEqual({
      'Fn::Join': [
        '',
        [
          { 'Fn::FindInMap': [mappingId, { Ref: 'AWS::Region' }, 'xgboost'] },
          '.dkr.ecr.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/sagemaker-xgboost:1.7-1',
        ],
      ],
    });
    expect(JSON.stringify(stack.resolve(images.modelMonitorAnalyzer))).toContain('sagemaker-model-monitor-analyzer');
  });
});
