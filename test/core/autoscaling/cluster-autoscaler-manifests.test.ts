import { gzipSync } from 'node:zlib';
import { parseAllDocuments } from 'yaml';
import { AWS_MIN_CLUSTER_AUTOSCALER_MINOR, CLUSTER_AUTOSCALER_TAGS, clusterAutoscalerImage } from '../../../lib/core/autoscaling/autoscaler-images';
import { resolveAutoscalingPolicy } from '../../../lib/core/autoscaling/autoscaling-policy';
import { ClusterAutoscalerManifestsInput, renderClusterAutoscalerManifests } from '../../../lib/core/autoscaling/cluster-autoscaler-manifests';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { Cloud } from '../../../lib/core/cloud';
import { SUPPORTED_MINORS } from '../../../lib/core/kubernetes-version';
import { PlanError } from '../../../lib/core/plan-error';
import { AUTOSCALED_AWS, AUTOSCALED_AZURE } from './autoscaled-clouds';

const policy = resolveAutoscalingPolicy({ emptyNodeRemovalDelayMinutes: 7, minCores: 2, maxCores: 500 }).policy!;
const AWS = AUTOSCALED_AWS;
const AZURE = AUTOSCALED_AZURE;
const INPUT: ClusterAutoscalerManifestsInput = {
  kubernetesVersion: '1.34.2', policy, clouds: [AZURE, AWS], smallestScaledNode: { vcpu: 2, memoryGiB: 8 },
};

/** What kubectl receives after Terraform resolved the expressions: each `${x}` becomes `<x>`. */
function documents(text: string): any[] {
  const resolved = unescapeTerraformTemplate(text.replace(/(^|[^$])\$\{([^}]*)\}/g, (_m, before: string, expr: string) => `${before}<${expr}>`));
  const docs = parseAllDocuments(resolved);
  for (const doc of docs) expect(doc.errors).toEqual([]);
  return docs.map((d) => d.toJS());
}
const rendered = renderClusterAutoscalerManifests(INPUT);
const docs = documents(rendered);
const deployment = (name: string) => docs.find((d) => d.kind === 'Deployment' && d.metadata.name === name);
const container = (name: string) => deployment(name).spec.template.spec.containers[0];

describe('renderClusterAutoscalerManifests', () => {
  test('RBAC as upstream, then one Deployment per cloud in the library order, then the overprovisioning', () => {
    expect(docs.map((d) => `${d.kind}/${d.metadata.name}`)).toEqual([
      'ServiceAccount/cluster-autoscaler', 'ClusterRole/cluster-autoscaler', 'ClusterRoleBinding/cluster-autoscaler', 'Role/cluster-autoscaler', 'RoleBinding/cluster-autoscaler',
      'Deployment/cluster-autoscaler-aws', 'Deployment/cluster-autoscaler-azure',
      'Namespace/cast-overprovisioning', 'PriorityClass/cast-overprovisioning', 'Deployment/cast-overprovisioning', 'ConfigMap/cast-overprovisioning-autoscaler',
      'ServiceAccount/cast-overprovisioning-autoscaler', 'ClusterRole/cast-overprovisioning-autoscaler', 'ClusterRoleBinding/cast-overprovisioning-autoscaler',
      'Role/cast-overprovisioning-autoscaler', 'RoleBinding/cast-overprovisioning-autoscaler', 'Deployment/cast-overprovisioning-autoscaler',
    ]);
  });

  test('each instance has its own lease and status ConfigMap, and the RBAC names exactly those', () => {
    const role = docs.find((d) => d.kind === 'ClusterRole' && d.metadata.name === 'cluster-autoscaler');
    expect(role.rules.at(-1)).toEqual({ apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: ['cluster-autoscaler-aws', 'cluster-autoscaler-azure'], verbs: ['get', 'update'] });
    const ns = docs.find((d) => d.kind === 'Role' && d.metadata.name === 'cluster-autoscaler');
    expect(ns.rules[1].resourceNames).toEqual(['cluster-autoscaler-aws-status', 'cluster-autoscaler-azure-status', 'cluster-autoscaler-priority-expander']);
    for (const cloud of ['aws', 'azure']) {
      const args: string[] = container(`cluster-autoscaler-${cloud}`).args;
      expect(args).toContain(`--leader-elect-resource-name=cluster-autoscaler-${cloud}`);
      expect(args).toContain(`--status-config-map-name=cluster-autoscaler-${cloud}-status`);
    }
  });

  test.each(['aws', 'azure'])('the %s instance runs on that cloud\'s control plane, host network, system-cluster-critical', (cloud) => {
    const pod = deployment(`cluster-autoscaler-${cloud}`).spec.template.spec;
    expect(deployment(`cluster-autoscaler-${cloud}`).metadata.namespace).toBe('kube-system');
    expect(pod.nodeSelector).toEqual({ 'cast-cluster/cloud': cloud, 'node-role.kubernetes.io/control-plane': '' });
    expect(pod.tolerations).toEqual([{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.hostNetwork).toBe(true);
    expect(pod.priorityClassName).toBe('system-cluster-critical');
    expect(pod.serviceAccountName).toBe('cluster-autoscaler');
    expect(pod.containers[0].image).toBe('registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.5');
  });

  test('flags: provider, every group exactly (sorted by name), the policy\'s whole core range, the policy', () => {
    const common = ['--scale-down-unneeded-time=7m', '--scale-down-delay-after-add=7m', '--expander=least-waste', '--balance-similar-node-groups', '--skip-nodes-with-local-storage=false'];
    const expected: Record<string, string[]> = {
      // Every instance gets the whole range: each counts every node of the cluster toward it.
      aws: ['--cloud-provider=aws', '--nodes=1:10:prod-general', '--nodes=0:20:<aws_autoscaling_group.prod_spot.name>', '--cores-total=2:500'],
      azure: ['--cloud-provider=azure', '--nodes=0:4:prod-general', '--nodes=0:2:<azurerm_linux_virtual_machine_scale_set.prod_memory.name>', '--cores-total=2:500'],
    };
    for (const [cloud, head] of Object.entries(expected)) {
      expect(container(`cluster-autoscaler-${cloud}`).args).toEqual([...head, ...common, `--leader-elect-resource-name=cluster-autoscaler-${cloud}`, `--status-config-map-name=cluster-autoscaler-${cloud}-status`]);
    }
  });

  test('environment per cloud: the AWS region, Azure managed identity and scale sets', () => {
    expect(container('cluster-autoscaler-aws').env).toEqual([{ name: 'AWS_REGION', value: '<var.aws_region>' }]);
    expect(container('cluster-autoscaler-azure').env).toEqual([
      { name: 'ARM_USE_MANAGED_IDENTITY_EXTENSION', value: 'true' },
      { name: 'ARM_USER_ASSIGNED_IDENTITY_ID', value: '<azurerm_user_assigned_identity.autoscaler.client_id>' },
      { name: 'ARM_SUBSCRIPTION_ID', value: '<data.azurerm_subscription.current.subscription_id>' },
      { name: 'ARM_RESOURCE_GROUP', value: 'prod-rg' },
      { name: 'ARM_VM_TYPE', value: 'vmss' },
    ]);
  });

  test('Terraform expressions in values reach Terraform verbatim; literal text is escaped', () => {
    expect(rendered).toContain('"--nodes=0:20:${aws_autoscaling_group.prod_spot.name}"');
    expect(rendered).toContain('value: "${azurerm_user_assigned_identity.autoscaler.client_id}"');
    // Every "${" in the output is one of the given expressions.
    const expressions = [...rendered.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1]).sort();
    expect(expressions).toEqual([
      'aws_autoscaling_group.prod_spot.name', 'azurerm_linux_virtual_machine_scale_set.prod_memory.name', 'azurerm_user_assigned_identity.autoscaler.client_id',
      'data.azurerm_subscription.current.subscription_id', 'var.aws_region',
    ]);
    const odd = renderClusterAutoscalerManifests({ ...INPUT, clouds: [{ ...AZURE, azure: { ...AZURE.azure!, resourceGroup: 'rg-%{x}' } }] });
    expect(odd).toContain('"rg-%%{x}"');
    expect(documents(odd).find((d) => d.metadata.name === 'cluster-autoscaler-azure').spec.template.spec.containers[0].env[3].value).toBe('rg-%{x}');
  });

  test('overprovisioning: priority -10 pause pods sized from the smallest scaled node, scaled linearly', () => {
    const priority = docs.find((d) => d.kind === 'PriorityClass');
    expect(priority).toMatchObject({ value: -10, preemptionPolicy: 'Never', globalDefault: false });
    const pause = deployment('cast-overprovisioning').spec.template.spec;
    expect(pause.priorityClassName).toBe('cast-overprovisioning');
    expect(pause.containers[0]).toMatchObject({ image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '1000m', memory: '4096Mi' } } });
    const config = docs.find((d) => d.kind === 'ConfigMap');
    expect(JSON.parse(config.data.linear)).toEqual({ coresPerReplica: 10, min: 1, preventSinglePointFailure: false, includeUnschedulableNodes: false });
    const cpa = deployment('cast-overprovisioning-autoscaler').spec.template.spec.containers[0];
    expect(cpa.image).toBe('registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.10.1');
    expect(cpa.command).toEqual(expect.arrayContaining(['--configmap=cast-overprovisioning-autoscaler', '--target=deployment/cast-overprovisioning', '--namespace=cast-overprovisioning']));
  });

  test('no headroom: no overprovisioning documents', () => {
    const none = resolveAutoscalingPolicy({ headroomCpuPercent: 0, headroomMemoryPercent: 0 }).policy!;
    expect(documents(renderClusterAutoscalerManifests({ ...INPUT, policy: none })).map((d) => d.kind)).not.toContain('PriorityClass');
  });

  test('the image follows the Kubernetes minor', () => {
    for (let minor = SUPPORTED_MINORS.oldest; minor <= SUPPORTED_MINORS.newest; minor++) {
      expect(CLUSTER_AUTOSCALER_TAGS[minor]).toMatch(new RegExp(`^v1\\.${minor}\\.\\d+$`));
      expect(clusterAutoscalerImage(`1.${minor}.0`)).toBe(`registry.k8s.io/autoscaling/cluster-autoscaler:${CLUSTER_AUTOSCALER_TAGS[minor]}`);
      expect(clusterAutoscalerImage(`1.${minor}.0`, Cloud.AZURE)).toBe(clusterAutoscalerImage(`1.${minor}.0`));
    }
    expect(container('cluster-autoscaler-aws').image).toBe(clusterAutoscalerImage('1.34.2', Cloud.AWS));
    expect(() => clusterAutoscalerImage('1.30.1')).toThrow('kubernetesVersion must be an exact release 1.31.x to 1.35.x');
  });

  test('AWS never runs a release without kubernetes/autoscaler#8047: 1.33 or newer, the matching minor from 1.33 on', () => {
    expect(AWS_MIN_CLUSTER_AUTOSCALER_MINOR).toBe(33);
    const v133 = `registry.k8s.io/autoscaling/cluster-autoscaler:${CLUSTER_AUTOSCALER_TAGS[33]}`;
    expect(clusterAutoscalerImage('1.31.9', Cloud.AWS)).toBe(v133);
    expect(clusterAutoscalerImage('1.32.4', Cloud.AWS)).toBe(v133);
    for (const minor of [33, 34, 35]) {
      expect(clusterAutoscalerImage(`1.${minor}.1`, Cloud.AWS)).toBe(`registry.k8s.io/autoscaling/cluster-autoscaler:${CLUSTER_AUTOSCALER_TAGS[minor]}`);
    }
    const old = documents(renderClusterAutoscalerManifests({ ...INPUT, kubernetesVersion: '1.31.9' }));
    const image = (name: string) => old.find((d) => d.metadata.name === name).spec.template.spec.containers[0].image;
    expect(image('cluster-autoscaler-aws')).toBe('registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.6');
    expect(image('cluster-autoscaler-azure')).toBe('registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.3');
  });

  test.each([
    [Cloud.GCP, 'clouds[gcp] must be aws or azure, the clouds that run cluster-autoscaler (got "gcp"). Upstream\'s GCE provider stops scale-up in a cluster with nodes whose providerID is empty or not gce:// (kubernetes/autoscaler#10140)'],
    [Cloud.DIGITALOCEAN, 'clouds[digitalocean] must be aws or azure, the clouds that run cluster-autoscaler (got "digitalocean"). cluster-autoscaler has no provider for plain Droplets'],
  ])('%s is refused, saying why', (cloud, message) => {
    const groups = [{ name: 'general', minNodes: 1, maxNodes: 5, autoscalerRef: 'prod-general' }];
    let error: unknown;
    try { renderClusterAutoscalerManifests({ ...INPUT, clouds: [AWS, { cloud, groups }] }); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).problems).toHaveLength(1);
    expect((error as PlanError).problems[0].startsWith(message)).toBe(true);
  });

  test('bad input: every problem at once, as a PlanError', () => {
    const bad: ClusterAutoscalerManifestsInput = {
      ...INPUT,
      kubernetesVersion: 'v1.34',
      clouds: [
        { cloud: Cloud.DIGITALOCEAN, groups: [] },
        { cloud: Cloud.GCP, groups: [] },
        { ...AWS, aws: undefined },
        { ...AZURE, azure: undefined, groups: [{ name: 'a', minNodes: 3, maxNodes: 2, autoscalerRef: 'has space' }, { name: 'a', minNodes: 0, maxNodes: 1, autoscalerRef: '' }] },
        AWS,
      ],
      smallestScaledNode: { vcpu: 0, memoryGiB: 4 },
    };
    let error: unknown;
    try { renderClusterAutoscalerManifests(bad); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(PlanError);
    expect((error as PlanError).problems.map((p) => p.split(' (got')[0])).toEqual([
      'kubernetesVersion must be an exact release 1.31.x to 1.35.x, without a "v"',
      'clouds[digitalocean] must be aws or azure, the clouds that run cluster-autoscaler',
      'clouds[gcp] must be aws or azure, the clouds that run cluster-autoscaler',
      'clouds[aws].aws must be given on AWS',
      'clouds[azure].groups[a] must have whole 0 ≤ minNodes ≤ maxNodes, maxNodes ≥ 1',
      'clouds[azure].groups[a].autoscalerRef must have no white space',
      'clouds[azure].groups[a] must be named once',
      'clouds[azure].groups[a].autoscalerRef must be a non-empty single-line text',
      'clouds[azure].azure must be given on Azure',
      'clouds must name each cloud once',
      'smallestScaledNode must have positive vcpu and memoryGiB',
    ]);
    expect(() => renderClusterAutoscalerManifests({ ...INPUT, clouds: [] })).toThrow('clouds must name at least one cloud with scaled groups (got none).');
  });

  test('size: 2 clouds × 2 groups fit the init node\'s user-data budget (about 4 KB gzip free)', () => {
    const gzip = gzipSync(Buffer.from(rendered)).length;
    console.log(`autoscaler manifests, 2 clouds x 2 groups: ${rendered.length} bytes, ${gzip} bytes gzip`);
    expect(gzip).toBeLessThan(2500);
  });
});
