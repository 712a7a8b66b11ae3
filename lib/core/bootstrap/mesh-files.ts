import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Cloud } from '../cloud';
import { WIREGUARD_TOOLS_PIN } from '../supply';
import { compactScript, compactTemplateFile } from './compact-script';
import { KEY_STORE_MODULE, KEY_STORE_OF_CLOUD } from './control-plane-keys';
import { NodeBootstrapInput, NodeBootstrapMesh } from './node-bootstrap-input';
import { renderTemplateFile, unescapeTerraformTemplate } from './render-template';
import { readTemplateFile, templatesDirectory } from './template-files';
import { NodeFile, staticFile, textFile } from './write-file';

/** Where the agent lives on the node: the same layout as `templates/mesh/agent`, so it imports its modules from beside itself. */
export const MESH_AGENT_DIR = '/opt/cast/mesh';

/**
 * The mesh files of a node (`templates/mesh/`): its settings, the hook
 * `bootstrap-node.sh` runs before kubeadm, the agent and its unit.
 *
 * | path | from |
 * |---|---|
 * | /etc/cast/mesh.env (0600: the bootstrap token) | mesh.env, rendered |
 * | /opt/cast/bin/mesh-up.sh | mesh-up.sh |
 * | /opt/cast/mesh/cast-mesh-agent, cast-api-proxy, castmesh/*.py, 10-cast.conflist | agent/, as they are (the agent fills the CNI template's `{{pod_cidr}}`); without agentUrl |
 * | /etc/systemd/system/cast-mesh-agent.service | cast-mesh-agent.service |
 * | /etc/systemd/system/cast-api-proxy.service | cast-api-proxy.service |
 * | /etc/systemd/system/cast-node-gc.service | cast-node-gc.service; control planes on AWS, GCP, Azure |
 * | /etc/systemd/system/cast-join-token.service, .timer | cast-join-token.*; control planes that rotate the join token |
 */
export function renderMeshFiles(input: NodeBootstrapInput, mesh: NodeBootstrapMesh): NodeFile[] {
  const node = { cloud: input.cloud, controlPlane: input.kind === 'control-plane', joinToken: input.joinToken !== undefined, keySource: input.controlPlaneKeys?.store };
  const nodeGc = wantedOn('cast-node-gc', node);
  const rotates = node.controlPlane && node.joinToken;
  return [
    textFile('/etc/cast/mesh.env', '0600', renderMeshEnv(input, mesh)),
    staticFile('/opt/cast/bin/mesh-up.sh', '0755', meshUpScript()),
    // With agentUrl, mesh-up.sh downloads the same files (meshAgentArchive) and checks their hash.
    ...(mesh.agentUrl !== undefined
      ? []
      : meshAgentFiles(node).map(({ relativePath, executable, template }) => {
          return staticFile(`${MESH_AGENT_DIR}/${relativePath}`, executable ? '0755' : '0644', relativePath.endsWith('.conflist') ? readTemplateFile(template) : compactTemplateFile(template));
        })),
    staticFile('/etc/systemd/system/cast-mesh-agent.service', '0644', compactTemplateFile('mesh/cast-mesh-agent.service')),
    staticFile('/etc/systemd/system/cast-api-proxy.service', '0644', compactTemplateFile('mesh/cast-api-proxy.service')),
    // bootstrap-node.sh starts it once the control plane has joined (the unit needs admin.conf).
    ...(nodeGc ? [staticFile('/etc/systemd/system/cast-node-gc.service', '0644', compactTemplateFile('mesh/cast-node-gc.service'))] : []),
    // Control planes with a store hand the keys to those without one (started once joined).
    ...(wantedOn('cast-key-handoff', node) ? [staticFile('/etc/systemd/system/cast-key-handoff.service', '0644', compactTemplateFile('mesh/cast-key-handoff.service'))] : []),
    // Started by bootstrap-node.sh once the control plane has founded or joined the cluster.
    ...(rotates
      ? ['cast-join-token.service', 'cast-join-token.timer'].map((unit) => staticFile(`/etc/systemd/system/${unit}`, '0644', compactTemplateFile(`mesh/${unit}`)))
      : []),
  ];
}

/**
 * The node's tools, by path under /opt/cast/mesh: the files of `templates/mesh/agent`
 * (the agent and the API proxy, their Python modules, the CNI template), and
 * etcd-remove-member.sh, which an operator runs on a control plane later and which
 * thus travels with them rather than in AWS's 16 KB of user-data.
 *
 * `node` narrows them to what that node runs (`wantedOn`): control planes on clouds
 * whose VMs have an identity get the key reader, cast-node-gc and the inventory, for
 * their own cloud only; nodes that read the join token from a store get its reader and
 * that store's module. DigitalOcean's user-data, the tightest, carries none of them.
 * @param node the node the files are for; absent: every file (the AWS download serves every AWS node)
 */
export function meshAgentFiles(node?: AgentFilesFor): { relativePath: string; executable: boolean; template: string }[] {
  const agent = (relativePath: string, executable: boolean) => ({ relativePath, executable, template: `mesh/agent/${relativePath}` });
  const wanted = (name: string) => node === undefined || wantedOn(name, node);
  const modules = readdirSync(join(templatesDirectory(), 'mesh/agent/castmesh'))
    .filter((name) => name.endsWith('.py') && wanted(name))
    .sort()
    .map((name) => agent(`castmesh/${name}`, false));
  const executables = ['cast-mesh-agent', 'cast-api-proxy', 'cast-control-plane-keys', 'cast-node-gc', 'cast-join-token', 'cast-key-handoff'].filter(wanted);
  return [
    ...executables.map((name) => agent(name, true)),
    ...modules,
    agent('10-cast.conflist', false),
    { relativePath: 'etcd-remove-member.sh', executable: true, template: 'scripts/etcd-remove-member.sh' },
  ];
}

/** The node a set of agent files is for. */
export interface AgentFilesFor {
  readonly cloud: Cloud;
  readonly controlPlane: boolean;
  /** Whether it reads the join token from its cloud's store (NodeBootstrapInput.joinToken). @default false */
  readonly joinToken?: boolean;
  /** A control plane: where it gets its keys (NodeBootstrapInput.controlPlaneKeys.store). @default - in its user-data */
  readonly keySource?: string;
}

/** Whether a file of templates/mesh/agent (an executable, or a module under castmesh/) is one that node runs. */
function wantedOn(name: string, { cloud, controlPlane, joinToken, keySource }: AgentFilesFor): boolean {
  const store = KEY_STORE_OF_CLOUD[cloud];
  // The store's client is shared by the key reader (control planes) and the join token's (every node with a store).
  const usesStore = store !== undefined && (controlPlane || joinToken === true);
  const handedOver = controlPlane && keySource === 'mesh-handoff';
  if (name === 'cast-control-plane-keys') return controlPlane && (store !== undefined || handedOver);
  if (name === 'cast-join-token' || name === 'join_token.py') return store !== undefined && joinToken === true;
  // The handoff's server, on control planes with a store: the ones without one fetch from it.
  if (name === 'cast-key-handoff' || name === 'handoff.py') return controlPlane && store !== undefined;
  if (name === 'keys.py') return usesStore || handedOver;
  if (name === 'keys_handoff.py') return handedOver;
  if (name.startsWith('keys_')) return usesStore && name === KEY_STORE_MODULE[store!];
  // Node GC asks the control plane's own cloud, with its identity, as the key reader does:
  // not on DigitalOcean, where control planes of the other clouds collect the claims.
  if (name === 'cast-node-gc' || name === 'node_gc.py') return controlPlane && store !== undefined;
  if (name.startsWith('inventory_')) return controlPlane && store !== undefined && name === `inventory_${cloud}.py`;
  return true;
}

function renderMeshEnv(input: NodeBootstrapInput, mesh: NodeBootstrapMesh): string {
  return renderTemplateFile('mesh/mesh.env', {
    mode: mesh.mode,
    mesh_cidr: mesh.meshCidr,
    listen_port: String(mesh.listenPort),
    // Empty: the agent computes the WireGuard MTU from the clouds of the records (docs/mesh.md, "MTU").
    mtu: mesh.mtu === undefined ? '' : String(mesh.mtu),
    persistent_keepalive: String(mesh.persistentKeepalive),
    gateways_per_cloud: String(mesh.gatewaysPerCloud),
    gateway: mesh.gateway === undefined ? '' : String(mesh.gateway),
    private_cidr: mesh.privateCidr ?? '',
    // Before it registers, a node of an autoscaled group claims its mesh address with the
    // bootstrap token; records are written later with the kubelet's own credentials.
    kubeconfig: '/etc/cast/discovery.conf',
    // A node with a store reads its token at boot into /etc/cast/join-token (the agent reads that file).
    token: input.joinToken ? '' : `${input.credentials.bootstrapTokenId}.${input.credentials.bootstrapTokenSecret}`,
    agent_url: mesh.agentUrl ?? '',
    agent_sha256: mesh.agentSha256 ?? '',
  });
}

/** mesh-up.sh as every node gets it: the WireGuard tools' pin (lib/core/supply.ts) rendered in, full-line comments dropped. */
export function meshUpScript(): string {
  MESH_UP ??= compactScript(unescapeTerraformTemplate(renderTemplateFile('mesh/mesh-up.sh', meshUpValues())));
  return MESH_UP;
}
let MESH_UP: string | undefined;

/** The values of mesh-up.sh's placeholders. */
export function meshUpValues(): Record<string, string> {
  return { wireguard_tools_version: WIREGUARD_TOOLS_PIN.version };
}
