import { TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { connectToCluster, kubeconfigOutputName } from '../cluster/in-cluster-connection';
import { throwProblems } from '../private/validation-error';
import { findClusterOutput } from './cluster-view';
import { addIngressReleases } from './ingress-releases';
import type { IngressStack } from './ingress-stack';

/** Properties of an IngressInClusterStack. */
export interface IngressInClusterStackProps {
  /** The ingress whose Gateway, certificates and metrics this stack installs. */
  readonly ingress: IngressStack;
}

/**
 * The in-cluster part of an IngressStack alone, in a stack of its own:
 * Envoy Gateway with the Gateway `cast` and its Envoy data plane (a DaemonSet) on
 * the fixed NodePorts, cert-manager with an ACME ClusterIssuer and the Gateway's
 * certificates, and Prometheus (unless you name yours).
 *
 * Prefer `InClusterStack` with `ingress`: it installs the same and the
 * cluster's own in-cluster configuration (cluster-autoscaler, the cast RBAC,
 * the day-two jobs), which a cluster with only this stack goes without.
 * Its providers read the cluster stack's kubeconfig output through remote
 * state (lib/cluster/in-cluster-connection.ts), so deploy both in order.
 */
export class IngressInClusterStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: IngressInClusterStackProps) {
    super(scope, id);
    const ingress = props.ingress;
    const cluster = ingress.cluster;
    const kubeconfigOutput = kubeconfigOutputName(cluster);
    throwProblems(this, findClusterOutput(cluster, kubeconfigOutput) ? [] : [
      `ingress must belong to a cluster with a ${kubeconfigOutput} output (got ${cluster.node.path}, which has none). Add the cluster's node groups before the IngressStack.`,
    ]);
    addIngressReleases(this, ingress, connectToCluster(this, cluster));
  }
}
