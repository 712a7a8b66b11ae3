/**
 * AWS spot interruption notices: an EventBridge rule for "EC2 Spot Instance
 * Interruption Warning" (two minutes before reclaim) sending to a target the
 * user names (SNS topic, SQS queue, Lambda…), which cordons and drains the node.
 * One rule per cluster, matching only the cluster's own instances.
 */
import { CloudwatchEventRule } from '@cdktf/provider-aws/lib/cloudwatch-event-rule';
import { CloudwatchEventTarget } from '@cdktf/provider-aws/lib/cloudwatch-event-target';
import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterLabels, labelMap } from '../core/cluster-labels';

/** Creates the rule and its target in `scope`. */
export function wireSpotInterruptionNotices(scope: Construct, clusterName: string, labels: ClusterLabels, targetArn: string, provider?: TerraformProvider): void {
  const rule = new CloudwatchEventRule(scope, 'spot-interruption-rule', {
    provider,
    name: `${clusterName}-spot-interruption`,
    description: `Cast cluster ${clusterName}: EC2 spot interruption warnings`,
    eventPattern: JSON.stringify({ source: ['aws.ec2'], 'detail-type': ['EC2 Spot Instance Interruption Warning'] }),
    tags: labelMap(labels),
  });
  new CloudwatchEventTarget(scope, 'spot-interruption-target', { provider, rule: rule.name, arn: targetArn });
}
