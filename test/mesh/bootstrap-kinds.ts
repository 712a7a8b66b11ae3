/**
 * The user-data kinds the mesh tests render nodes with. mesh-up.sh and the
 * agent treat every control-plane kind alike; what differs between kinds is
 * kubeadm's part, which bootstrap-node.sh plays. Taken from the library's list,
 * so the tests render whichever control-plane kinds it has.
 */
import { NODE_BOOTSTRAP_KINDS, NodeBootstrapKind } from '../../lib/core/bootstrap/node-bootstrap-input';

const CONTROL_PLANE_KINDS = NODE_BOOTSTRAP_KINDS.filter((kind) => kind !== 'worker');
/** The kind of the control plane that founds the cluster. */
export const FOUNDER_KIND: NodeBootstrapKind = CONTROL_PLANE_KINDS[0];
/** The kind of every other control plane. */
export const JOINER_KIND: NodeBootstrapKind = CONTROL_PLANE_KINDS[CONTROL_PLANE_KINDS.length - 1];
