import { CfnResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MODEL_MONITOR_REGISTRIES, SageMakerImages, XGBOOST_REGISTRIES } from '../../lib/shared/sagemaker-images';
import { testApp } from '../support/app';

/** The images of a new stack, its template's mapping rows, and the mapping's logical id. */
function imagesOf(props?: ConstructorParameters<typeof SageMakerImages>[2]) {
  const stack = new Stack(testApp(), 'Test');
  const images = new SageMakerImages(stack, 'Images', props);
  // Something that uses the images, as the stacks' jobs do (a template needs a resource).
  for (const [id, value] of [
    ['XgboostImage', images.xgboost],
    ['AnalyzerImage', images.modelMonitorAnalyzer],
  ] as const) {
    if (value !== undefined) {
      new CfnResource(stack, id, { type: 'AWS::SSM::Parameter', properties: { Type: 'String', Value: value } });
    }
  }
  const mapping = Template.fromStack(stack).toJSON().Mappings as Record<string, Record<string, Record<string, string>>>;
  const [rows] = Object.values(mapping);
  return { stack, images, rows: rows ?? {}, mappingId: Object.keys(mapping)[0] };
}

describe('SageMakerImages', () => {
  describe('without the Model Monitor analyzer (the default: Model Monitor is opt-in)', () => {
    const { images, rows } = imagesOf();

    it('has no analyzer image and no analyzer column: a region needs only its XGBoost registry', () => {
      expect(images.modelMonitorAnalyzer).toBeUndefined();
      expect(Object.keys(rows).sort()).toEqual(Object.keys(XGBOOST_REGISTRIES).sort());
      for (const [region, row] of Object.entries(rows)) {
        expect({ region, row }).toEqual({ region, row: { xgboost: XGBOOST_REGISTRIES[region] } });
      }
    });

    it('keeps the regions that have XGBoost but no analyzer image, such as af-south-1 and il-central-1', () => {
      for (const region of ['af-south-1', 'il-central-1', 'me-central-1']) {
        expect(MODEL_MONITOR_REGISTRIES[region]).toBeUndefined();
        expect(rows[region]).toEqual({ xgboost: XGBOOST_REGISTRIES[region] });
      }
    });
  });

  describe('with the Model Monitor analyzer', () => {
    const { stack, images, rows, mappingId } = imagesOf({ modelMonitorAnalyzer: true });

    it.each([
      ['us-east-1', '683313688378', '156813124566'],
      ['us-west-2', '246618743249', '159807026194'],
      ['eu-west-1', '141502667606', '468650794304'],
      ['eu-central-1', '492215442770', '048819808253'],
      ['ap-southeast-2', '783357654285', '563025443158'],
    ])('pins the registries of %s (SageMaker Python SDK image_uri_config)', (region, xgboost, monitor) => {
      expect(rows[region]).toEqual({ xgboost, modelMonitor: monitor });
    });

    it('has a row for every region of either table, and only commercial aws-partition regions', () => {
      const regions = Object.keys(rows);
      expect(regions.sort()).toEqual(
        [...new Set([...Object.keys(XGBOOST_REGISTRIES), ...Object.keys(MODEL_MONITOR_REGISTRIES)])].sort(),
      );
      expect(regions.filter((r) => /^(cn|us-gov|us-iso)/.test(r))).toEqual([]);
      const accounts = Object.values(rows).flatMap((row) => Object.values(row));
      expect(accounts.filter((account) => !/^\d{12}$/.test(account))).toEqual([]);
    });

    it('builds the image URIs from the region and the partition URL suffix at deploy time', () => {
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
      expect(JSON.stringify(stack.resolve(images.modelMonitorAnalyzer))).toContain(
        `{"Fn::FindInMap":["${mappingId}",{"Ref":"AWS::Region"},"modelMonitor"]}`,
      );
    });
  });
});
