/**
 * For the translator tests: a real cluster synthesized by the library (one control plane
 * and one worker on the cloud under test) and a resolver that gives every expression it
 * is asked for an address of its own, so tests see which addresses a translator asked for.
 */
import { TerraformStack, Testing } from 'cdktf';
import { NodeFirewall, Resolve, TerraformJson } from './rules';
import { verdictOf } from './verdict';
import { CastCluster } from '../../../lib/cluster/cast-cluster';
import { formatAddress, parseCidr } from '../../../lib/core/cidr';
import { Cloud } from '../../../lib/core/cloud';
import { NodeRole } from '../../../lib/core/node-role';

/** Who may reach the API in the test clusters (TEST-NET-3, RFC 5737). */
export const API_SOURCE = '203.0.113.0/24';

/**
 * Synthesizes a cluster spanning `clouds` with a control plane `cp` and a worker `w` on
 * `clouds[0]`; a second cloud makes the cluster use WireGuard between clouds.
 */
export function synthCluster(clouds: readonly Cloud[]): TerraformJson {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'twin');
  const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [...clouds], firewall: { apiSourceRanges: [API_SOURCE] } });
  cluster.addNodeGroup('cp', { cloud: clouds[0], role: NodeRole.CONTROL_PLANE });
  cluster.addNodeGroup('w', { cloud: clouds[0], role: NodeRole.WORKER });
  return JSON.parse(Testing.synth(stack)) as TerraformJson;
}

/** Hands out an address per expression: private-looking attributes from 10.99.0.0/16, others from 198.18.0.0/16. */
export class AddressBook {
  private readonly given = new Map<string, string>();

  /** The resolver to pass to a translator. */
  readonly resolve: Resolve = (expression) => {
    const known = this.given.get(expression);
    if (known) return known;
    const n = this.given.size + 10;
    const address = /private|network_ip/.test(expression) ? `10.99.${n >> 8}.${n & 255}` : `198.18.${n >> 8}.${n & 255}`;
    this.given.set(expression, address);
    return address;
  };

  /** The expressions asked for so far, sorted. */
  asked(): string[] {
    return [...this.given.keys()].sort();
  }
}

/** A deep copy of a stack, to edit into a bad input. */
export function copyStack(stack: TerraformJson): { resource: Record<string, Record<string, Record<string, unknown>>> } & Record<string, unknown> {
  return JSON.parse(JSON.stringify(stack));
}

/** The one firewall whose VM has `vmName`. */
export function firewallOf<T extends { vmName: string }>(firewalls: readonly T[], vmName: string): T {
  const found = firewalls.filter((firewall) => firewall.vmName === vmName);
  if (found.length !== 1) throw new Error(`expected one firewall for ${vmName}, got ${found.map((f) => f.vmName).join(', ') || 'none'}`);
  return found[0];
}

/** The `host`-th address of a CIDR given as a JSON value (a VPC's range). */
export function hostIn(cidr: unknown, host: number): string {
  if (typeof cidr !== 'string') throw new Error(`not a CIDR: ${JSON.stringify(cidr)}`);
  return formatAddress(parseCidr(cidr).network + host);
}

/** An address in no range of the synthesized clusters (TEST-NET-2). */
export const OUTSIDER = '198.51.100.7';

/**
 * The tests every cloud's translation must pass on a synthesized cluster's two roles: the API
 * port from apiSourceRanges on the control plane only, WireGuard's port from anywhere on both,
 * NodePorts on workers only.
 */
export function testRoleRules(cp: NodeFirewall, worker: NodeFirewall): void {
  test('the API port is open to apiSourceRanges on the control plane only', () => {
    expect(verdictOf(cp, { source: '203.0.113.7', protocol: 'tcp', port: 6443 }).action).toBe('accept');
    expect(verdictOf(cp, { source: OUTSIDER, protocol: 'tcp', port: 6443 }).action).toBe('drop');
    expect(verdictOf(worker, { source: '203.0.113.7', protocol: 'tcp', port: 6443 }).action).toBe('drop');
    expect(cp.rules.find((rule) => rule.fromPort === 6443)).toMatchObject({ action: 'accept', protocol: 'tcp', sources: expect.arrayContaining([API_SOURCE]) });
  });

  test("WireGuard's UDP port is open on both roles from anywhere; NodePorts on workers only", () => {
    for (const firewall of [cp, worker]) expect(verdictOf(firewall, { source: OUTSIDER, protocol: 'udp', port: 51820 }).action).toBe('accept');
    expect(verdictOf(worker, { source: OUTSIDER, protocol: 'tcp', port: 30080 }).action).toBe('accept');
    expect(verdictOf(cp, { source: OUTSIDER, protocol: 'tcp', port: 30080 }).action).toBe('drop');
  });
}
