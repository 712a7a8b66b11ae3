/**
 * The agent's directory backend (`CAST_MESH_RECORDS_DIR`, castmesh/records.py)
 * as the tests drive it: the test plays the API server, kubeadm and the
 * controller manager (it registers Nodes: name, uid, creationTimestamp, the
 * control-plane label, spec.podCIDR), and each node's agent writes only its
 * own annotations. A test may also write a node's annotations itself, as a
 * node holding that kubelet's credentials (a forger) could.
 *
 * ```
 * <dir>/<name>.json              the Node: { metadata: { uid, creationTimestamp, labels }, spec: { podCIDR } }
 * <dir>/annotations/<name>.json  { "cast-mesh/public-key": …, … }, the node's own
 * <dir>/claims/<address>         the node name
 * ```
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MeshRecord } from '../../lib/core/mesh';

/** The label kubeadm sets on control-plane Nodes (a kubelet may not set it). */
export const CONTROL_PLANE_LABEL = 'node-role.kubernetes.io/control-plane';

/** The annotation of each self-declared field (castmesh/records.py ANNOTATIONS). */
export const ANNOTATIONS = {
  cloud: 'cast-mesh/cloud',
  publicKey: 'cast-mesh/public-key',
  endpoint: 'cast-mesh/endpoint',
  meshAddress: 'cast-mesh/mesh-address',
  privateAddress: 'cast-mesh/private-address',
  gateway: 'cast-mesh/gateway',
} as const;
/** What an agent writes on its own Node about the records it ignores. */
export const CONFLICT_ANNOTATION = 'cast-mesh/conflict';

/** What the cluster, not the node, says about a Node. */
export interface NodeObject {
  readonly name: string;
  readonly controlPlane: boolean;
  /** spec.podCIDR; absent until the controller manager allocates one. */
  readonly podCidr?: string;
  /** metadata.creationTimestamp (RFC 3339, seconds), set by the API server. */
  readonly createdAt: string;
  readonly uid?: string;
}

/** An RFC 3339 timestamp `seconds` after a fixed instant: tests order Nodes by age explicitly. */
export function timestamp(seconds: number): string {
  return new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}

export class RecordsDir {
  constructor(readonly path: string) {
    mkdirSync(join(path, 'annotations'), { recursive: true });
  }

  /** Registers (or re-writes) a Node, as the API server, kubeadm and the controller manager would. */
  register(node: NodeObject): void {
    const metadata = {
      uid: node.uid ?? `uid-${node.name}`,
      creationTimestamp: node.createdAt,
      labels: { 'kubernetes.io/hostname': node.name, ...(node.controlPlane ? { [CONTROL_PLANE_LABEL]: '' } : {}) },
    };
    writeAtomically(join(this.path, `${node.name}.json`), JSON.stringify({ metadata, spec: node.podCidr ? { podCIDR: node.podCidr } : {} }));
  }

  registered(name: string): boolean {
    return existsSync(join(this.path, `${name}.json`));
  }

  /** The node's annotations, written as its own kubelet's credentials would allow (a forger's, say). */
  annotate(name: string, fields: Partial<Record<keyof typeof ANNOTATIONS, string>>, extra: Record<string, string> = {}): void {
    const annotations = Object.fromEntries(Object.entries(fields).map(([field, value]) => [ANNOTATIONS[field as keyof typeof ANNOTATIONS], value]));
    writeAtomically(join(this.path, 'annotations', `${name}.json`), JSON.stringify({ ...annotations, ...extra }));
  }

  /** What the node's agent wrote on its Node ({} before it published). */
  annotations(name: string): Record<string, string> {
    const path = join(this.path, 'annotations', `${name}.json`);
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  }

  /**
   * The published records, as an agent reads them: name, role and pod range from the Node, the
   * rest from its annotations; sorted by name.
   */
  records(): MeshRecord[] {
    return readdirSync(this.path)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .flatMap((file) => {
        const name = file.slice(0, -5);
        const node = JSON.parse(readFileSync(join(this.path, file), 'utf8'));
        const a = this.annotations(name);
        if (a[ANNOTATIONS.meshAddress] === undefined) return [];
        const fields = Object.fromEntries(Object.entries(ANNOTATIONS).flatMap(([field, key]) => (a[key] === undefined ? [] : [[field, a[key]]])));
        const role = CONTROL_PLANE_LABEL in (node.metadata.labels ?? {}) ? 'control-plane' : 'worker';
        return [{ name, role, ...fields, ...(node.spec?.podCIDR ? { podCidr: node.spec.podCIDR } : {}) } as MeshRecord];
      });
  }

  /** The API becomes unreachable: the directory is moved away (every agent's sync then fails). */
  goOffline(): void {
    renameSync(this.path, `${this.path}.offline`);
  }

  goOnline(): void {
    renameSync(`${this.path}.offline`, this.path);
  }
}

function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
