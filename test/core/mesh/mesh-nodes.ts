import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';
import { MeshNodeInput } from '../../../lib/core/mesh';
import { NodeRole } from '../../../lib/core/node-role';

/**
 * `count` nodes spread round-robin over `clouds`, the first node of each cloud
 * a control-plane node. Names are `<cloud>-<cp|w>-<i>`; addresses and pod CIDRs
 * are unique and derived from `i`, so tests can predict them.
 */
export function meshNodes(count: number, clouds: readonly Cloud[] = ALL_CLOUDS): MeshNodeInput[] {
  return Array.from({ length: count }, (_, i) => {
    const cloud = clouds[i % clouds.length];
    const role = i < clouds.length ? NodeRole.CONTROL_PLANE : NodeRole.WORKER;
    return meshNode(`${cloud}-${role === NodeRole.CONTROL_PLANE ? 'cp' : 'w'}-${i}`, cloud, i, role);
  });
}

/** One node with addresses derived from `i` (public 198.18.x.y, private 10.1<cloud>.x.y, pods 10.244+x.y.0/24). */
export function meshNode(name: string, cloud: Cloud, i: number, role: NodeRole = NodeRole.WORKER, extra: Partial<MeshNodeInput> = {}): MeshNodeInput {
  const hi = i >> 8;
  const lo = i & 255;
  return {
    name,
    cloud,
    role,
    publicAddress: `198.${18 + (hi >> 8)}.${hi & 255}.${lo}`,
    privateAddress: `10.${10 + ALL_CLOUDS.indexOf(cloud)}.${hi}.${lo}`,
    podCidr: `10.${244 + hi}.${lo}.0/24`,
    ...extra,
  };
}

/** Deterministic Fisher–Yates shuffle (mulberry32), so a failing order can be replayed from its seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
