import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { StageConfig } from '../config';
import { lakeMonitoringSection } from './lake-monitoring-section';
import { LifecycleMonitoring, type WatchedResources } from './lifecycle-monitoring';
import { RetrainingDecisions } from './retraining-decisions';

export interface ObservabilityStackProps extends StackProps {
  /** The validated configuration of the stage being deployed. */
  readonly config: StageConfig;
  /** What to watch, from the other stacks. */
  readonly watched: WatchedResources;
  /** The lake's key, for the alarm topic (DataLake stack). */
  readonly key: kms.IKey;
}

/**
 * OBSERVE: one dashboard over every stage (with the lake monitors' live quality and drift, and the
 * retraining decisions) and the alarms that need a person. Stateless; it only reads the other
 * stacks' metrics.
 */
export class ObservabilityStack extends Stack {
  readonly monitoring: LifecycleMonitoring;
  readonly decisions: RetrainingDecisions;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { stage, observability, monitoring, removal } = props.config;
    this.monitoring = new LifecycleMonitoring(this, 'Monitoring', {
      watched: props.watched,
      key: props.key,
      alarmEmail: observability.alarmEmail,
      maxIteratorAge: Duration.seconds(observability.maxIteratorAgeSeconds),
      maxDeliveryDelay: Duration.seconds(observability.maxDeliveryDelaySeconds),
      dashboardName: `ml-lifecycle-${stage}`,
    });
    // The lake monitors' metrics, by the endpoint's (known) name.
    for (const row of lakeMonitoringSection({
      endpointName: props.watched.endpointName,
      thresholds: { minAuc: monitoring.minAuc, minPrecision: monitoring.minPrecision, minRecall: monitoring.minRecall },
      qualityWindowDays: monitoring.qualityWindowDays,
      business: props.config.business,
    })) {
      this.monitoring.dashboard.addWidgets(...row);
    }
    this.decisions = new RetrainingDecisions(this, 'RetrainingDecisions', {
      key: props.key,
      retention: monitoring.logRetentionDays,
      removal,
    });
    for (const row of this.decisions.widgets(Duration.hours(1))) {
      this.monitoring.dashboard.addWidgets(...row);
    }
    new CfnOutput(this, 'DashboardName', {
      value: this.monitoring.dashboard.dashboardName,
      description: 'CloudWatch console → Dashboards → this name',
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      value: this.monitoring.topic.topicArn,
      description: 'Subscribe to hear every alarm that needs a person (observability.alarmEmail does it for you)',
    });
  }
}
