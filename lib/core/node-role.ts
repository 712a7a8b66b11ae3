/** What a node does in the cluster. */
export enum NodeRole {
  /** Runs kube-apiserver, etcd (stacked), scheduler and controller-manager. */
  CONTROL_PLANE = 'control-plane',
  /** Runs workloads. */
  WORKER = 'worker',
}

/** Every role, in the order the library emits and reports them. */
export const ALL_NODE_ROLES: readonly NodeRole[] = [NodeRole.CONTROL_PLANE, NodeRole.WORKER];
