/**
 * The image check: whether the project's registry tables know the region of each SageMaker image
 * the app uses. Pure: the tables are the project's own.
 */
import type { StageConfig } from '../config';
import { MODEL_MONITOR_REGISTRIES, XGBOOST_REGISTRIES, XGBOOST_VERSION } from '../shared/sagemaker-images';
import { modelMonitorEnabled } from './requirements';
import type { CheckResult } from './result';

/**
 * Whether `lib/shared/sagemaker-images.ts` knows the region's registry of each SageMaker image the app
 * uses. The stacks look the registry up in a CloudFormation mapping keyed by region; a region
 * missing from it fails the deploy on that lookup. Pure: the tables are the project's own.
 */
export function checkImages(config: StageConfig, region: string): CheckResult[] {
  const results: CheckResult[] = [];
  const source = 'the SageMaker Python SDK, src/sagemaker/image_uri_config';
  results.push(
    XGBOOST_REGISTRIES[region] === undefined
      ? {
          check: 'XGBoost image',
          status: 'blocker',
          message: `lib/shared/sagemaker-images.ts has no registry of the built-in XGBoost ${XGBOOST_VERSION} image for ${region}, so the training stack fails on the mapping lookup`,
          fix: `deploy to a region it lists (${Object.keys(XGBOOST_REGISTRIES).join(', ')}), or add ${region}'s registry account from ${source}/xgboost.json`,
        }
      : {
          check: 'XGBoost image',
          status: 'ok',
          message: `sagemaker-xgboost:${XGBOOST_VERSION} from registry ${XGBOOST_REGISTRIES[region]} in ${region}`,
        },
  );
  if (modelMonitorEnabled(config)) {
    results.push(
      MODEL_MONITOR_REGISTRIES[region] === undefined
        ? {
            check: 'Model Monitor image',
            status: 'blocker',
            message: `lib/shared/sagemaker-images.ts has no registry of the Model Monitor analyzer image for ${region}, which the baseline job (and monitoring) runs, so the deploy fails on the mapping lookup`,
            fix: `deploy to a region it lists (${Object.keys(MODEL_MONITOR_REGISTRIES).join(', ')}), or add ${region}'s registry account from ${source}/model-monitor.json`,
          }
        : {
            check: 'Model Monitor image',
            status: 'ok',
            message: `sagemaker-model-monitor-analyzer from registry ${MODEL_MONITOR_REGISTRIES[region]} in ${region}`,
          },
    );
  }
  return results;
}
