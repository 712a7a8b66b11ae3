/**
 * What the in-cluster stack installs for the cluster itself, as Helm releases of
 * the local cast-manifests chart: one release per concern, each a list of
 * rendered manifests. Pure; no cdktf import.
 *
 * Why here and not in a node's user-data: a node reads its user-data once, at
 * its first boot, and running VMs keep the user-data they were created with
 * (their user-data attribute is in Terraform's ignore_changes). What must stay
 * current on a running cluster (the autoscaler's flags and groups, the
 * headroom, the cluster's RBAC) is applied by the in-cluster stack on every
 * deploy instead, and a change to it changes that stack's plan only.
 */
import { ClusterAutoscalerManifestsInput, renderClusterAutoscalerManifests } from '../autoscaling/cluster-autoscaler-manifests';
import { readTemplateFile } from '../bootstrap/template-files';
import { escapeTerraformTemplate } from '../bootstrap/render-template';
import { splitDocuments } from './documents';

export { splitDocuments };

/** One Helm release of the cast-manifests chart. */
export interface InClusterRelease {
  /** The release name, unique in the cluster. */
  readonly name: string;
  /** Where Helm keeps the release (its objects name their own namespaces). */
  readonly namespace: string;
  /** One YAML document per entry, escaped for a Terraform template string. */
  readonly manifests: readonly string[];
  /**
   * Secrets the release's objects mount, made before it from Terraform values
   * (sensitive in state, never in a manifest).
   */
  readonly secrets?: readonly InClusterSecret[];
}

/** A Kubernetes Secret an in-cluster release needs. */
export interface InClusterSecret {
  readonly name: string;
  readonly namespace: string;
  /** Key to value (plain text; Terraform references are fine). */
  readonly data: Readonly<Record<string, string>>;
}

/** What the cluster's releases are made from: the cluster plan's parts. */
export interface InClusterInput {
  /** The cluster-autoscaler input, when an AWS or Azure group autoscales. */
  readonly autoscaler?: ClusterAutoscalerManifestsInput;
  /** Further releases (OS patching, upgrades, backups, certificates), in order. */
  readonly extra?: readonly InClusterRelease[];
}

/** The namespace every cluster release is kept in. */
export const CLUSTER_RELEASE_NAMESPACE = 'kube-system';

/**
 * The release of the cast RBAC (templates/kubernetes/cast-rbac.yaml). Control
 * planes also apply it as they come up, since nodes need it before any deploy of
 * the in-cluster stack; the template carries Helm's ownership label and
 * annotations for this release, so Helm adopts what a control plane applied
 * instead of refusing it as someone else's (helm/helm#7649: an existing object
 * labelled `app.kubernetes.io/managed-by: Helm` and annotated
 * `meta.helm.sh/release-name` and `meta.helm.sh/release-namespace` is adopted).
 */
export const CAST_RBAC_RELEASE = 'cast-rbac';

/** The release of cluster-autoscaler and the headroom (overprovisioning). */
export const AUTOSCALING_RELEASE = 'cast-autoscaling';

/** The cluster's releases, in the order they are installed. */
export function planInClusterReleases(input: InClusterInput): InClusterRelease[] {
  const releases: InClusterRelease[] = [
    { name: CAST_RBAC_RELEASE, namespace: CLUSTER_RELEASE_NAMESPACE, manifests: splitDocuments(escapeTerraformTemplate(readTemplateFile('kubernetes/cast-rbac.yaml'))) },
  ];
  if (input.autoscaler) {
    releases.push({ name: AUTOSCALING_RELEASE, namespace: CLUSTER_RELEASE_NAMESPACE, manifests: splitDocuments(renderClusterAutoscalerManifests(input.autoscaler)) });
  }
  releases.push(...(input.extra ?? []));
  return releases;
}
