/**
 * AWS scaling group: a launch template (IMDSv2 only, encrypted gp3 root, the
 * worker security group, gzipped user data) and an Auto Scaling group tagged
 * for cluster-autoscaler auto-discovery; and the autoscaler's policy, which
 * goes on the role of the cluster's AWS control planes (the key store's,
 * lib/keys/aws.ts): an instance has one instance profile, so the control planes
 * carry one role that may read their keys and resize the cluster's groups.
 *
 * Known gap: a launch template cannot turn off the source/destination check
 * (only `ec2:ModifyInstanceAttribute` on the running instance can), so scaled
 * AWS nodes keep it on, unlike static ones (lib/nodes/aws.ts). Packets between
 * node addresses (WireGuard, IPIP) pass; pod or mesh addresses routed `via` a
 * scaled node's private address over the VPC are dropped. Closing it needs the
 * node to switch the check off at boot (an instance role allowing
 * ModifyInstanceAttribute on itself) or AWS in the IPIP clouds (lib/core/mesh/ipip.ts).
 */
import { AutoscalingGroup, AutoscalingGroupTag } from '@cdktf/provider-aws/lib/autoscaling-group';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Fn, Lazy, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../../core/cluster-labels';
import { apiServersTag, instanceMetadataOptions } from '../aws';
import { resourceAddress } from '../node-spec';
import { AutoscalerGrantSpec, AutoscalerIdentity, ScalingGroupAttachment, ScalingGroupSpec } from './scaling-spec';

// cluster-autoscaler's AWS auto-discovery tags and node-template tag prefix
// (cluster-autoscaler/cloudprovider/aws/README.md, "Auto-Discovery Setup", "Scaling a node group to 0").
const DISCOVERY_ENABLED_TAG = 'k8s.io/cluster-autoscaler/enabled';
const NODE_TEMPLATE_PREFIX = 'k8s.io/cluster-autoscaler/node-template';

/** The tag the autoscaler discovers the cluster's groups by, and the IAM condition scopes writes to. */
export function ownershipTag(clusterName: string): string {
  return `k8s.io/cluster-autoscaler/${clusterName}`;
}

export function buildScalingGroup(scope: Construct, spec: ScalingGroupSpec): ScalingGroupAttachment {
  const template = createLaunchTemplate(scope, spec);
  const group = createGroup(scope, spec, template);
  // The name as written, not a reference to the group: the first control plane's user-data names it (the
  // autoscaler's --nodes), and the group names that control plane's private address (its workers' seeds).
  return { groupName: group.name, groupAddress: resourceAddress(group), autoscalerRef: spec.name };
}

/**
 * AWS grants through the control planes' role, which the cluster's key store makes
 * (lib/keys/aws.ts) for its first AWS control-plane group: this returns the policy that role
 * must carry, and the cluster attaches it (`attachAutoscalerPolicy`) whichever of the two
 * groups comes first. No role or profile of its own.
 */
export function grantAutoscaler(_scope: Construct, spec: AutoscalerGrantSpec): AutoscalerIdentity | undefined {
  return { awsPolicy: autoscalerPolicy(spec.clusterName) };
}

/** What `attachAutoscalerPolicy` needs: the role to attach to and the policy `grantAutoscaler` returned. */
export interface AutoscalerPolicyAttachment {
  /** The control planes' role name (ControlPlaneIdentity.awsRoleName): a Terraform reference, or a lazy value of one. */
  readonly roleName: string;
  /** The policy document (AutoscalerIdentity.awsPolicy). */
  readonly policy: string;
  readonly provider?: TerraformProvider;
}

/** The autoscaler's policy as an inline policy of the control planes' role. */
export function attachAutoscalerPolicy(scope: Construct, attachment: AutoscalerPolicyAttachment): IamRolePolicy {
  return new IamRolePolicy(scope, 'policy', { provider: attachment.provider, name: 'cluster-autoscaler', role: attachment.roleName, policy: attachment.policy });
}

/**
 * cluster-autoscaler's least-privilege policy (cloudprovider/aws/README.md,
 * "Minimal IAM Permissions Policy"): reads everywhere, writes only on groups
 * carrying the cluster's ownership tag.
 */
export function autoscalerPolicy(clusterName: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Describe',
        Effect: 'Allow',
        Action: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeAutoScalingInstances',
          'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities',
          'autoscaling:DescribeTags',
          'ec2:DescribeImages',
          'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions',
          'ec2:GetInstanceTypesFromInstanceRequirements',
        ],
        Resource: '*',
      },
      {
        Sid: 'ResizeOwnedGroups',
        Effect: 'Allow',
        Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        Resource: '*',
        Condition: { StringEquals: { [`aws:ResourceTag/${ownershipTag(clusterName)}`]: 'owned' } },
      },
    ],
  });
}

/** The ASG's tags: the cluster's (propagated to instances) and the autoscaler's (on the group only), sorted by key. */
export function groupTags(spec: ScalingGroupSpec): AutoscalingGroupTag[] {
  const propagated = { ...instanceTags(spec) };
  const groupOnly: Record<string, string> = { [DISCOVERY_ENABLED_TAG]: 'true', [ownershipTag(spec.clusterName)]: 'owned' };
  for (const [key, value] of Object.entries(spec.nodeLabels)) groupOnly[`${NODE_TEMPLATE_PREFIX}/label/${key}`] = value;
  for (const taint of spec.nodeTaints) groupOnly[`${NODE_TEMPLATE_PREFIX}/taint/${taint.key}`] = `${taint.value ?? ''}:${taint.effect}`;
  const tags = [
    ...Object.entries(propagated).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    ...Object.entries(groupOnly).map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
  ];
  return tags.sort((a, b) => a.key.localeCompare(b.key));
}

function instanceTags(spec: ScalingGroupSpec): Record<string, string> {
  return { ...labelMap(spec.labels), Name: spec.name, 'cast-node-role': 'worker' };
}

function createLaunchTemplate(scope: Construct, spec: ScalingGroupSpec): LaunchTemplate {
  const tags = instanceTags(spec);
  // The API seeds go to the instances only (read from IMDS as on a static node, lib/nodes/aws.ts),
  // not to the group's propagated tags. A new seed list is a new template version (only `name`
  // and `name_prefix` are ForceNew in ec2_launch_template.go); the group has no
  // instance_refresh, so running instances keep theirs, and new ones start with it.
  const instanceOnlyTags = { ...tags, ...apiServersTag(spec.apiServers) };
  const template = new LaunchTemplate(scope, `${spec.name}-template`, {
    provider: spec.provider,
    name: spec.name,
    imageId: spec.image,
    instanceType: spec.instanceType,
    updateDefaultVersion: true,
    // cloud-init accepts gzip; AWS caps raw user data at 16 KB.
    userData: Fn.base64gzip(spec.userData),
    metadataOptions: instanceMetadataOptions(spec.apiServers !== undefined),
    blockDeviceMappings: [
      // /dev/sda1 is the root device of Canonical's Ubuntu AMIs.
      { deviceName: '/dev/sda1', ebs: { volumeSize: spec.diskSizeGb, volumeType: 'gp3', encrypted: 'true', deleteOnTermination: 'true' } },
    ],
    // Security groups go on the interface: a template with network_interfaces may not also set vpc_security_group_ids.
    networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: 'true', deleteOnTermination: 'true', securityGroups: [spec.network.roleFirewall.worker] }],
    instanceMarketOptions: spec.spot ? { marketType: 'spot', spotOptions: { instanceInterruptionBehavior: 'terminate', spotInstanceType: 'one-time' } } : undefined,
    tagSpecifications: [
      { resourceType: 'instance', tags: instanceOnlyTags },
      { resourceType: 'volume', tags },
    ],
    tags: labelMap(spec.labels),
  });
  if (spec.workerIdentity) {
    // The workers' instance profile, whose role may read the join token (lib/keys/aws.ts;
    // docs/decisions/0006), asked for at synth: AWS's first control-plane group may be added after
    // this one. No block while AWS has no control plane. Adding it is one new template version, as
    // any change here (createGroup says why no running instance is replaced).
    const identity = spec.workerIdentity;
    template.addOverride('iam_instance_profile', Lazy.anyValue({ produce: () => instanceProfileBlock(identity()?.awsInstanceProfile) }));
  }
  return template;
}

/** The launch template's `iam_instance_profile` block naming the profile, or none. */
function instanceProfileBlock(profileName: string | undefined): unknown {
  return profileName === undefined ? undefined : { name: profileName };
}

function createGroup(scope: Construct, spec: ScalingGroupSpec, template: LaunchTemplate): AutoscalingGroup {
  return new AutoscalingGroup(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    minSize: spec.minNodes,
    maxSize: spec.maxNodes,
    // No desired_capacity: AWS starts at min_size and the autoscaler owns it from then on.
    vpcZoneIdentifier: [spec.network.subnetId],
    // A new template version (any change to the template: user data, seeds, the workers' profile)
    // replaces no running instance. The Auto Scaling API: "When you update the launch template ...
    // existing Amazon EC2 instances continue to run. When scaling out occurs, Amazon EC2 Auto
    // Scaling launches instances to match the new settings" (Auto Scaling API Reference,
    // LaunchTemplate); and the provider starts an instance refresh only when the group has an
    // `instance_refresh` block (hashicorp/terraform-provider-aws internal/service/autoscaling/group.go,
    // resourceGroupUpdate: `if v, ok := d.GetOk("instance_refresh"); ok ... startInstanceRefresh`),
    // which this group never sets. Running instances keep what they launched with; new ones start
    // with the new version.
    launchTemplate: { id: template.id, version: Token.asString(template.latestVersion) },
    tag: groupTags(spec),
    lifecycle: { ignoreChanges: ['desired_capacity'] },
    dependsOn: spec.dependsOn,
  });
}
