/**
 * The AWS key store built alone (lib/keys/aws.ts buildKeyStore), in a stack with an AWS and a
 * random provider and the bundle a local, so its value can be named exactly; the store's source,
 * identity and join-token store are outputs, so the test reads them as Terraform would.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformLocal, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { buildKeyStore } from '../../lib/keys/aws';
import { ControlPlaneKeyStore } from '../../lib/keys/key-store-spec';
import { LABELS } from '../nodes/scaling/scaling-fixture';

const NETWORK = { vpcId: 'vpc-1', subnetId: 'subnet-1', roleFirewall: { 'control-plane': 'sg-cp', worker: 'sg-w' } } as any;

export function synthAwsKeyStore(): { text: string; json: any; store: ControlPlaneKeyStore } {
  const stack = new TerraformStack(Testing.app(), 'test');
  const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const randomProvider = new RandomProvider(stack, 'random');
  const bundle = new TerraformLocal(stack, 'bundle', '{}').asString;
  const store = buildKeyStore(new Construct(stack, 'keys'), {
    clusterName: 'c1',
    clusterUuid: LABELS.uuid,
    labels: LABELS,
    location: { region: 'eu-west-1', zone: 'eu-west-1a' },
    network: NETWORK,
    randomProvider,
    provider,
    bundle,
  });
  new TerraformOutput(stack, 'secret-id', { value: store.source });
  new TerraformOutput(stack, 'identity', { value: store.identity });
  new TerraformOutput(stack, 'join-token', { value: store.joinToken });
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text), store };
}
