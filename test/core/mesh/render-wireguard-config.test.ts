import { Cloud } from '../../../lib/core/cloud';
import { MeshMode, planMesh, renderWireGuardConfig } from '../../../lib/core/mesh';
import { NodeRole } from '../../../lib/core/node-role';
import { meshNode, meshNodes } from './mesh-nodes';

const pair = [meshNode('aws-cp-0', Cloud.AWS, 10, NodeRole.CONTROL_PLANE), meshNode('gcp-w-1', Cloud.GCP, 11)];
const keys = { privateKey: 'cHJpdmF0ZS1rZXktb2YtYXdzLWNwLTAtLS0tLS0tLS0=', publicKeyOf: (name: string) => `{{wg-public-key:${name}}}` };

/** The sections of a config as wg(8) reads them: `[Interface]`/`[Peer]` with key = value pairs, comments dropped. */
function parseWgConfig(text: string): { section: string; values: Record<string, string> }[] {
  const sections: { section: string; values: Record<string, string> }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    if (/^\[\w+\]$/.test(line)) sections.push({ section: line, values: {} });
    else {
      const [key, ...value] = line.split('=');
      sections[sections.length - 1].values[key.trim()] = value.join('=').trim();
    }
  }
  return sections;
}

describe('renderWireGuardConfig', () => {
  test('full mesh: the exact wg setconf text', () => {
    const plan = planMesh({ nodes: pair, mode: MeshMode.FULL_MESH });
    expect(renderWireGuardConfig(plan, 'aws-cp-0', keys)).toBe(
      [
        '# aws-cp-0: mesh address 10.4.13.211, full-mesh',
        '[Interface]',
        'PrivateKey = cHJpdmF0ZS1rZXktb2YtYXdzLWNwLTAtLS0tLS0tLS0=',
        'ListenPort = 51820',
        '',
        '[Peer]',
        '# gcp-w-1',
        'PublicKey = {{wg-public-key:gcp-w-1}}',
        'Endpoint = 198.18.0.11:51820',
        'AllowedIPs = 10.4.176.200/32, 10.244.11.0/24',
        'PersistentKeepalive = 25',
        '',
      ].join('\n'),
    );
  });

  test('structure: one Interface, then one Peer per plan peer, with the plan\'s values', () => {
    const plan = planMesh({ nodes: meshNodes(9), mode: MeshMode.CROSS_LOCATION, listenPort: 4500 });
    for (const node of plan.nodes) {
      const sections = parseWgConfig(renderWireGuardConfig(plan, node.name, keys));
      expect(sections[0]).toEqual({ section: '[Interface]', values: { PrivateKey: keys.privateKey, ListenPort: '4500' } });
      expect(sections.slice(1)).toEqual(
        node.peers.map((peer) => ({
          section: '[Peer]',
          values: { PublicKey: `{{wg-public-key:${peer.name}}}`, Endpoint: peer.endpoint, AllowedIPs: peer.allowedIps.join(', '), PersistentKeepalive: '25' },
        })),
      );
    }
  });

  test('a non-gateway in cross-location mode has an Interface section only', () => {
    const plan = planMesh({ nodes: meshNodes(8), mode: MeshMode.CROSS_LOCATION });
    const worker = plan.nodes.find((node) => !node.gateway)!;
    expect(parseWgConfig(renderWireGuardConfig(plan, worker.name, keys)).map((s) => s.section)).toEqual(['[Interface]']);
  });

  test('without a private key there is no PrivateKey line; keepalive 0 drops PersistentKeepalive', () => {
    const plan = planMesh({ nodes: pair, mode: MeshMode.FULL_MESH, persistentKeepalive: 0 });
    const text = renderWireGuardConfig(plan, 'gcp-w-1', { publicKeyOf: () => 'K' });
    expect(text).not.toMatch(/PrivateKey|PersistentKeepalive/);
    expect(parseWgConfig(text)[1].values).toEqual({ PublicKey: 'K', Endpoint: '198.18.0.10:51820', AllowedIPs: '10.4.13.211/32, 10.244.10.0/24' });
  });

  describe('bad input', () => {
    const plan = planMesh({ nodes: pair, mode: MeshMode.FULL_MESH });
    test('a public key with a new line', () => {
      expect(() => renderWireGuardConfig(plan, 'aws-cp-0', { publicKeyOf: () => 'abc\nEndpoint = 6.6.6.6:1' })).toThrow(
        new Error('publicKeyOf("gcp-w-1") must be a key without whitespace or "#" (got "abc\\nEndpoint = 6.6.6.6:1"). Pass the output of `wg pubkey` or a placeholder.'),
      );
    });
    test('a bad private key is refused without echoing it', () => {
      expect(() => renderWireGuardConfig(plan, 'aws-cp-0', { privateKey: 'secret value', publicKeyOf: () => 'K' })).toThrow(
        new Error('privateKey must be a key without whitespace or "#" (got a value that has some). Pass the output of `wg genkey` or a placeholder.'),
      );
    });
    test('a node that is not in the plan', () => {
      expect(() => renderWireGuardConfig(plan, 'nope', keys)).toThrow(
        new Error('nodeName must be a node of the plan (got "nope"). Render only nodes that were passed to planMesh.'),
      );
    });
    test('a cloud-network plan', () => {
      const cloudOnly = planMesh({ nodes: meshNodes(2, [Cloud.AWS]), mode: MeshMode.CLOUD_NETWORK });
      expect(() => renderWireGuardConfig(cloudOnly, 'aws-cp-0', keys)).toThrow(
        new Error(
          'plan.mode must be full-mesh or cross-location to render a WireGuard config (got cloud-network). Cloud-network nodes run no WireGuard interface; render only their interface setup.',
        ),
      );
    });
  });
});
