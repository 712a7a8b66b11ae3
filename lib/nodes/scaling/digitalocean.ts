/**
 * DigitalOcean scaling group: a droplet autoscale pool whose droplets carry the
 * worker firewall tag. The pool scales itself on CPU and memory utilisation:
 * cluster-autoscaler has no provider for plain droplets, so there is no
 * autoscaler identity to grant (docs/design/autoscaling.md, decision 5).
 */
import { DropletAutoscale } from '@cdktf/provider-digitalocean/lib/droplet-autoscale';
import { SshKey } from '@cdktf/provider-digitalocean/lib/ssh-key';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { digitalOceanTags } from '../../core/cluster-labels';
import { dropletTags } from '../digitalocean';
import { resourceAddress } from '../node-spec';
import { AutoscalerGrantSpec, AutoscalerIdentity, ScalingGroupAttachment, ScalingGroupSpec } from './scaling-spec';

// The pool's targets when the policy gives none: DigitalOcean's own example values.
const DEFAULT_UTILIZATION = { cpu: 0.5, memory: 0.5 } as const;
const DEFAULT_COOLDOWN_MINUTES = 5;
// The pool API's lower bounds (docs.digitalocean.com/reference/api, "Create a New Autoscale Pool").
const MIN_POOL_INSTANCES = 1;
const MIN_UTILIZATION = 0.05;

/**
 * The pool's lifecycle as to its droplet template. DigitalOcean replaces every droplet of a
 * pool when its template changes: the cooldown "prevents downtime during configuration
 * changes by giving new Droplets time to boot before destroying the old ones"
 * (docs.digitalocean.com/products/droplets/concepts/autoscale-pools, "Cooldown Duration").
 * The template holds what a new library version, a Kubernetes version or the seeds change
 * (user data, tags), so any of them would replace every worker of the pool in one apply, as
 * a new user data would replace every static droplet were it not kept (runningVmLifecycle, lib/nodes/node-spec.ts).
 * Terraform plans an ignored attribute at its value in the state
 * (developer.hashicorp.com/terraform/language/meta-arguments/lifecycle, `ignore_changes`), and
 * the provider's update puts the pool's whole state, template included, to the pool API
 * (terraform-provider-digitalocean, resource_droplet_autoscale.go,
 * resourceDigitalOceanDropletAutoscaleUpdate): `config` (the size limits and utilisation
 * targets) still changes in place. The price: a change the user makes to the template (the
 * group's instance type, image or labels) waits as well. A pool is rolled on purpose with
 * `terraform apply -replace=<pool>`, which deletes the pool with all its droplets at once
 * (resourceDigitalOceanDropletAutoscaleDelete calls DeleteDangerous) and creates it from the
 * current template (docs/lifecycle.md, "Autoscaled groups").
 */
const KEEP_DROPLET_TEMPLATE = { ignoreChanges: ['droplet_template'] };

export function buildScalingGroup(scope: Construct, spec: ScalingGroupSpec): ScalingGroupAttachment {
  const key = clusterSshKey(scope, spec);
  const pool = createPool(scope, spec, key);
  return { groupName: pool.name, groupAddress: resourceAddress(pool), autoscalerRef: pool.id };
}

export function grantAutoscaler(_scope: Construct, _spec: AutoscalerGrantSpec): AutoscalerIdentity | undefined {
  return undefined;
}

/**
 * The pool API requires an SSH key, and an account holds a public key only
 * once, so every pool of a cluster shares one `digitalocean_ssh_key`: made by
 * the first group, at the stack's root with an id from the cluster name, so
 * adding or removing a group never moves it.
 */
function clusterSshKey(scope: Construct, spec: ScalingGroupSpec): SshKey {
  if (!spec.sshPublicKey) {
    throw new Error(`${scope.node.path}: sshPublicKey must be set for a DigitalOcean scaling group (got none). The droplet autoscale API requires a key; pass the cluster's generated key.`);
  }
  const stack = TerraformStack.of(scope);
  const id = `${spec.clusterName}-autoscale-ssh-key`;
  const existing = stack.node.tryFindChild(id);
  if (existing) return existing as SshKey;
  return new SshKey(stack, id, { provider: spec.provider, name: id, publicKey: spec.sshPublicKey });
}

/** Problems with the pool's numbers, one message each: the API takes 1 to 500 droplets at least and utilisation targets in [0.05, 1]. */
export function poolProblems(spec: Pick<ScalingGroupSpec, 'minNodes' | 'utilizationTarget'>): string[] {
  const problems: string[] = [];
  if (spec.minNodes < MIN_POOL_INSTANCES) {
    problems.push(`minNodes must be at least ${MIN_POOL_INSTANCES} on DigitalOcean (got ${spec.minNodes}). A droplet autoscale pool cannot scale to zero; set minNodes to 1.`);
  }
  for (const [name, value] of Object.entries(spec.utilizationTarget ?? {})) {
    if (value < MIN_UTILIZATION || value > 1) {
      problems.push(`utilizationTarget.${name} must be between ${MIN_UTILIZATION} and 1 on DigitalOcean (got ${value}). Give a fraction, e.g. 0.6.`);
    }
  }
  return problems;
}

function createPool(scope: Construct, spec: ScalingGroupSpec, key: SshKey): DropletAutoscale {
  const problems = poolProblems(spec);
  if (problems.length > 0) throw new Error(problems.map((problem) => `${scope.node.path}: ${problem}`).join('\n'));
  const utilization = spec.utilizationTarget ?? DEFAULT_UTILIZATION;
  return new DropletAutoscale(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    config: {
      minInstances: spec.minNodes,
      maxInstances: spec.maxNodes,
      targetCpuUtilization: utilization.cpu,
      targetMemoryUtilization: utilization.memory,
      cooldownMinutes: spec.cooldownMinutes ?? DEFAULT_COOLDOWN_MINUTES,
    },
    dropletTemplate: {
      size: spec.instanceType,
      region: spec.location.region,
      image: spec.image,
      vpcUuid: spec.network.networkId,
      // The role tag puts the droplets behind the worker firewall. The API seeds are tags as on a
      // static droplet (lib/nodes/digitalocean.ts), and a pool has no other place for them: its
      // droplets are not Terraform's to tag one by one. They are the control planes' reserved IPs
      // only (WORKERS_SEED_PRIVATELY, lib/core/api-seeds.ts), which a replaced control-plane droplet
      // keeps. The pool keeps the template it was created with (KEEP_DROPLET_TEMPLATE): a control
      // plane added or removed later reaches its new droplets only once the pool is replaced.
      tags: dropletTags([spec.network.roleFirewall.worker, ...digitalOceanTags(spec.labels), 'cast-node-role:worker'], spec.apiServers),
      sshKeys: [key.id],
      userData: spec.userData,
      // As doctl and DigitalOcean's own example do: the pool scales on the droplets' utilisation.
      withDropletAgent: true,
    },
    // A running pool keeps the droplet template it was created with (KEEP_DROPLET_TEMPLATE).
    lifecycle: KEEP_DROPLET_TEMPLATE,
    dependsOn: spec.dependsOn,
  });
}
