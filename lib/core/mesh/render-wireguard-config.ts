import { findNodePlan } from './find-node-plan';
import { MeshMode } from './mesh-mode';
import { MeshPlan } from './mesh-plan';

/** Keys for `renderWireGuardConfig`. */
export interface WireGuardKeys {
  /**
   * The node's private key, or a placeholder the node fills in locally.
   * Note that `wg setconf` and `wg syncconf` clear the interface's private key
   * when the text has no `PrivateKey` line.
   * @default - no PrivateKey line
   */
  readonly privateKey?: string;
  /** Public key of a peer, by node name: a real key, or a placeholder such as `{{wg-public-key:NAME}}`. */
  readonly publicKeyOf: (peerName: string) => string;
}

/**
 * The WireGuard configuration of one node in the format of `wg setconf` and
 * `wg syncconf` (not wg-quick: no Address, MTU or routes here; those are
 * `renderInterfaceSetup`'s view):
 *
 * ```
 * # aws-cp-1: mesh address 10.4.17.3, full-mesh
 * [Interface]
 * PrivateKey = <key>
 * ListenPort = 51820
 *
 * [Peer]
 * # gcp-w-1
 * PublicKey = <key of gcp-w-1>
 * Endpoint = 203.0.113.7:51820
 * AllowedIPs = 10.4.80.12/32, 10.244.3.0/24
 * PersistentKeepalive = 25
 * ```
 *
 * Peers come in name order; keys are copied as given (any string without
 * whitespace or "#"). Throws for cloud-network plans, which have no WireGuard.
 */
export function renderWireGuardConfig(plan: MeshPlan, nodeName: string, keys: WireGuardKeys): string {
  if (!plan.wireGuard) {
    throw new Error(
      `plan.mode must be ${MeshMode.FULL_MESH} or ${MeshMode.CROSS_LOCATION} to render a WireGuard config (got ${plan.mode}). ` +
        'Cloud-network nodes run no WireGuard interface; render only their interface setup.',
    );
  }
  const node = findNodePlan(plan, nodeName);
  const lines = [`# ${node.name}: mesh address ${node.meshAddress}, ${plan.mode}`, '[Interface]'];
  if (keys.privateKey !== undefined) {
    // The key itself is never echoed in a message.
    if (!isKeyText(keys.privateKey)) throw new Error('privateKey must be a key without whitespace or "#" (got a value that has some). Pass the output of `wg genkey` or a placeholder.');
    lines.push(`PrivateKey = ${keys.privateKey}`);
  }
  lines.push(`ListenPort = ${plan.listenPort}`);
  for (const peer of node.peers) {
    const publicKey = keys.publicKeyOf(peer.name);
    if (!isKeyText(publicKey)) {
      throw new Error(
        `publicKeyOf("${peer.name}") must be a key without whitespace or "#" (got ${JSON.stringify(publicKey)}). Pass the output of \`wg pubkey\` or a placeholder.`,
      );
    }
    lines.push('', '[Peer]', `# ${peer.name}`, `PublicKey = ${publicKey}`, `Endpoint = ${peer.endpoint}`, `AllowedIPs = ${peer.allowedIps.join(', ')}`);
    if (peer.persistentKeepalive > 0) lines.push(`PersistentKeepalive = ${peer.persistentKeepalive}`);
  }
  return lines.join('\n') + '\n';
}

function isKeyText(key: string): boolean {
  return typeof key === 'string' && /^[^\s#]+$/.test(key);
}
