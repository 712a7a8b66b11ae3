/** The AWS agent source alone in a stack, as a cluster of a given name publishes it. */
import { App, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { publishMeshAgentOnAws } from '../../lib/mesh/aws-agent-source';
import { deriveClusterUuid } from '../../lib/core/cluster-identity';

/** A stack `agent` in `app` with an AWS provider and the cluster `name`'s agent source. */
export function addAgentSourceStack(app: App, name: string): TerraformStack {
  const stack = new TerraformStack(app, 'agent');
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  publishMeshAgentOnAws(stack, {
    labels: { uuid: deriveClusterUuid(name), name, extra: {} },
    region: 'us-east-1',
    vpcId: 'vpc-0123456789abcdef0',
    routeTableId: 'rtb-0123456789abcdef0',
  });
  return stack;
}
