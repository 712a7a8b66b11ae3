import { Token } from 'cdktf';
import { Cloud, CLOUD_DISPLAY_NAME } from '../core/cloud';
import { clusterNameProblem, clusterUuidProblem } from '../core/cluster-identity';
import { userTagProblems } from '../core/cluster-labels';
import { kubernetesVersionProblem } from '../core/kubernetes-version';
import { CastRegionInfo, castRegionIds, locationIn } from '../core/regions';
import { WireGuardMeshOptions } from '../mesh/wireguard-mesh';
import { AutoscalingPolicyOptions } from '../core/autoscaling/autoscaling-policy';
import { EtcdBackupOptions } from '../backup/options';
import { OsPatchingOptions } from '../core/os-patching/os-patching';
import { EtcdTimingOptions } from '../core/etcd-timings';
import { OsImageOptions, osImageProblems } from '../nodes/os-image';
import { AddressPlanOptions, CloudProviders, FirewallOptions } from './options';

/** Properties of a CastCluster. */
export interface CastClusterProps {
  /**
   * Cluster name: lowercase letters, digits and dashes, at most 30 characters.
   * It names resources on every cloud and must be unique within the app.
   */
  readonly name: string;
  /** Cast region id, e.g. `us-east` for US East (Ashburn); `CastRegions.ids()` lists them. */
  readonly region: string;
  /** The clouds the cluster spans; each must serve the region. */
  readonly clouds: Cloud[];
  /**
   * The cluster UUID carried by every taggable resource (tag/label `cast-cluster-uuid`).
   * Pin it to keep it when renaming the cluster.
   * @default - a UUIDv5 of `name`: the same on every synth and machine
   */
  readonly clusterUuid?: string;
  /** Extra tags/labels for every taggable resource. @default - only the cluster UUID and name */
  readonly tags?: { [key: string]: string };
  /** Address plan overrides. @default - the architecture's subnet table */
  readonly addresses?: AddressPlanOptions;
  /** Public rule sources and NodePort range. @default - the architecture's port tables, from 0.0.0.0/0, no SSH */
  readonly firewall?: FirewallOptions;
  /**
   * Providers you configure yourself. An AWS provider's `default_tags` keys must hold no
   * space and no "/": nodes read their API seeds from instance tags in the metadata
   * service, and AWS launches no instance whose tag keys it could not serve there.
   * @default - the cluster configures an aliased provider per cloud
   */
  readonly providers?: CloudProviders;
  /**
   * Kubernetes version of the cluster (node groups may pin their own).
   * @default "1.34.2"
   */
  readonly kubernetesVersion?: string;
  /**
   * How nodes reach each other: WireGuard between every pair (full mesh), WireGuard
   * between a few gateways per cloud (cross-location), or only the cloud network
   * (single-cloud clusters), and the WireGuard settings.
   * @default - full mesh across several clouds, the cloud network on one; port 51820, MTU 1400 with a GCP node and 1440 otherwise
   */
  readonly mesh?: WireGuardMeshOptions;
  /**
   * A DNS name for the Kubernetes API that you point at every control plane's public
   * address (one A record each; the `nodes` output lists them). It goes into every
   * API serving certificate and into the kubeconfig output, so kubectl tries the
   * next control plane when one is down. Nodes never use it: each reaches the API
   * through its own proxy. Set it before the first control plane boots: control
   * planes that exist keep the certificates they were made with.
   * @default - the kubeconfig names the first control plane's public address
   */
  readonly apiServerDnsName?: string;
  /**
   * etcd's heartbeat interval and election timeout, in milliseconds. Set when the
   * clouds' round trips are longer than the library's table says (docs/bootstrap.md).
   * @default - heartbeat about the worst round trip between the control planes' clouds (at least 100 ms), election timeout 10 heartbeats
   */
  readonly etcd?: EtcdTimingOptions;
  /**
   * A URL every node POSTs to once it has joined the cluster, or when its bootstrap fails
   * (with the failed step). http or https, no whitespace, quote or backslash, at most 1,024
   * characters: a plain string is checked at synth; one whole Terraform expression is checked
   * by Terraform at apply time (the apply fails otherwise).
   * @default - nodes report to no one
   */
  readonly phoneHomeUrl?: string;
  /**
   * Where AWS spot interruption warnings go (an SNS topic, SQS queue or Lambda ARN):
   * an EventBridge rule forwards "EC2 Spot Instance Interruption Warning" events
   * there once the cluster has AWS spot nodes, for your handler to cordon and drain them.
   * @default - no EventBridge rule
   */
  readonly awsSpotInterruptionTarget?: string;
  /**
   * What the autoscalers of autoscaled node groups may do: core limits, headroom for
   * unschedulable pods, empty-node removal delay, and which clouds may use spot
   * (which also applies to static node groups).
   * @default - see AutoscalingPolicyOptions
   */
  readonly autoscaling?: AutoscalingPolicyOptions;
  /**
   * OS updates: security updates install on every node (Ubuntu's
   * unattended-upgrades), and the cluster's InClusterStack runs kured, which
   * reboots a node that needs it in this window, one node at a time, drained
   * first.
   * @default - reboots every day from 01:00 to 05:00 UTC
   */
  readonly osPatching?: OsPatchingOptions;
  /**
   * The Ubuntu 24.04 LTS release each cloud's nodes boot from. Each cloud's image is looked up
   * once, when the cluster's first node group there is deployed, and kept: a newer image the cloud
   * publishes changes nothing. Naming a release (or a newer one) changes what new nodes, replaced
   * nodes and autoscaled groups' templates boot from; running VMs keep theirs until you replace
   * them, one per deploy (NodeGroupOptions.replacements).
   * @default - each cloud's newest image when the cluster's first node group there is deployed, kept from then on
   */
  readonly osImage?: OsImageOptions;
  /**
   * GCP project for the provider the cluster configures.
   * @default - the provider's own default (GOOGLE_PROJECT and friends)
   */
  readonly gcpProject?: string;
  /**
   * Scheduled etcd snapshots to object storage on one or two of the cluster's clouds, each
   * written with credentials that reach its bucket only (docs/etcd-backup.md). Made with the
   * first control-plane group.
   * @default - hourly snapshots, 48 kept, on the first two of the cluster's clouds
   */
  readonly etcdBackup?: EtcdBackupOptions;
}

/** A lowercase DNS name of at least two labels (a certificate SAN and a kubeconfig host). */
const API_DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Problems with the props alone, each `<prop> must be <rule> (got <value>). <fix>`. */
export function propProblems(props: CastClusterProps, clouds: Cloud[], region: CastRegionInfo | undefined, uuid: string): string[] {
  const problems: string[] = [];
  const nameProblem = clusterNameProblem(props.name ?? '');
  if (nameProblem) problems.push(nameProblem);
  if (props.clusterUuid !== undefined) {
    const uuidProblem = clusterUuidProblem(uuid);
    if (uuidProblem) problems.push(uuidProblem);
  }
  const versionProblem = props.kubernetesVersion === undefined ? undefined : kubernetesVersionProblem(props.kubernetesVersion);
  if (versionProblem) problems.push(versionProblem);
  if (clouds.length === 0) {
    problems.push(`clouds must list at least one cloud (got [${(props.clouds ?? []).join(', ')}]). Use e.g. [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN].`);
  }
  if (!region) {
    problems.push(`region must be a Cast region id (got "${props.region}"). Use one of: ${castRegionIds().join(', ')}.`);
  } else {
    for (const cloud of clouds.filter((c) => !locationIn(region, c))) {
      problems.push(`clouds must only list clouds that serve ${region.displayName} (got ${CLOUD_DISPLAY_NAME[cloud]}, which has no region there). Drop it or pick another Cast region.`);
    }
  }
  problems.push(...userTagProblems(props.tags ?? {}));
  problems.push(...apiServerDnsNameProblems(props.apiServerDnsName), ...etcdTokenProblems(props.etcd));
  problems.push(...osImageProblems(props.osImage, clouds));
  problems.push(...ignoredPropProblems(props, clouds));
  return problems;
}

/** Props that would be ignored without a word: settings for a cloud the cluster does not span, a subnet DigitalOcean has no room for. */
function ignoredPropProblems(props: CastClusterProps, clouds: readonly Cloud[]): string[] {
  const problems: string[] = [];
  const spans = clouds.length > 0 ? clouds.join(', ') : 'none';
  for (const cloud of Object.values(Cloud)) {
    if (clouds.includes(cloud)) continue;
    if (props.addresses?.[cloud] !== undefined) {
      problems.push(`addresses.${cloud} must be left out for a cloud the cluster does not span (got ranges for ${CLOUD_DISPLAY_NAME[cloud]}; clouds: ${spans}). Remove them, or add "${cloud}" to clouds.`);
    }
    if (props.providers?.[cloud] !== undefined) {
      problems.push(`providers.${cloud} must be left out for a cloud the cluster does not span (got a provider for ${CLOUD_DISPLAY_NAME[cloud]}; clouds: ${spans}). Remove it, or add "${cloud}" to clouds.`);
    }
  }
  const doSubnet = props.addresses?.digitalocean?.subnetCidr;
  if (doSubnet !== undefined) {
    problems.push(`addresses.digitalocean.subnetCidr must be left out (got ${JSON.stringify(doSubnet)}): the DigitalOcean VPC is its only subnet. Set addresses.digitalocean.vpcCidr instead.`);
  }
  return problems;
}

// Both are written into user-data at synth (certificate SANs, etcd's flags), so a value
// Terraform only knows at apply cannot be used.
function apiServerDnsNameProblems(name: string | undefined): string[] {
  if (name === undefined) return [];
  if (Token.isUnresolved(name)) return ['apiServerDnsName must be known at synth, for the API serving certificates (got a Token). Pass the name as a plain string.'];
  if (API_DNS_NAME.test(name)) return [];
  return [`apiServerDnsName must be a lowercase DNS name such as api.example.com, without scheme or port (got ${JSON.stringify(name)}). Fix the name or leave it out.`];
}

/** The timers' values are checked at synth, with the control planes' round trips (etcdTimingProblems); a Token is refused here. */
function etcdTokenProblems(etcd: EtcdTimingOptions | undefined): string[] {
  return (['heartbeatIntervalMs', 'electionTimeoutMs'] as const)
    .filter((field) => etcd?.[field] !== undefined && Token.isUnresolved(etcd[field]))
    .map((field) => `etcd.${field} must be known at synth, for the control planes' etcd flags (got a Token). Pass a number of milliseconds, or leave it unset.`);
}
