import { Cloud } from '../cloud';
import { PlanError } from '../plan-error';
import { HELD_PACKAGES, renderKubernetesToolPins, renderTrustKubernetesKey } from '../supply';
import { compactScript, compactTemplateFile } from './compact-script';
import { CONTROL_PLANE_KEY_FILES } from './control-plane-keys';
import { renderDiscoveryKubeconfig, renderKubeadmFiles } from './kubeadm-config';
import { renderMeshFiles } from './mesh-files';
import { MeshHandoff, NodeBootstrapInput, StoredSecret } from './node-bootstrap-input';
import { renderTemplateFile, unescapeTerraformTemplate } from './render-template';
import { renderYaml, YamlValue } from './render-yaml';
import { TemplateInterpolation, terraformTemplateParts } from './terraform-template';
import { isTerraformExpression, nodeBootstrapProblems, PHONE_HOME_URL_MAX_LENGTH, PHONE_HOME_URL_PATTERN } from './validate-node-bootstrap';
import { cloudInitFiles, NodeFile, staticFile, textFile as text, WriteFile } from './write-file';

export type { ControlPlaneKeySource, JoinTokenSource, MeshHandoff, NodeBootstrapCredentials, StoredSecret, NodeBootstrapInput, NodeBootstrapKind, NodeBootstrapMesh, NodeBootstrapTaint } from './node-bootstrap-input';
export { CONTROL_PLANE_KEY_STORES, NODE_BOOTSTRAP_KINDS } from './node-bootstrap-input';
export { CONTROL_PLANE_KEY_BUNDLE_SCHEMA, CONTROL_PLANE_KEY_FILES, controlPlaneKeyBundle } from './control-plane-keys';

/** Where the node keeps what the bootstrap writes (kubeadm's own files stay under /etc/kubernetes). */
const CAST_DIR = '/etc/cast';
const BIN_DIR = '/opt/cast/bin';
const PKI_DIR = '/etc/kubernetes/pki';

/** Clouds whose spot notice only reaches the VM itself; AWS's goes to EventBridge. */
const IN_NODE_SPOT_NOTICE: readonly Cloud[] = [Cloud.GCP, Cloud.AZURE];

/**
 * The user-data of one node: a `#cloud-config` document that writes the
 * node's configuration, credentials and scripts, then runs
 * `/opt/cast/bin/bootstrap-node.sh <kind>`.
 *
 * The result is a Terraform template string: every `${` and `%{` of the
 * templates is escaped (`$${`, `%%{`) and the input values, which may be
 * Terraform expressions, appear verbatim. Throws a `PlanError` listing every
 * problem of the input.
 */
export function renderNodeUserData(input: NodeBootstrapInput): string {
  const problems = nodeBootstrapProblems(input);
  if (problems.length > 0) throw new PlanError(problems);

  const kubeadm = renderKubeadmFiles(input);
  const files: NodeFile[] = [
    text(`${CAST_DIR}/node.env`, '0600', renderNodeEnv(input)),
    ...pkiFiles(input),
    ...Object.entries(kubeadm).map(([name, content]) => text(`${CAST_DIR}/${name}`, '0600', compactScript(content as string))),
    text(`${CAST_DIR}/discovery.conf`, '0600', compactScript(renderDiscoveryKubeconfig(input))),
  ];
  if (input.kind === 'control-plane') {
    // Every control plane applies them as it comes up: no node is special after the first boot.
    files.push(staticFile(`${CAST_DIR}/manifests/cast-rbac.yaml`, '0644', compactStaticTemplate('kubernetes/cast-rbac.yaml')));
  }
  // What the user-data cannot hold is read from the metadata service first: a scaled node's
  // name, public address and provider id; the private address of a node without a mesh
  // address (cloud-network mode), an attribute of its own VM: its own user-data holding it
  // would be a Terraform dependency cycle (VM -> user-data -> VM).
  // The seeds (the control planes' public addresses) come from metadata too: they change
  // in place when control planes come and go, and user-data holding them would not.
  const script = (name: string): NodeFile => staticFile(`${BIN_DIR}/${name}`, '0755', compactStaticTemplate(`scripts/${name}`));
  const unit = (name: string): NodeFile => staticFile(`/etc/systemd/system/${name}`, '0644', compactStaticTemplate(`systemd/${name}`));
  files.push(script('cloud-metadata.sh'), script('api-seeds.sh'));
  if (input.scaledIdentity) files.push(script('node-identity.sh'));
  if (input.meshAddress === undefined && input.scaledIdentity?.meshClaimCidr === undefined) files.push(script('node-private-address.sh'));
  files.push(script('kubernetes-version.sh'), staticFile(`${BIN_DIR}/install-kubernetes.sh`, '0755', installKubernetesScript()), script('bootstrap-node.sh'));
  files.push(staticFile(UNATTENDED_UPGRADES_FILE, '0644', unattendedUpgradesConfig()));
  files.push(script('metadata-guard.sh'), unit('cast-metadata-guard.service'));
  if (input.spot && IN_NODE_SPOT_NOTICE.includes(input.cloud)) {
    files.push(script('spot-handler.sh'), unit('cast-spot-handler.service'));
  }
  if (input.mesh) files.push(...renderMeshFiles(input, input.mesh));

  // Except on AWS, the static files come as one archive, which runcmd unpacks first.
  const { writeFiles, runFirst } = cloudInitFiles(input.cloud, files);
  const document: YamlValue = {
    write_files: writeFiles.map(({ path, permissions, encoding, content }): YamlValue => (encoding ? { path, permissions, encoding, content } : { path, permissions, content })),
    runcmd: [...runFirst, [`${BIN_DIR}/bootstrap-node.sh`, input.kind]],
  };
  return `#cloud-config\n${renderYaml(document)}`;
}

/** /etc/cast/node.env: the node's facts, sourced by the scripts (and by the mesh hook). */
function renderNodeEnv(input: NodeBootstrapInput): string {
  const scaled = input.scaledIdentity;
  return renderTemplateFile('cast/node.env', {
    identity: scaled ? 'from-metadata' : 'static',
    node_name: input.nodeName ?? '',
    node_name_prefix: scaled?.namePrefix ?? '',
    mesh_claim_cidr: scaled?.meshClaimCidr ?? '',
    node_role: input.kind,
    cloud: input.cloud,
    cluster_name: input.clusterName,
    founding_kubernetes_version: mayFound(input) ? input.kubernetesVersion : '',
    public_address: input.publicAddress ?? '',
    mesh_address: input.meshAddress ?? '',
    pod_cidr: input.podCidr,
    service_cidr: input.serviceCidr,
    phone_home_url: phoneHomeUrlValue(input.phoneHomeUrl),
    ...storedSecretEnv('keys', input.controlPlaneKeys),
    ...storedSecretEnv('join_token', input.joinToken),
  });
}

/** Whether the node may found the cluster, and so carries the release it founds it with. */
function mayFound(input: NodeBootstrapInput): boolean {
  return input.kind === 'control-plane' && input.mayFound !== false;
}

/** Where a node's unattended-upgrades settings go (apt reads /etc/apt/apt.conf.d in name order; 50unattended-upgrades is the image's). */
export const UNATTENDED_UPGRADES_FILE = '/etc/apt/apt.conf.d/52cast-unattended-upgrades';

/** The values of install-kubernetes.sh's placeholders: the pins of lib/core/supply.ts. */
export function installKubernetesValues(): Record<string, string> {
  return {
    trust_kubernetes_key: renderTrustKubernetesKey(),
    kubernetes_tool_pins: renderKubernetesToolPins(),
    held_packages: HELD_PACKAGES.join(' '),
  };
}

/** install-kubernetes.sh as every node gets it: the pins rendered in, full-line comments dropped. */
export function installKubernetesScript(): string {
  INSTALL_KUBERNETES ??= compactScript(unescapeTerraformTemplate(renderTemplateFile('scripts/install-kubernetes.sh', installKubernetesValues())));
  return INSTALL_KUBERNETES;
}
let INSTALL_KUBERNETES: string | undefined;

/**
 * /etc/apt/apt.conf.d/52cast-unattended-upgrades: security updates on, no reboot, the held
 * packages never upgraded. The node's copy without the template's `//` comment lines (AWS
 * counts every byte of the document: 16 KB of gzip).
 */
export function unattendedUpgradesConfig(): string {
  // Entries are Python regular expressions matched at the start of a name: `$` ends them.
  const text = unescapeTerraformTemplate(renderTemplateFile('apt/52cast-unattended-upgrades', { package_blacklist: HELD_PACKAGES.map((name) => `  "${name}$";`).join('\n') }));
  return text
    .split('\n')
    .filter((line) => !line.startsWith('//'))
    .join('\n');
}

/**
 * The phone-home URL as node.env gets it. A Terraform expression (validation has checked it is
 * one whole `${...}`) is checked by Terraform at apply time with the rule a plain URL meets at
 * synth: `regex()` fails the apply unless the value matches PHONE_HOME_URL_PATTERN, and indexing
 * a one-element list with 1 fails it when the value is longer than PHONE_HOME_URL_MAX_LENGTH
 * (Terraform language, "regex" and "Indices and Attributes"). The value is then known to hold no
 * quote, and the size check counts it at that length.
 */
export function phoneHomeUrlValue(url: string | undefined): string {
  if (url === undefined || !isTerraformExpression(url)) return url ?? '';
  // A cdktf token stays whole inside (terraform-template.ts).
  const [whole] = terraformTemplateParts(url) as TemplateInterpolation[];
  const e = whole.token ? url : whole.expression;
  return `\${${phoneHomeUrlCheck(e)}}`;
}

/** The apply-time check of a phone-home URL expression `e` (user-data-size.ts recognises it). */
export function phoneHomeUrlCheck(e: string): string {
  return `regex(${JSON.stringify(PHONE_HOME_URL_PATTERN)}, [${e}][length(${e}) > ${PHONE_HOME_URL_MAX_LENGTH} ? 1 : 0])`;
}

/**
 * node.env's CAST_KEYS_* (where `cast-control-plane-keys` reads the keys; empty: in the
 * user-data) or CAST_JOIN_TOKEN_* (where `cast-join-token` reads the token; empty: the static
 * token is in the user-data).
 */
function storedSecretEnv(prefix: 'keys' | 'join_token', source: StoredSecret | MeshHandoff | undefined): Record<string, string> {
  const env = (store: string, secret: string, region = '', clientId = '') => ({
    [`${prefix}_store`]: store,
    [`${prefix}_secret`]: secret,
    [`${prefix}_region`]: region,
    [`${prefix}_client_id`]: clientId,
  });
  switch (source?.store) {
    case undefined:
      return env('', '');
    case 'aws-secrets-manager':
      return env(source.store, source.secretId, source.region);
    case 'gcp-secret-manager':
      return env(source.store, source.secretVersion);
    case 'azure-key-vault':
      return env(source.store, source.secretUrl, '', source.identityClientId);
    case 'mesh-handoff':
      // The ticket: node.env is 0600, and the ticket is spent once the keys are handed over.
      return env(source.store, source.ticket);
  }
}

/**
 * The CAs and the service-account key pair, where kubeadm looks for them, so it
 * signs with the cluster's CAs instead of creating new ones. Control-plane
 * kinds only: a worker never receives a key. A control plane that reads its
 * keys from a secret store (`controlPlaneKeys`) gets the CA certificate alone
 * here; `cast-control-plane-keys fetch` writes the rest at boot.
 */
function pkiFiles(input: NodeBootstrapInput): WriteFile[] {
  if (input.kind !== 'control-plane') return [];
  const c = input.credentials;
  const pem = (path: string, permissions: string, b64: string | undefined): WriteFile => ({ path: `${PKI_DIR}/${path}`, permissions, encoding: 'b64', content: b64 ?? '' });
  const caCert = pem('ca.crt', '0644', c.caCertB64);
  if (input.controlPlaneKeys) return [caCert];
  // Validation has checked that a control plane without a key store has every credential.
  return [caCert, ...CONTROL_PLANE_KEY_FILES.map((file) => pem(file.path, file.permissions, c[file.field]))];
}

/**
 * A template without placeholders (the scripts read their values from node.env), as the
 * node gets it, full-line comments dropped. Rendering with no values checks that it has
 * no placeholders; the text is then the file's own (compactTemplateFile, made once).
 */
function compactStaticTemplate(relativePath: string): string {
  if (!CHECKED.has(relativePath)) {
    renderTemplateFile(relativePath, {});
    CHECKED.add(relativePath);
  }
  return compactTemplateFile(relativePath);
}

const CHECKED = new Set<string>();
