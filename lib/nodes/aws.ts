/**
 * AWS node: Elastic IP, EC2 instance (IMDSv2 only, encrypted root), EIP association.
 *
 * The API seeds ride on the instance tag `cast-api-servers`, which the node reads from
 * IMDS (`meta-data/tags/instance/cast-api-servers`) once tags are allowed there. AWS:
 * "If you add or remove an instance tag, the instance metadata is updated while the
 * instance is running, without needing to stop and then start the instance", and access
 * can be allowed "after launch on a running or stopped instance"
 * (docs.aws.amazon.com/AWSEC2/latest/UserGuide/work-with-tags-in-IMDS.html). Neither
 * `tags` nor `metadata_options` is ForceNew in hashicorp/aws 6.25.0's ec2_instance.go
 * (test/terraform/stand-in/replace-rules/aws.ts), so a new seed list is an in-place update.
 */
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EipAssociation } from '@cdktf/provider-aws/lib/eip-association';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Fn, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { API_SERVERS_KEY, NodeAttachment, NodeSpec, resourceAddress, runningVmLifecycle } from './node-spec';

export function buildNode(scope: Construct, spec: NodeSpec): NodeAttachment {
  const address = createAddress(scope, spec);
  const instance = createInstance(scope, spec, address.publicIp);
  new EipAssociation(scope, `${spec.name}-ip-association`, { provider: spec.provider, instanceId: instance.id, allocationId: address.allocationId });
  return { publicAddress: address.publicIp, privateAddress: instance.privateIp, instanceAddress: resourceAddress(instance), targetId: instance.id };
}

/**
 * IMDSv2 only, one hop (pods cannot reach it), and instance tags in the metadata when the
 * node carries its API seeds there. Allowing tags restricts every instance tag *key* to
 * letters, digits and `+ - = . , _ : @` (no space, no `/`), or launches fail (same page);
 * ours are the cluster's labels (lib/core/cluster-labels.ts allows `[a-z0-9_-]`), `Name`,
 * `cast-node-role`, `cast-api-servers` and the Auto Scaling group's `aws:autoscaling:groupName`.
 */
export function instanceMetadataOptions(tagsInMetadata: boolean): { httpEndpoint: string; httpTokens: string; httpPutResponseHopLimit: number; instanceMetadataTags?: string } {
  return { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, ...(tagsInMetadata ? { instanceMetadataTags: 'enabled' } : {}) };
}

/** The instance tag that carries the seeds, when there are seeds (values: at most 256 characters, spaces allowed). */
export function apiServersTag(apiServers: string | undefined): Record<string, string> {
  return apiServers === undefined ? {} : { [API_SERVERS_KEY]: apiServers };
}

function createAddress(scope: Construct, spec: NodeSpec): Eip {
  return new Eip(scope, `${spec.name}-ip`, { provider: spec.provider, domain: 'vpc', tags: { ...labelMap(spec.labels), Name: spec.name } });
}

function createInstance(scope: Construct, spec: NodeSpec, publicAddress: string): Instance {
  const instance = new Instance(scope, spec.name, {
    provider: spec.provider,
    ami: spec.image,
    instanceType: spec.instanceType,
    availabilityZone: spec.location.zone,
    subnetId: spec.network.subnetId,
    vpcSecurityGroupIds: [spec.network.roleFirewall[spec.role]],
    // cloud-init accepts gzip; AWS caps raw user data at 16 KB.
    userDataBase64: Fn.base64gzip(spec.userData(publicAddress)),
    // A running node keeps its user data and its image (runningVmLifecycle): a change to user_data_base64
    // stops and starts the instance, a change to ami replaces it (ForceNew, test/terraform/stand-in/replace-rules/aws.ts).
    lifecycle: runningVmLifecycle(spec, ['user_data_base64', 'ami']),
    // Pod traffic is routed through nodes, so packets to and from pod addresses must pass.
    sourceDestCheck: false,
    metadataOptions: instanceMetadataOptions(spec.apiServers !== undefined),
    rootBlockDevice: { volumeSize: spec.diskSizeGb, volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
    instanceMarketOptions: spec.spot ? { marketType: 'spot', spotOptions: { instanceInterruptionBehavior: 'terminate', spotInstanceType: 'one-time' } } : undefined,
    // Control planes: the key store's instance profile (lib/keys/aws.ts), whose role also carries
    // the cluster-autoscaler's policy when AWS has autoscaled groups. Workers: the workers' profile
    // (below). A profile added to or changed on a running instance is associated in place, without
    // a stop: EC2 API Reference, AssociateIamInstanceProfile ("Associates an IAM instance profile
    // with a running or stopped instance") and ReplaceIamInstanceProfileAssociation ("Replaces an
    // IAM instance profile for the specified running instance"), which the provider calls on update
    // (resourceInstanceUpdate, `d.HasChange("iam_instance_profile") && !d.IsNewResource()`: Describe,
    // then Associate or Replace, no StopInstances); iam_instance_profile is not ForceNew in
    // ec2_instance.go (no rule in test/terraform/stand-in/replace-rules/aws.ts;
    // machine-fates.test.ts: "updated in place").
    iamInstanceProfile: spec.controlPlaneIdentity?.awsInstanceProfile,
    tags: { ...labelMap(spec.labels), Name: spec.name, 'cast-node-role': spec.role, ...apiServersTag(spec.apiServers) },
    dependsOn: spec.dependsOn,
  });
  if (spec.workerIdentity) {
    // Workers: the profile whose role may read the join token (docs/decisions/0006), asked for at
    // synth: AWS's first control-plane group, which makes the key store, may be added after this
    // one. None (no attribute) while AWS has no control plane. A running worker gets it in place,
    // as above, so the upgrade that adds it restarts no worker.
    const identity = spec.workerIdentity;
    instance.addOverride('iam_instance_profile', Lazy.anyValue({ produce: () => identity()?.awsInstanceProfile }));
  }
  return instance;
}
