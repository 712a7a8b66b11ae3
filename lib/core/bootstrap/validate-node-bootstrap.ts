import { ALL_CLOUDS, Cloud } from '../cloud';
import { cidrProblem } from '../cidr';
import { kubernetesVersionProblem } from '../kubernetes-version';
import { CONTROL_PLANE_KEY_SOURCES, CONTROL_PLANE_KEY_STORES, CONTROL_PLANE_ONLY_CREDENTIALS, NODE_BOOTSTRAP_KINDS, NodeBootstrapInput } from './node-bootstrap-input';
import { shellSingleQuoted } from './render-template';
import { isInterpolation, terraformTemplateParts } from './terraform-template';
import { meshBootstrapProblems } from './validate-mesh-bootstrap';

/** Kubernetes node names are DNS subdomains (the same rule as the mesh planner's). */
const NODE_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const CLUSTER_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;
const TOKEN_ID = /^[a-z0-9]{6}$/;
const TOKEN_SECRET = /^[a-z0-9]{16}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/**
 * The phone-home URL's rule, the same at synth (a plain URL, with JavaScript) and at apply (an
 * expression, with Terraform's `regex()`, which is RE2): http(s), then no whitespace, quote or
 * backslash. Written without braces: cdktf reads a `}` inside an interpolation as its end.
 */
export const PHONE_HOME_URL_PATTERN = "^https?://[^\\s'\"\\\\]+$";
/** The longest phone-home URL, at synth and at apply (a bound for the user-data size check). */
export const PHONE_HOME_URL_MAX_LENGTH = 1024;

const URL = new RegExp(PHONE_HOME_URL_PATTERN);
// Label and taint syntax (k8s.io/apimachinery validation: qualified names and label values).
const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
// The kubelet refuses --node-labels under kubernetes.io and k8s.io except these
// (k8s.io/kubernetes pkg/kubelet/apis: KubeletLabels, KubeletLabelNamespaces).
const KUBELET_LABELS = new Set([
  'kubernetes.io/hostname',
  'kubernetes.io/os',
  'kubernetes.io/arch',
  'beta.kubernetes.io/os',
  'beta.kubernetes.io/arch',
  'beta.kubernetes.io/instance-type',
  'node.kubernetes.io/instance-type',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
]);
const KUBELET_LABEL_NAMESPACES = ['kubelet.kubernetes.io', 'node.kubernetes.io'];

/** True when a value holds a Terraform expression, resolved only at apply time. */
export function isTerraformExpression(value: string): boolean {
  return value.includes('${');
}

/**
 * Every problem with a `renderNodeUserData` input, one `<prop> must be <rule>
 * (got <value>). <fix>` line each; empty when the input is valid. Secret values
 * are never quoted in a message.
 */
export function nodeBootstrapProblems(input: NodeBootstrapInput): string[] {
  const problems: string[] = [];
  const add = (problem: string): void => {
    problems.push(problem);
  };
  const controlPlane = input.kind === 'control-plane';

  if (!NODE_BOOTSTRAP_KINDS.includes(input.kind)) {
    add(`kind must be one of ${NODE_BOOTSTRAP_KINDS.join(', ')} (got ${JSON.stringify(input.kind)}). Pick the node's part in the cluster.`);
  }
  const scaled = input.scaledIdentity;
  if (scaled) {
    problems.push(...scaledIdentityProblems(input));
  } else if (typeof input.nodeName !== 'string' || !NODE_NAME.test(input.nodeName)) {
    add(`nodeName must be a lowercase DNS subdomain (a-z, 0-9, "-", "."; 1 to 253 characters) (got ${JSON.stringify(input.nodeName)}). Use the Kubernetes node name.`);
  }
  if (!ALL_CLOUDS.includes(input.cloud)) {
    add(`cloud must be one of ${ALL_CLOUDS.join(', ')} (got ${JSON.stringify(input.cloud)}). Use the Cloud enum.`);
  }
  if (!CLUSTER_NAME.test(input.clusterName ?? '')) {
    add(`clusterName must be 1-63 lowercase letters, digits or dashes, not starting or ending with a dash (got ${JSON.stringify(input.clusterName)}). Use the cluster's name.`);
  }
  const versionProblem = kubernetesVersionProblem(input.kubernetesVersion ?? '');
  if (versionProblem) add(versionProblem);

  checkConcrete('podCidr', input.podCidr, (v) => cidrProblem(v) === undefined, 'a canonical IPv4 CIDR', "Use the address plan's pod range.");
  checkConcrete('serviceCidr', input.serviceCidr, (v) => cidrProblem(v) === undefined, 'a canonical IPv4 CIDR', "Use the address plan's service range.");
  if (input.apiServerDnsName !== undefined) {
    checkConcrete('apiServerDnsName', input.apiServerDnsName, (v) => DNS_NAME.test(v), 'a lowercase DNS name, without scheme or port', 'Use the name whose A records point at the control planes, or leave it out.');
  }
  if (controlPlane) {
    const etcd = input.etcd;
    const whole = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
    if (!etcd || !whole(etcd.heartbeatIntervalMs) || !whole(etcd.electionTimeoutMs)) {
      add(`etcd must hold whole positive milliseconds for heartbeatIntervalMs and electionTimeoutMs on a control plane (got ${JSON.stringify(etcd)}). Pass etcdTimings() of the cluster.`);
    }
  } else if (input.etcd !== undefined) {
    add(`etcd must be left out on a worker (got ${JSON.stringify(input.etcd)}): workers run no etcd. Remove it.`);
  }
  if (!scaled) {
    checkConcrete('publicAddress', input.publicAddress ?? '', (v) => IPV4.test(v), 'an IPv4 address', "Use the node's static public IP.");
    // Left out, it is the private address found at boot; validate-mesh-bootstrap.ts requires it in the WireGuard modes.
    if (input.meshAddress !== undefined) checkConcrete('meshAddress', input.meshAddress, (v) => IPV4.test(v), 'an IPv4 address', "Use the node's address from allocateMeshAddresses.");
  }
  if (input.phoneHomeUrl !== undefined) {
    const url = input.phoneHomeUrl;
    checkConcrete('phoneHomeUrl', url, (v) => URL.test(v), 'an http(s) URL without spaces or quotes', 'Fix the URL or leave phoneHomeUrl out.');
    if (!isTerraformExpression(url) && url.length > PHONE_HOME_URL_MAX_LENGTH) {
      add(`phoneHomeUrl must be at most ${PHONE_HOME_URL_MAX_LENGTH} characters (got ${url.length}). Use a shorter URL.`);
    } else if (isTerraformExpression(url) && !isWholeExpression(url)) {
      add(
        `phoneHomeUrl must be a plain URL or one whole Terraform expression (got ${JSON.stringify(url)}): the node checks an expression's value at apply time, with Terraform's regex(). Build the URL in one expression (Fn.format, Fn.join), or pass it as a plain string.`,
      );
    }
  }

  for (const [key, value] of Object.entries(input.nodeLabels ?? {})) {
    const what = `nodeLabels[${JSON.stringify(key)}]`;
    const keyProblem = qualifiedNameProblem(key);
    if (keyProblem) add(`${what} key must be a qualified name ([prefix/]name) (got ${JSON.stringify(key)}: ${keyProblem}). Fix the label key.`);
    else if (!isKubeletSettableLabel(key)) {
      add(`${what} key must not be under kubernetes.io or k8s.io (got ${JSON.stringify(key)}): the kubelet may only set its own labels there (node.kubernetes.io/..., topology.kubernetes.io/region, ...). Use your own prefix, e.g. example.com/role.`);
    }
    if (typeof value !== 'string' || !LABEL_VALUE.test(value)) {
      add(`${what} must be a label value (up to 63 letters, digits, "-", "_", ".", starting and ending with a letter or digit) (got ${JSON.stringify(value)}). Fix the label value.`);
    }
  }
  (input.nodeTaints ?? []).forEach((taint, i) => {
    const what = `nodeTaints[${i}]`;
    const keyProblem = qualifiedNameProblem(taint.key ?? '');
    if (keyProblem) add(`${what}.key must be a qualified name ([prefix/]name) (got ${JSON.stringify(taint.key)}: ${keyProblem}). Fix the taint key.`);
    if (taint.value !== undefined && !LABEL_VALUE.test(taint.value)) {
      add(`${what}.value must be a label value (up to 63 letters, digits, "-", "_", ".") (got ${JSON.stringify(taint.value)}). Fix the taint value or leave it out.`);
    }
    if (!TAINT_EFFECTS.includes(taint.effect)) {
      add(`${what}.effect must be one of ${TAINT_EFFECTS.join(', ')} (got ${JSON.stringify(taint.effect)}). Use the TaintEffect enum.`);
    }
  });

  const credentials = input.credentials ?? ({} as NodeBootstrapInput['credentials']);
  checkBase64('caCertB64', credentials.caCertB64);
  // The static token: for a node that reads no token from a store. Anywhere else it must not
  // reach the user-data.
  const joinToken = input.joinToken;
  if (!joinToken) {
    if (!present(credentials.bootstrapTokenId) || (!isTerraformExpression(credentials.bootstrapTokenId) && !TOKEN_ID.test(credentials.bootstrapTokenId))) {
      add(`credentials.bootstrapTokenId must be 6 lowercase letters or digits (got ${describeSecret(credentials.bootstrapTokenId)}). Use the cluster's random_string token id.`);
    }
    if (!present(credentials.bootstrapTokenSecret) || (!isTerraformExpression(credentials.bootstrapTokenSecret) && !TOKEN_SECRET.test(credentials.bootstrapTokenSecret))) {
      add(`credentials.bootstrapTokenSecret must be 16 lowercase letters or digits (got ${describeSecret(credentials.bootstrapTokenSecret)}). Use the cluster's random_password token secret.`);
    }
  } else {
    for (const field of ['bootstrapTokenId', 'bootstrapTokenSecret'] as const) {
      if (credentials[field] !== undefined) add(`credentials.${field} must not be given to a node that reads its join token from ${joinToken.store} (got a value): the token would reach its user-data. Leave it out.`);
    }
  }
  if (joinToken !== undefined) {
    if (!(CONTROL_PLANE_KEY_STORES as readonly string[]).includes(joinToken.store)) {
      add(`joinToken.store must be one of ${CONTROL_PLANE_KEY_STORES.join(', ')} (got ${JSON.stringify(joinToken.store)}). Use a store the node can read with its cloud identity.`);
    }
    for (const [prop, value] of Object.entries(joinToken)) {
      if (prop === 'store') continue;
      checkConcrete(`joinToken.${prop}`, value as string, (v) => /^[A-Za-z0-9:/._+=@-]+$/.test(v), 'an identifier or URL of letters, digits and ":/._+=@-"', 'Pass the secret store\'s own attributes.');
    }
  }
  const keyStore = input.controlPlaneKeys;
  for (const field of CONTROL_PLANE_ONLY_CREDENTIALS) {
    const value = credentials[field];
    if (controlPlane && !keyStore) {
      checkBase64(field, value);
    } else if (value !== undefined && controlPlane) {
      add(`credentials.${field} must not be given to a control plane that reads its keys from ${keyStore!.store} (got a value): the keys would reach its user-data. Pass only caCertB64, bootstrapTokenId and bootstrapTokenSecret.`);
    } else if (value !== undefined) {
      add(`credentials.${field} must not be given to a worker (got a value): workers must not receive keys or the control plane's CAs. Pass a worker only caCertB64, bootstrapTokenId and bootstrapTokenSecret.`);
    }
  }
  if (keyStore !== undefined) {
    if (!controlPlane) add(`controlPlaneKeys must be given only to control-plane nodes (got one for ${input.kind} node ${JSON.stringify(input.nodeName ?? input.scaledIdentity?.namePrefix)}). Leave it out for workers.`);
    if (!(CONTROL_PLANE_KEY_SOURCES as readonly string[]).includes(keyStore.store)) {
      add(`controlPlaneKeys.store must be one of ${CONTROL_PLANE_KEY_SOURCES.join(', ')} (got ${JSON.stringify(keyStore.store)}). Use a store the node can read with its cloud identity, or the mesh handoff.`);
    }
    for (const [prop, value] of Object.entries(keyStore)) {
      if (prop === 'store') continue;
      checkConcrete(`controlPlaneKeys.${prop}`, value as string, (v) => /^[A-Za-z0-9:/._+=@-]+$/.test(v), 'an identifier or URL of letters, digits and ":/._+=@-"', 'Pass the secret store\'s own attributes.');
    }
  }

  if (input.spot && input.cloud === Cloud.DIGITALOCEAN) {
    add(`spot must be false on DigitalOcean (got true for node ${JSON.stringify(input.nodeName)}): DigitalOcean has no spot droplets. Remove spot from the node group.`);
  }
  if (input.mayFound !== undefined && !controlPlane) {
    add(`mayFound must be left out on a worker (got ${JSON.stringify(input.mayFound)} for node ${JSON.stringify(input.nodeName ?? input.scaledIdentity?.namePrefix)}): only a control plane founds the cluster. Remove it.`);
  }
  problems.push(...meshBootstrapProblems(input));
  problems.push(...scriptValueProblems(input, problems));
  return problems;

  /** A concrete value must satisfy `valid`; an expression must at least be one line. */
  function checkConcrete(prop: string, value: string, valid: (v: string) => boolean, rule: string, fix: string): void {
    if (!present(value)) add(`${prop} must be ${rule} (got ${JSON.stringify(value)}). ${fix}`);
    else if (value.includes('\n')) add(`${prop} must be one line (got ${JSON.stringify(value)}). ${fix}`);
    else if (!isTerraformExpression(value) && !valid(value)) add(`${prop} must be ${rule} (got ${JSON.stringify(value)}). ${fix}`);
  }

  function checkBase64(field: string, value: string | undefined): void {
    if (!present(value) || value.includes('\n') || (!isTerraformExpression(value) && !BASE64.test(value))) {
      add(`credentials.${field} must be base64 of a PEM on one line (got ${describeSecret(value)}). Pass base64encode(<the PEM>) from the cluster credentials.`);
    }
  }
}

/** True when `value` is exactly one `${...}` interpolation. */
function isWholeExpression(value: string): boolean {
  try {
    const parts = terraformTemplateParts(value);
    return parts.length === 1 && isInterpolation(parts[0]);
  } catch {
    return false;
  }
}

/**
 * Every input value that reaches a file the node's scripts source as root (/etc/cast/node.env,
 * /etc/cast/mesh.env), by prop. Each is single-quoted there (`shellSingleQuoted`, a Terraform
 * expression at apply time); the list is what docs/bootstrap.md's audit and the tests walk.
 * Numbers and booleans are written by the library (String()), and the fixed values (the
 * kubeconfig path, the identity kind) are not props.
 */
export function scriptValues(input: NodeBootstrapInput): [prop: string, value: string | undefined, secret: boolean][] {
  const stored = (prefix: string, source: object | undefined): [string, string | undefined, boolean][] =>
    Object.entries(source ?? {})
      .filter(([key]) => key !== 'store')
      .map(([key, value]) => [`${prefix}.${key}`, value as string, key === 'ticket']);
  const mesh = input.mesh;
  return [
    ['kind', input.kind, false],
    ['nodeName', input.nodeName, false],
    ['scaledIdentity.namePrefix', input.scaledIdentity?.namePrefix, false],
    ['scaledIdentity.meshClaimCidr', input.scaledIdentity?.meshClaimCidr, false],
    ['cloud', input.cloud, false],
    ['clusterName', input.clusterName, false],
    ['kubernetesVersion', input.kubernetesVersion, false],
    ['publicAddress', input.publicAddress, false],
    ['meshAddress', input.meshAddress, false],
    ['podCidr', input.podCidr, false],
    ['serviceCidr', input.serviceCidr, false],
    ['phoneHomeUrl', input.phoneHomeUrl, false],
    ['controlPlaneKeys.store', input.controlPlaneKeys?.store, false],
    ...stored('controlPlaneKeys', input.controlPlaneKeys),
    ['joinToken.store', input.joinToken?.store, false],
    ...stored('joinToken', input.joinToken),
    // mesh.env: the static join token, `<id>.<secret>`.
    ...(mesh && !input.joinToken
      ? ([
          ['credentials.bootstrapTokenId', input.credentials?.bootstrapTokenId, false],
          ['credentials.bootstrapTokenSecret', input.credentials?.bootstrapTokenSecret, true],
        ] as [string, string | undefined, boolean][])
      : []),
    ['mesh.mode', mesh?.mode, false],
    ['mesh.meshCidr', mesh?.meshCidr, false],
    ['mesh.privateCidr', mesh?.privateCidr, false],
    ['mesh.agentUrl', mesh?.agentUrl, false],
    ['mesh.agentSha256', mesh?.agentSha256, false],
  ];
}

/**
 * A value of `scriptValues` that cannot be single-quoted (a line break, a template directive...),
 * one problem each; a prop `reported` names already is left to that problem.
 */
function scriptValueProblems(input: NodeBootstrapInput, reported: readonly string[]): string[] {
  const problems: string[] = [];
  for (const [prop, value, secret] of scriptValues(input)) {
    if (typeof value !== 'string' || reported.some((problem) => problem.startsWith(`${prop} `))) continue;
    try {
      shellSingleQuoted(value);
    } catch (error) {
      const got = secret ? describeSecret(value) : JSON.stringify(value);
      problems.push(
        `${prop} must be text the node's env files can quote: no line break, carriage return or NUL, and Terraform only as whole \${...} expressions (got ${got}, which ${(error as Error).message}). Pass the plain value, or one reference.`,
      );
    }
  }
  return problems;
}

/** Longest AWS scaled-node name prefix: `<prefix>-i-<17 hex>` must stay a 63-character DNS label. */
export const MAX_SCALED_NAME_PREFIX = 63 - '-i-0123456789abcdef0'.length;
const NAME_PREFIX = new RegExp(`^[a-z]([-a-z0-9]{0,${MAX_SCALED_NAME_PREFIX - 2}}[a-z0-9])?$`);

/** A node whose identity is found at boot: a worker, nothing static given, a valid prefix and claim block. */
function scaledIdentityProblems(input: NodeBootstrapInput): string[] {
  const problems: string[] = [];
  const scaled = input.scaledIdentity!;
  if (input.kind !== 'worker') {
    problems.push(`scaledIdentity must be given only to workers (got one for a ${input.kind} node): control-plane nodes are never autoscaled. Leave it out.`);
  }
  for (const prop of ['nodeName', 'publicAddress', 'meshAddress'] as const) {
    if (input[prop] !== undefined) {
      problems.push(`${prop} must be left out with scaledIdentity (got ${JSON.stringify(input[prop])}): a scaled node finds it at boot. Remove it.`);
    }
  }
  if (!NAME_PREFIX.test(scaled.namePrefix ?? '')) {
    problems.push(
      `scaledIdentity.namePrefix must be a lowercase DNS label of at most ${MAX_SCALED_NAME_PREFIX} characters (got ${JSON.stringify(scaled.namePrefix)}): AWS node names are <prefix>-<instance id>. Use a shorter cluster name or group id.`,
    );
  }
  if (scaled.meshClaimCidr !== undefined && cidrProblem(scaled.meshClaimCidr) !== undefined) {
    problems.push(`scaledIdentity.meshClaimCidr must be a canonical IPv4 CIDR (got ${JSON.stringify(scaled.meshClaimCidr)}). Use the group's block of the mesh range.`);
  }
  return problems;
}

function present(value: string | undefined): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** How a message names a credential without quoting it. */
function describeSecret(value: string | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === '') return 'an empty string';
  return `a value of ${value.length} characters`;
}

/** Why `key` is not a Kubernetes qualified name, or undefined when it is. */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'more than one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && !DNS_NAME.test(prefix)) return 'the prefix is not a lowercase DNS subdomain';
  if (!LABEL_NAME.test(name)) return 'the name is not 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit';
  return undefined;
}

/** Whether the kubelet accepts `key` in --node-labels (it refuses most of kubernetes.io and k8s.io). */
function isKubeletSettableLabel(key: string): boolean {
  const namespace = key.includes('/') ? key.split('/')[0] : '';
  const kubernetesOwned = ['kubernetes.io', 'k8s.io'].some((ns) => namespace === ns || namespace.endsWith(`.${ns}`));
  if (!kubernetesOwned || KUBELET_LABELS.has(key)) return true;
  return KUBELET_LABEL_NAMESPACES.some((ns) => namespace === ns || namespace.endsWith(`.${ns}`));
}
