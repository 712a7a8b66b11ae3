import { apiOpenToAll, nodeSources, planFirewall, RoleFirewallPlan } from '../../lib/core/firewall-plan';
import { NodeRole } from '../../lib/core/node-role';
import { PlanError } from '../../lib/core/plan-error';

const CLUSTER_RANGES = ['10.10.0.0/16', '10.217.0.0/16', '10.4.0.0/16'];
const base = { wireguard: true, wireguardPort: 51820, clusterRanges: CLUSTER_RANGES };

/** Rules as rows: "role proto ports <- sources", for tables that read like the seed's. */
function rows(plan: RoleFirewallPlan[]): string[] {
  return plan.flatMap((role) =>
    role.inbound.map((rule) => {
      const ports = rule.fromPort === undefined ? '*' : rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
      return `${role.role} ${rule.protocol} ${ports} <- ${rule.sources.join(',')}`;
    }),
  );
}

describe('planFirewall', () => {
  test('defaults are the seed port tables plus in-cluster traffic, and nothing else', () => {
    expect(rows(planFirewall(base))).toEqual([
      'control-plane tcp 6443 <- 0.0.0.0/0',
      'control-plane udp 51820 <- 0.0.0.0/0',
      'control-plane all * <- 10.10.0.0/16,10.217.0.0/16,10.4.0.0/16',
      'worker udp 51820 <- 0.0.0.0/0',
      'worker tcp 30000-32767 <- 0.0.0.0/0',
      'worker udp 30000-32767 <- 0.0.0.0/0',
      'worker all * <- 10.10.0.0/16,10.217.0.0/16,10.4.0.0/16',
    ]);
  });

  test('no WireGuard port without WireGuard', () => {
    const plan = planFirewall({ ...base, wireguard: false });
    expect(rows(plan).filter((row) => row.includes('51820'))).toEqual([]);
  });

  test('source ranges and the NodePort range are configurable; SSH only when opted in', () => {
    const plan = planFirewall({
      ...base,
      apiSourceRanges: ['203.0.113.0/24', '198.51.100.7/32', '203.0.113.0/24'],
      nodePortSourceRanges: ['198.51.100.0/24'],
      sshSourceRanges: ['203.0.113.0/24'],
      nodePortRange: { from: 31000, to: 31999 },
    });
    expect(rows(plan)).toEqual([
      'control-plane tcp 6443 <- 198.51.100.7/32,203.0.113.0/24',
      'control-plane udp 51820 <- 0.0.0.0/0',
      'control-plane all * <- 10.10.0.0/16,10.217.0.0/16,10.4.0.0/16',
      'control-plane tcp 22 <- 203.0.113.0/24',
      'worker udp 51820 <- 0.0.0.0/0',
      'worker tcp 31000-31999 <- 198.51.100.0/24',
      'worker udp 31000-31999 <- 198.51.100.0/24',
      'worker all * <- 10.10.0.0/16,10.217.0.0/16,10.4.0.0/16',
      'worker tcp 22 <- 203.0.113.0/24',
    ]);
    expect(plan.map((p) => p.role)).toEqual([NodeRole.CONTROL_PLANE, NodeRole.WORKER]);
  });

  test.each([
    [{ apiSourceRanges: ['office'] }, 'firewall.apiSourceRanges must list IPv4 CIDRs like 203.0.113.0/24 (got "office": it is not of the form a.b.c.d/n). Fix or remove that entry.'],
    [{ sshSourceRanges: ['203.0.113.5/24'] }, 'firewall.sshSourceRanges must list IPv4 CIDRs like 203.0.113.0/24 (got "203.0.113.5/24": it has host bits set (did you mean 203.0.113.0/24?)). Fix or remove that entry.'],
    [{ nodePortRange: { from: 32767, to: 30000 } }, "firewall.nodePortRange must be whole ports from..to with 1 <= from <= to <= 65535 (got 32767-30000). Use Kubernetes' default 30000-32767."],
    [{ nodePortRange: { from: 30000, to: 70000 } }, "firewall.nodePortRange must be whole ports from..to with 1 <= from <= to <= 65535 (got 30000-70000). Use Kubernetes' default 30000-32767."],
    [{ nodePortRange: { from: 2000, to: 7000 } }, "firewall.nodePortRange must not include a port the nodes listen on (got 2000-7000, which includes 2379 etcd client, 2380 etcd peer, 6443 kube-apiserver). Use Kubernetes' default 30000-32767."],
    [{ nodePortRange: { from: 50000, to: 52000 } }, "firewall.nodePortRange must not include a port the nodes listen on (got 50000-52000, which includes 51820 WireGuard). Use Kubernetes' default 30000-32767."],
  ])('bad input %o', (overrides, message) => {
    let problems: readonly string[] = [];
    try {
      planFirewall({ ...base, ...overrides, propPrefix: 'firewall' });
    } catch (error) {
      problems = (error as PlanError).problems;
    }
    expect(problems).toEqual([message]);
  });

  test('the API rule lets the cluster\'s nodes in once its ranges are narrowed, and no other rule ever does', () => {
    const flagged = (plan: RoleFirewallPlan[]) => plan.flatMap((role) => role.inbound.filter((rule) => rule.clusterNodes).map((rule) => `${role.role} ${rule.key}`));
    expect(flagged(planFirewall(base))).toEqual([]);
    expect(flagged(planFirewall({ ...base, apiSourceRanges: ['203.0.113.0/24', '0.0.0.0/0'] }))).toEqual([]);
    const narrowed = { ...base, apiSourceRanges: ['203.0.113.0/24'], wireguardSourceRanges: ['198.51.100.0/24'], nodePortSourceRanges: ['198.51.100.0/24'], sshSourceRanges: ['203.0.113.0/24'] };
    expect(flagged(planFirewall(narrowed))).toEqual(['control-plane kube-apiserver']);
  });
});

describe('apiOpenToAll', () => {
  test.each<[readonly string[] | undefined, boolean]>([
    [undefined, true],
    [['0.0.0.0/0'], true],
    [['203.0.113.0/24', '0.0.0.0/0'], true],
    [['203.0.113.0/24'], false],
    [[], false],
  ])('%j: %s', (ranges, open) => {
    expect(apiOpenToAll(ranges)).toBe(open);
  });
});

describe('nodeSources', () => {
  const [controlPlane] = planFirewall({ ...base, apiSourceRanges: ['203.0.113.0/24'] });
  const api = controlPlane.inbound.find((rule) => rule.key === 'kube-apiserver')!;
  const internal = controlPlane.inbound.find((rule) => rule.key === 'cluster-internal')!;
  const nodes = [
    { name: 'prod-2', address: '${aws_eip.cp_1.public_ip}' },
    { name: 'prod-1', address: '${google_compute_address.gcp_1.address}' },
  ];

  test('a rule that lets the nodes in: its ranges, then each node\'s address as a /32 in node-name order (not the order nodes came, not the references\' order)', () => {
    expect(nodeSources(api, nodes)).toEqual(['203.0.113.0/24', '${google_compute_address.gcp_1.address}/32', '${aws_eip.cp_1.public_ip}/32']);
    expect(nodeSources(api, [...nodes].reverse())).toEqual(nodeSources(api, nodes));
  });

  test('any other rule: its ranges only', () => {
    expect(nodeSources(internal, nodes)).toEqual(CLUSTER_RANGES);
  });
});
