import { DataKubernetesConfigMapV1 } from '@cdktf/provider-kubernetes/lib/data-kubernetes-config-map-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { labelMap } from '../core/cluster-labels';
import { InClusterRelease } from '../core/in-cluster/in-cluster-releases';
import { UPGRADE_RELEASE, upgradeSkewCondition } from '../core/upgrade';
import { addIngressReleases } from '../ingress/ingress-releases';
import type { IngressStack } from '../ingress/ingress-stack';
import { addMiddlewareReleases } from '../middleware/middleware-releases';
import type { MiddlewareOptions } from '../middleware/options';
import { recordProblems } from '../private/validation-error';
import type { CastCluster } from './cast-cluster';
import { manifestsRelease } from './cast-manifests-chart';
import { connectToCluster, kubeconfigOutputName } from './in-cluster-connection';
import { findClusterOutput } from '../ingress/cluster-view';

/** Properties of an InClusterStack. */
export interface InClusterStackProps {
  /** The cluster whose in-cluster configuration this stack applies. */
  readonly cluster: CastCluster;
  /**
   * An ingress of the cluster whose controller, certificates and metrics this
   * stack installs as well.
   * @default - no ingress
   */
  readonly ingress?: IngressStack;
  /**
   * Grafana and Headlamp at one host behind oauth2-proxy, single sign-on against
   * your OpenID Connect identity provider (docs/middleware.md). Needs `ingress`:
   * the middleware is served through its Gateway.
   * @default - no middleware
   */
  readonly middleware?: MiddlewareOptions;
}

/**
 * What runs inside the cluster and must stay current while its machines keep
 * running: the cast RBAC, cluster-autoscaler with its per-cloud flags and the
 * headroom, the cluster's day-two jobs, (given an ingress) the ingress
 * controller, cert-manager and Prometheus, and (given middleware) Grafana and
 * Headlamp behind oauth2-proxy. Applied on every `cdktf deploy`,
 * after the cluster's own stack.
 *
 * Running VMs keep the user-data they were created with, so a change to any of
 * this (an autoscaling policy, a new group, a new Kubernetes version) changes
 * this stack's plan only, never a VM. Deploy both stacks, in order:
 * `cdktf deploy <cluster stack> <this stack>` (cdktf orders them by their
 * dependency; `cdktf deploy '*'` does too).
 *
 * Create it after the cluster's node groups: it installs what they need.
 */
export class InClusterStack extends TerraformStack {
  /** The cluster configured. */
  public readonly cluster: CastCluster;

  constructor(scope: Construct, id: string, props: InClusterStackProps) {
    super(scope, id);
    const cluster = props.cluster;
    this.cluster = cluster;
    const kubeconfig = kubeconfigOutputName(cluster);
    const hasOutputs = Boolean(findClusterOutput(cluster, kubeconfig));
    const problems = [
      // A cluster or node group left unbuilt by problems of its own may have no outputs: the synth reports those.
      ...(hasOutputs || cluster._incomplete ? [] : [
        `cluster must have node groups before its InClusterStack is created (got ${cluster.node.path}, which has no ${kubeconfig} output yet). Add the node groups first.`,
      ]),
      ...(props.ingress && props.ingress.cluster !== cluster ? [
        `ingress must belong to the cluster (got ${props.ingress.node.path}, of ${props.ingress.cluster.node.path}, for cluster ${cluster.node.path}). Pass that cluster's IngressStack, or make a second InClusterStack.`,
      ] : []),
      ...(props.middleware && !props.ingress ? [
        `middleware needs ingress (got middleware for ${props.middleware.host} and no ingress): Grafana and Headlamp are served through the ingress's Gateway. Pass the cluster's IngressStack as ingress.`,
      ] : []),
    ];
    // Reported at synth with every other problem of the app (this stack's synth reports them too).
    recordProblems(this, problems);
    if (problems.length > 0 || !hasOutputs) return;
    const connection = connectToCluster(this, cluster);

    // The set of releases is fixed now; their contents are made at synth, from the final plan.
    const planned = () => cluster._inClusterReleases();
    const names = planned().map((release) => release.name);
    let previous: ReturnType<typeof manifestsRelease> | undefined;
    for (const name of names) {
      const first = planned().find((r) => r.name === name)!;
      // Its Secrets first: Terraform values, sensitive in both stacks' state.
      const secrets = (first.secrets ?? []).map((secret) => new SecretV1(this, `secret-${secret.namespace}-${secret.name}`, {
        provider: connection.kubernetes,
        metadata: { name: secret.name, namespace: secret.namespace, labels: labelMap(cluster._labels) },
        data: { ...secret.data },
      }));
      previous = manifestsRelease(this, `release-${name}`, {
        name,
        namespace: first.namespace,
        manifests: () => releaseNamed(planned(), name)?.manifests ?? [],
        connection,
        // One at a time, in the order planned: the RBAC first.
        dependsOn: [...(previous ? [previous] : []), ...secrets],
      });
      if (name === UPGRADE_RELEASE) refuseSkippedUpgrades(this, previous, cluster, connection.kubernetes);
    }
    this.node.addValidation({
      validate: () => {
        const now = planned().map((release) => release.name);
        return sameList(now, names) ? [] : [
          `${this.node.path}: the cluster's in-cluster releases changed after this stack was created (then: ${names.join(', ')}; now: ${now.join(', ')}). Create the InClusterStack after every node group of ${cluster.node.path}.`,
        ];
      },
    });
    if (props.ingress) addIngressReleases(this, props.ingress, connection);
    if (props.ingress && props.middleware) addMiddlewareReleases(this, props.ingress, connection, props.middleware);
  }
}

/**
 * A version that skips a minor or goes down stops the plan of this stack, before anything is
 * applied (the cluster stack's apply changes no node for a version change). The version the
 * cluster runs is read at plan time from kubeadm's ClusterConfiguration; the rule is
 * upgradeSkewProblem's (lib/core/upgrade/upgrade-skew.ts), which the upgrade itself applies
 * again in the cluster.
 */
function refuseSkippedUpgrades(stack: TerraformStack, release: ReturnType<typeof manifestsRelease>, cluster: CastCluster, provider: DataKubernetesConfigMapV1['provider']): void {
  const kubeadmConfig = new DataKubernetesConfigMapV1(stack, 'kubeadm-config', { provider, metadata: { name: 'kubeadm-config', namespace: 'kube-system' } });
  // "" while the ConfigMap cannot be read (a first deploy racing the first control plane): allowed.
  const running = `try(yamldecode(data.${kubeadmConfig.terraformResourceType}.${kubeadmConfig.friendlyUniqueId}.data["ClusterConfiguration"]).kubernetesVersion, "")`;
  const target = cluster.kubernetesVersion;
  release.lifecycle = {
    precondition: [{
      condition: `\${${upgradeSkewCondition(running, target)}}`,
      errorMessage: `${cluster.node.path}: kubernetesVersion ${target} cannot follow the version the cluster runs (kubectl -n kube-system get configmap kubeadm-config): kubeadm upgrades go to a later patch of the running minor or to the next minor, never down and never past a minor. Set kubernetesVersion to such a release and deploy; to cross several minors, deploy one minor at a time (docs/upgrades.md).`,
    }],
  };
}

function releaseNamed(releases: readonly InClusterRelease[], name: string): InClusterRelease | undefined {
  return releases.find((release) => release.name === name);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
