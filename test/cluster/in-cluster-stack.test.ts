/**
 * The cluster's in-cluster stack (examples/autoscaling): the cast RBAC and
 * cluster-autoscaler with the headroom as Helm releases of the cast-manifests
 * chart, their values what the cluster plans, cross-stack values read from the
 * cluster stack's state; and what a change to the policy or the groups does to
 * each stack: the in-cluster stack's plan carries it, the cluster stack's JSON
 * (every VM and user-data) stays byte for byte the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Testing, TerraformStack } from 'cdktf';
import { parse, parseAllDocuments } from 'yaml';
import { buildApp } from '../../examples/autoscaling/app';
import { CastCluster, Cloud, InClusterStack, NodeRole, NodeShape } from '../../lib';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { readTemplateFile } from '../../lib/core/bootstrap/template-files';
import { AUTOSCALING_RELEASE, CAST_RBAC_RELEASE, CLUSTER_RELEASE_NAMESPACE, splitDocuments } from '../../lib/core/in-cluster/in-cluster-releases';
import type { AutoscalingPolicyOptions } from '../../lib';
import { OS_PATCHING_RELEASE } from '../../lib/core/os-patching/os-patching';
import { ETCD_BACKUP_RELEASE, ETCD_BACKUP_SECRET_NAME } from '../../lib/core/backup/backup-secret';
import { CERT_RENEWAL_RELEASE, KUBELET_SERVING_APPROVER_RELEASE } from '../../lib/core/certificates';
import { UPGRADE_RELEASE, upgradeSkewCondition } from '../../lib/core/upgrade';

/** Every stack of the app as `cdktf synth` writes it (cross-stack references resolved), by id. */
function synthAll(build: (app: App) => void): Record<string, any> {
  const app = Testing.app();
  build(app);
  app.synth();
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
  return Object.fromEntries(stacks.map((stack) => [stack.node.id, JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', stack.node.id, 'cdk.tf.json'), 'utf8'))]));
}

/** The manifests a release of the cast-manifests chart installs, as Helm gets them. */
function manifestsOf(release: Record<string, any>): any[] {
  const values = parse(unescapeTerraformTemplate(release.values[0])) as { manifests: string[] };
  return values.manifests.map((m) => parse(m));
}

const stacks = synthAll(buildApp);
const inCluster = stacks['autoscaling-in-cluster'];
const releases = inCluster.resource.helm_release as Record<string, any>;

describe('the cluster\'s releases', () => {
  test('the cast RBAC, then cluster-autoscaler and the headroom, OS patching, certificates, etcd backups and the upgrade, one after the other, in kube-system', () => {
    const order = [CAST_RBAC_RELEASE, AUTOSCALING_RELEASE, OS_PATCHING_RELEASE, CERT_RENEWAL_RELEASE, KUBELET_SERVING_APPROVER_RELEASE, ETCD_BACKUP_RELEASE, UPGRADE_RELEASE];
    expect(Object.values(releases).map((r) => [r.name, r.namespace]).sort()).toEqual(order.map((name) => [name, CLUSTER_RELEASE_NAMESPACE]).sort());
    expect(releases[`release-${CAST_RBAC_RELEASE}`].depends_on).toBeUndefined();
    order.slice(1).forEach((name, i) => expect(releases[`release-${name}`].depends_on).toEqual([`helm_release.release-${order[i]}`, ...(name === ETCD_BACKUP_RELEASE ? [`kubernetes_secret_v1.secret-kube-system-${ETCD_BACKUP_SECRET_NAME}`] : [])]));
    for (const r of Object.values(releases)) expect({ name: r.name, wait: r.wait, chart: r.chart }).toEqual({ name: r.name, wait: true, chart: expect.stringMatching(/^\.\/assets\/cast-manifests-chart\/[0-9A-F]+$/) });
  });

  test('one cluster-autoscaler per cloud it serves (AWS and Azure), on that cloud\'s control plane, with the group limits and the policy', () => {
    const deployments = manifestsOf(releases[`release-${AUTOSCALING_RELEASE}`]).filter((d) => d.kind === 'Deployment' && String(d.metadata.name).startsWith('cluster-autoscaler'));
    expect(deployments.map((d) => d.spec.template.spec.nodeSelector['cast-cluster/cloud']).sort()).toEqual(['aws', 'azure']);
    const args = (cloud: string) => deployments.find((d) => d.spec.template.spec.nodeSelector['cast-cluster/cloud'] === cloud)!.spec.template.spec.containers[0].args as string[];
    expect(args('aws')).toEqual(expect.arrayContaining(['--cloud-provider=aws', '--nodes=0:20:elastic-burst-aws', '--cores-total=0:256', '--scale-down-unneeded-time=15m']));
    expect(args('azure')).toEqual(expect.arrayContaining(['--cloud-provider=azure', '--nodes=0:8:elastic-batch-azure', '--cores-total=0:256']));
  });

  test('what only the cluster stack knows (the Azure identity) is read from its state, through sensitive outputs', () => {
    const values = releases[`release-${AUTOSCALING_RELEASE}`].values[0] as string;
    const reads = [...values.matchAll(/\$\{data\.terraform_remote_state\.cross-stack-reference-input-autoscaling\.outputs\.([^}]+)\}/g)].map((m) => m[1]);
    expect(reads.length).toBeGreaterThan(0);
    for (const output of reads) expect({ output, sensitive: stacks.autoscaling.output[output]?.sensitive }).toEqual({ output, sensitive: true });
  });

  test('the RBAC release is the template control planes apply, each object labelled for Helm to adopt it into that release', () => {
    const documents = manifestsOf(releases[`release-${CAST_RBAC_RELEASE}`]);
    expect(documents).toEqual(parseAllDocuments(readTemplateFile('kubernetes/cast-rbac.yaml')).map((d) => d.toJSON()));
    expect(documents.length).toBeGreaterThan(3);
    for (const d of documents) {
      expect({ object: `${d.kind}/${d.metadata.name}`, labels: d.metadata.labels, annotations: d.metadata.annotations }).toEqual({
        object: `${d.kind}/${d.metadata.name}`,
        labels: { 'app.kubernetes.io/managed-by': 'Helm' },
        annotations: { 'meta.helm.sh/release-name': CAST_RBAC_RELEASE, 'meta.helm.sh/release-namespace': CLUSTER_RELEASE_NAMESPACE },
      });
    }
  });

  test('the upgrade release holds the target version, and a plan refuses a version the running cluster cannot reach', () => {
    const upgrade = releases[`release-${UPGRADE_RELEASE}`];
    const target = manifestsOf(upgrade).find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'cast-upgrade');
    const version = target.data.version as string;
    expect(inCluster.data.kubernetes_config_map_v1['kubeadm-config'].metadata).toEqual({ name: 'kubeadm-config', namespace: 'kube-system' });
    const running = 'try(yamldecode(data.kubernetes_config_map_v1.kubeadm-config.data["ClusterConfiguration"]).kubernetesVersion, "")';
    expect(upgrade.lifecycle.precondition).toEqual([{ condition: `\${${upgradeSkewCondition(running, version)}}`, error_message: expect.stringContaining(`kubernetesVersion ${version} cannot follow`) }]);
  });

  test('splitDocuments drops comment headers and empty documents', () => {
    expect(splitDocuments('# a\n---\n# b\nkind: A\n---\n\nkind: B\n# c\n')).toEqual(['kind: A\n', 'kind: B\n# c\n']);
  });
});

/** A cluster with AWS and Azure control planes, an autoscaled group on each, and its in-cluster stack. */
function scaledCluster(options: { policy?: AutoscalingPolicyOptions; secondGroup?: boolean } = {}) {
  return (app: App) => {
    const stack = new TerraformStack(app, 'prod');
    const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS, Cloud.AZURE], autoscaling: options.policy ?? { maxCores: 64 } });
    cluster.addNodeGroup('aws-cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL });
    cluster.addNodeGroup('azure-cp', { cloud: Cloud.AZURE, role: NodeRole.CONTROL_PLANE, shape: NodeShape.SMALL });
    cluster.addNodeGroup('aws-scaled', { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 5 } });
    if (options.secondGroup) cluster.addNodeGroup('aws-scaled-2', { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { minNodes: 0, maxNodes: 3 } });
    new InClusterStack(app, 'prod-in-cluster', { cluster });
  };
}

describe('a policy change reaches the in-cluster stack only', () => {
  const before = synthAll(scaledCluster());
  const policy = synthAll(scaledCluster({ policy: { maxCores: 128, headroomCpuPercent: 25 } }));

  test('the cluster stack is byte for byte the same; the autoscaling release changes', () => {
    expect(JSON.stringify(policy.prod)).toBe(JSON.stringify(before.prod));
    const values = (s: Record<string, any>) => s['prod-in-cluster'].resource.helm_release[`release-${AUTOSCALING_RELEASE}`].values[0];
    expect(values(policy)).not.toBe(values(before));
    expect(values(policy)).toContain('--cores-total=0:128');
  });

  test('a new autoscaled group changes no existing VM or user-data in the cluster stack, and the autoscaler\'s flags', () => {
    const added = synthAll(scaledCluster({ secondGroup: true }));
    const kept = (s: Record<string, any>) => ({ instances: s.prod.resource.aws_instance, vms: s.prod.resource.azurerm_linux_virtual_machine, locals: Object.fromEntries(Object.entries(s.prod.locals).filter(([k]) => !k.includes('aws-scaled-2'))) });
    expect(kept(added)).toEqual(kept(before));
    expect(added['prod-in-cluster'].resource.helm_release[`release-${AUTOSCALING_RELEASE}`].values[0]).toContain('--nodes=0:3:prod-aws-scaled-2');
  });
});

describe('bad input', () => {
  test('an InClusterStack before the node groups: one error naming the path and the fix', () => {
    const app = Testing.app();
    const cluster = new CastCluster(new TerraformStack(app, 'prod'), 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS] });
    const early = new InClusterStack(app, 'early', { cluster });
    expect(() => Testing.synth(early)).toThrow(/^early: cluster must have node groups before its InClusterStack is created .*Add the node groups first\.$/);
  });

  test("an InClusterStack of a cluster whose props have problems: the cluster's problems, not a second one", () => {
    const app = Testing.app();
    const cluster = new CastCluster(new TerraformStack(app, 'prod'), 'prod', { name: 'prod', region: 'nowhere', clouds: [Cloud.AWS] });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    const stack = new InClusterStack(app, 'in-cluster', { cluster });
    expect(() => Testing.synth(stack)).toThrow(/^prod\/prod: region must be a Cast region id \(got "nowhere"\)[^\n]*$/);
  });

  test('node groups added after it change what it installs: an error at synth, not a stale release', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'prod');
    const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS, Cloud.GCP] });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    const inCluster = new InClusterStack(app, 'in-cluster', { cluster });
    cluster.addNodeGroup('scaled', { cloud: Cloud.AWS, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 3 } });
    // Reported at synth with every other problem of the app.
    expect(() => Testing.synth(inCluster, true)).toThrow(/in-cluster: the cluster's in-cluster releases changed after this stack was created \(then: cast-rbac, cast-os-patching, cast-cert-renewal, cast-kubelet-serving-approver, cast-etcd-backup, cast-upgrade; now: cast-rbac, cast-autoscaling, cast-os-patching, cast-cert-renewal, cast-kubelet-serving-approver, cast-etcd-backup, cast-upgrade\)\. Create the InClusterStack after every node group of prod\/prod\./);
  });
});
