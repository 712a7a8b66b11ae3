/**
 * Every manifest the library puts in the cluster through the cast-manifests chart (the
 * cluster's releases of lib/core/in-cluster, the ingress's and the middleware's), and
 * those of examples/app, as the API server gets them (Terraform's expressions resolved,
 * its unescaping, then YAML), is valid against the schema of its kind: the built-in
 * kinds from Kubernetes 1.34's OpenAPI documents (test/fixtures/kubernetes/), the custom
 * ones from their CRDs (test/fixtures/crds/), with unknown fields rejected.
 *
 * Inputs are the fixtures of each renderer's own tests, with every optional part on
 * (the autoscaler on two clouds, a PodMonitor, backups to two stores).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { resolveAutoscalingPolicy } from '../../lib/core/autoscaling/autoscaling-policy';
import { BackupTarget } from '../../lib/core/backup/backup-targets';
import { renderEtcdBackupManifests } from '../../lib/core/backup/etcd-backup-manifests';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { renderCertRenewalManifests } from '../../lib/core/certificates/cert-renewal-manifests';
import { renderKubeletServingApproverManifests } from '../../lib/core/certificates/kubelet-serving-approver';
import { Cloud } from '../../lib/core/cloud';
import { planInClusterReleases } from '../../lib/core/in-cluster/in-cluster-releases';
import { planIngress } from '../../lib/core/ingress/ingress-plan';
import { renderCertificates, renderClusterIssuer, renderGatewayManifests, renderPodMonitors } from '../../lib/core/ingress/render-in-cluster';
import { planMiddleware } from '../../lib/core/middleware/middleware-plan';
import { renderMiddlewareManifests } from '../../lib/core/middleware/render-middleware';
import { planOsPatching, renderOsPatchingManifests } from '../../lib/core/os-patching/os-patching';
import { renderUpgradeManifests } from '../../lib/core/upgrade/upgrade-manifests';
import { checkCustomResource, vendoredCrd } from '../ingress/crd-schema';
import { AUTOSCALED_AWS, AUTOSCALED_AZURE } from '../core/autoscaling/autoscaled-clouds';
import { CLUSTER_LABELS, INGRESS_INPUT } from '../core/ingress/ingress-plan-fixture';
import { MIDDLEWARE_INPUT } from '../core/middleware/middleware-plan-fixture';

// test/core/autoscaling/autoscaled-clouds.ts
const AWS = AUTOSCALED_AWS;
const AZURE = AUTOSCALED_AZURE;
// test/backup/etcd-backup-plan.test.ts
const BACKUP_TARGETS: BackupTarget[] = [
  { cloud: Cloud.AZURE, kind: 'azure', url: 'https://${azurerm_storage_account.a.name}.blob.core.windows.net/etcd-snapshots', region: '' },
  { cloud: Cloud.AWS, kind: 's3', url: 'https://${aws_s3_bucket.b.bucket}.s3.us-east-1.amazonaws.com', region: 'us-east-1' },
];
const ingress = planIngress({ ...INGRESS_INPUT, serviceMonitorRelease: 'kps' });
const LABELS = CLUSTER_LABELS;
const middleware = planMiddleware(MIDDLEWARE_INPUT);

/** Release (or file) name to its manifests, as the chart gets them (escaped for a Terraform template). */
const SOURCES: Record<string, readonly string[]> = {
  ...Object.fromEntries(planInClusterReleases({
    autoscaler: {
      kubernetesVersion: '1.34.2',
      policy: resolveAutoscalingPolicy({ emptyNodeRemovalDelayMinutes: 7, minCores: 2, maxCores: 500 }).policy!,
      clouds: [AZURE, AWS],
      smallestScaledNode: { vcpu: 2, memoryGiB: 8 },
    },
    extra: [
      { name: 'os-patching', namespace: 'kube-system', manifests: renderOsPatchingManifests(planOsPatching({}).plan!) },
      { name: 'cert-renewal', namespace: 'kube-system', manifests: renderCertRenewalManifests() },
      { name: 'kubelet-serving-approver', namespace: 'kube-system', manifests: renderKubeletServingApproverManifests() },
      { name: 'etcd-backup', namespace: 'kube-system', manifests: renderEtcdBackupManifests({ clusterName: 'prod', schedule: '@hourly', keep: 5, targets: BACKUP_TARGETS }) },
      { name: 'upgrade', namespace: 'kube-system', manifests: renderUpgradeManifests({ kubernetesVersion: '1.34.2' }) },
    ],
  }).map((release) => [release.name, release.manifests])),
  'cast-gateway': [...renderGatewayManifests(ingress, { labels: LABELS, gcpAddress: '${lookup(x, "gcp", "")}' }), ...renderPodMonitors(ingress, LABELS)],
  'cast-cluster-issuer': [renderClusterIssuer(ingress, LABELS), ...renderCertificates(ingress, LABELS)],
  'cast-middleware': renderMiddlewareManifests(middleware, { 'cast-cluster/name': 'prod' }).config,
  'cast-middleware-routes': renderMiddlewareManifests(middleware, { 'cast-cluster/name': 'prod' }).routes,
};
const APP_DIR = path.join(__dirname, '../../examples/app/manifests');
for (const file of fs.readdirSync(APP_DIR).sort()) SOURCES[`examples/app/manifests/${file}`] = [fs.readFileSync(path.join(APP_DIR, file), 'utf8')];

/**
 * What the API server gets: each Terraform expression `${…}` replaced by a value of the
 * shape it yields where it stands (an address for the Gateway's, a name elsewhere; none
 * stands for a number), then Terraform's unescaping, then YAML.
 */
function apiServerSees(text: string, templated: boolean): any[] {
  const resolved = templated
    ? unescapeTerraformTemplate(text.replace(/(^|[^$])\$\{([^}]*)\}/g, (_m, before: string, expr: string) => `${before}${expr.startsWith('lookup(') ? '203.0.113.7' : 'resolved-value'}`))
    : text;
  const docs = parseAllDocuments(resolved);
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`not YAML: ${doc.errors[0].message}`);
  return docs.map((doc) => doc.toJS()).filter((doc) => doc !== null);
}

const checked = Object.entries(SOURCES).flatMap(([source, texts]) =>
  texts.flatMap((text) => apiServerSees(text, !source.startsWith('examples/'))).map((manifest) => ({ source, manifest, check: checkCustomResource(manifest) })));
const label = ({ source, manifest }: (typeof checked)[number]) =>
  `${source}: ${manifest.kind} ${manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata?.name}`;

test('every in-cluster manifest is valid against the schema of its kind', () => {
  expect(checked.flatMap((entry) => entry.check.problems.map((problem) => `${label(entry)} ${problem}`))).toEqual([]);
});

test('every release and file is checked, with the built-in kinds they use', () => {
  const sources = new Set(checked.map((entry) => entry.source));
  expect([...sources].sort()).toEqual(Object.keys(SOURCES).sort());
  const builtIn = checked.filter(({ manifest }) => vendoredCrd(manifest.apiVersion, manifest.kind)?.source.startsWith('kubernetes-sigs/kubectl-validate'));
  expect([...new Set(builtIn.map(({ manifest }) => `${manifest.apiVersion} ${manifest.kind}`))].sort()).toEqual([
    'apps/v1 DaemonSet', 'apps/v1 Deployment', 'batch/v1 CronJob', 'networking.k8s.io/v1 NetworkPolicy',
    'rbac.authorization.k8s.io/v1 ClusterRole', 'rbac.authorization.k8s.io/v1 ClusterRoleBinding', 'rbac.authorization.k8s.io/v1 Role', 'rbac.authorization.k8s.io/v1 RoleBinding',
    'scheduling.k8s.io/v1 PriorityClass', 'v1 ConfigMap', 'v1 Namespace', 'v1 Service', 'v1 ServiceAccount',
  ]);
});

test('every renderer of manifests in lib/core is checked here', () => {
  // A new render…Manifests function must join SOURCES above.
  const lib = path.join(__dirname, '../../lib/core');
  const renderers = fs.readdirSync(lib, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).sort()
    .flatMap((file) => [...fs.readFileSync(path.join(lib, file), 'utf8').matchAll(/^export function (render\w*Manifests)\(/gm)].map((match) => match[1]));
  // Called here, or by planInClusterReleases (the autoscaler's), which is called here.
  const callers = fs.readFileSync(__filename, 'utf8') + fs.readFileSync(path.join(lib, 'in-cluster/in-cluster-releases.ts'), 'utf8');
  expect(renderers.filter((name) => !callers.includes(`${name}(`))).toEqual([]);
  expect(renderers.length).toBeGreaterThanOrEqual(8);
});

test('every vendored built-in schema is used by a manifest and listed in SOURCES.md with its document', () => {
  const dir = path.join(__dirname, '../fixtures/kubernetes');
  const sources = fs.readFileSync(path.join(dir, 'SOURCES.md'), 'utf8');
  const used = new Set(checked.map(({ manifest }) => `${manifest.apiVersion} ${manifest.kind}`));
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const schema = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
    const kind = `${schema.group ? `${schema.group}/` : ''}${schema.version} ${schema.kind}`;
    const row = `| \`${file}\` | ${kind} | ${schema.scope} | \`${schema.source.replace(/^kubernetes-sigs\/kubectl-validate@9431c46:/, '')}\` |`;
    expect({ file, used: used.has(kind), listed: sources.includes(row) }).toEqual({ file, used: true, listed: true });
  }
});

describe('the check catches', () => {
  const find = (kind: string) => checked.find((entry) => entry.manifest.kind === kind)!.manifest;

  test('a misspelt field and a wrong type in a Deployment\'s pod', () => {
    const deployment = structuredClone(find('Deployment'));
    const container = deployment.spec.template.spec.containers[0];
    container.imagePullPolicey = container.imagePullPolicy;
    deployment.spec.replicas = '2';
    deployment.spec.template.spec.terminationGracePeriodSeconds = true;
    deployment.spec.revisionHistoryLimit = 2 ** 31;
    expect(checkCustomResource(deployment).problems.sort()).toEqual([
      '.spec.replicas: "2" is not an integer',
      '.spec.revisionHistoryLimit: 2147483648 does not fit an int32',
      '.spec.template.spec.containers[0].imagePullPolicey: not a field of the schema',
      '.spec.template.spec.terminationGracePeriodSeconds: true is not an integer',
    ]);
  });

  test('a core kind in the wrong API group and scope, and a ConfigMap value that is not a string', () => {
    const configMap = structuredClone(find('ConfigMap'));
    configMap.data = { ...configMap.data, port: 8080 };
    expect(checkCustomResource({ ...configMap, apiVersion: 'core/v1' }).problems).toContain('apiVersion: core/v1 is not the stored version v1');
    expect(checkCustomResource(configMap).problems).toEqual(['.data.port: 8080 is not a string']);
    const namespace = find('Namespace');
    expect(checkCustomResource({ ...namespace, metadata: { ...namespace.metadata, namespace: 'default' } }).problems).toEqual(['metadata.namespace: set on a cluster-scoped kind']);
  });

  test('an RBAC rule with a misspelt key', () => {
    const role = structuredClone(find('ClusterRole'));
    role.rules[0].verb = role.rules[0].verbs;
    delete role.rules[0].verbs;
    expect(checkCustomResource(role).problems.sort()).toEqual(['.rules[0].verb: not a field of the schema', '.rules[0].verbs: required']);
  });

  test('names and metadata the API server refuses', () => {
    const service = find('Service');
    expect(checkCustomResource({ ...service, metadata: { ...service.metadata, name: 'hello.web', labels: { tier: 1 }, uid: 'x' } }).problems.sort()).toEqual([
      'metadata.labels.tier: 1 is not a string',
      'metadata.name: "hello.web" is not an object name',
      'metadata.uid: not a field a manifest sets',
    ]);
    // RBAC names are path segments: the colon of cast:node-drain is fine, a slash is not.
    const role = find('ClusterRole');
    expect(role.metadata.name).toContain(':');
    expect(checkCustomResource({ ...role, metadata: { ...role.metadata, name: 'cast/node-drain' } }).problems).toEqual(['metadata.name: "cast/node-drain" is not an object name']);
  });
});
