import { Aws, CfnMapping } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** The built-in XGBoost algorithm version the pipeline trains with. */
export const XGBOOST_VERSION = '1.7-1';

/**
 * The ECR registry account of the SageMaker built-in XGBoost images (repository
 * `sagemaker-xgboost`, version 1.7-1), per commercial region of the `aws` partition.
 * Source: the SageMaker Python SDK, `src/sagemaker/image_uri_config/xgboost.json`, entry "1.7-1".
 */
export const XGBOOST_REGISTRIES: Readonly<Record<string, string>> = {
  'af-south-1': '510948584623',
  'ap-east-1': '651117190479',
  'ap-northeast-1': '354813040037',
  'ap-northeast-2': '366743142698',
  'ap-northeast-3': '867004704886',
  'ap-south-1': '720646828776',
  'ap-south-2': '628508329040',
  'ap-southeast-1': '121021644041',
  'ap-southeast-2': '783357654285',
  'ap-southeast-3': '951798379941',
  'ap-southeast-4': '106583098589',
  'ca-central-1': '341280168497',
  'ca-west-1': '190319476487',
  'eu-central-1': '492215442770',
  'eu-central-2': '680994064768',
  'eu-north-1': '662702820516',
  'eu-south-1': '978288397137',
  'eu-south-2': '104374241257',
  'eu-west-1': '141502667606',
  'eu-west-2': '764974769150',
  'eu-west-3': '659782779980',
  'il-central-1': '898809789911',
  'me-central-1': '272398656194',
  'me-south-1': '801668240914',
  'sa-east-1': '737474898029',
  'us-east-1': '683313688378',
  'us-east-2': '257758044811',
  'us-west-1': '746614075791',
  'us-west-2': '246618743249',
};

/**
 * The ECR registry account of the Model Monitor analyzer image (repository
 * `sagemaker-model-monitor-analyzer`), per commercial region of the `aws` partition.
 * Source: the SageMaker Python SDK, `src/sagemaker/image_uri_config/model-monitor.json`, entry "1".
 * Regions missing here have no analyzer image in that table; deploying there fails on the
 * mapping lookup, naming the region, rather than pulling a wrong image.
 */
export const MODEL_MONITOR_REGISTRIES: Readonly<Record<string, string>> = {
  'ap-east-1': '001633400207',
  'ap-northeast-1': '574779866223',
  'ap-northeast-2': '709848358524',
  'ap-south-1': '126357580389',
  'ap-southeast-1': '245545462676',
  'ap-southeast-2': '563025443158',
  'ca-central-1': '536280801234',
  'eu-central-1': '048819808253',
  'eu-north-1': '895015795356',
  'eu-west-1': '468650794304',
  'eu-west-2': '749857270468',
  'eu-west-3': '680080141114',
  'me-south-1': '607024016150',
  'sa-east-1': '539772159869',
  'us-east-1': '156813124566',
  'us-east-2': '777275614652',
  'us-west-1': '890145073186',
  'us-west-2': '159807026194',
};

export interface SageMakerImagesProps {
  /**
   * Whether the Model Monitor analyzer image is needed (Model Monitor is opt-in: closed to new AWS
   * customers since 2026-07-30). Only then does the mapping hold its registries.
   * @default false
   */
  readonly modelMonitorAnalyzer?: boolean;
}

/**
 * The SageMaker images a stack uses, resolved per region at deploy time from a `CfnMapping` keyed
 * by `AWS::Region`, so the stacks stay environment-agnostic. The mapping holds only the columns
 * asked for: without the analyzer, a region is a row exactly when it has the XGBoost image.
 */
export class SageMakerImages extends Construct {
  readonly mapping: CfnMapping;
  /** `<account>.dkr.ecr.<region>.<url suffix>/sagemaker-xgboost:1.7-1` */
  readonly xgboost: string;
  /**
   * `<account>.dkr.ecr.<region>.<url suffix>/sagemaker-model-monitor-analyzer`, when asked for.
   * @default - undefined unless `modelMonitorAnalyzer` is true
   */
  readonly modelMonitorAnalyzer?: string;

  constructor(scope: Construct, id: string, props: SageMakerImagesProps = {}) {
    super(scope, id);
    const withAnalyzer = props.modelMonitorAnalyzer ?? false;
    const analyzerRegistries: Readonly<Record<string, string>> = withAnalyzer ? MODEL_MONITOR_REGISTRIES : {};
    const regions = [...new Set([...Object.keys(XGBOOST_REGISTRIES), ...Object.keys(analyzerRegistries)])].sort();
    this.mapping = new CfnMapping(this, 'Registries', {
      mapping: Object.fromEntries(
        regions.map((region) => [
          region,
          {
            ...(XGBOOST_REGISTRIES[region] === undefined ? {} : { xgboost: XGBOOST_REGISTRIES[region] }),
            ...(analyzerRegistries[region] === undefined ? {} : { modelMonitor: analyzerRegistries[region] }),
          },
        ]),
      ),
    });
    const registry = (key: string) =>
      `${this.mapping.findInMap(Aws.REGION, key)}.dkr.ecr.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    this.xgboost = `${registry('xgboost')}/sagemaker-xgboost:${XGBOOST_VERSION}`;
    if (withAnalyzer) {
      this.modelMonitorAnalyzer = `${registry('modelMonitor')}/sagemaker-model-monitor-analyzer`;
    }
  }
}
