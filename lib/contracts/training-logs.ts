/**
 * Where SageMaker writes a training job's log: the log group every training job writes to, one
 * stream per instance named `<training job name>/algo-<instance>-<epoch seconds>`
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/logging-cloudwatch.html). The evaluate function
 * reads the best training job's rounds from it for the tuning report; the Training stack grants
 * that read on this group alone.
 */
export const TRAINING_JOB_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
