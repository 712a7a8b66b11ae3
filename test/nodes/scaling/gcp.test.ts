import { parse } from 'yaml';
import { Cloud } from '../../../lib/core/cloud';
import { autoscalerAccountId, autoscalerKubeEnv } from '../../../lib/nodes/scaling/gcp';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../../support/schema-conformance';
import { CLUSTER, LABELS, literalSecrets, resourcesWithoutClusterLabels, synthScaling } from './scaling-fixture';

describe('GCP scaling group', () => {
  const s = synthScaling(Cloud.GCP, [{}, { name: 'c1-ondemand', spot: false, minNodes: 0, maxNodes: 3, nodeLabels: {}, nodeTaints: [] }]);

  test('the synthesized stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });

  test('a zonal MIG per group on the template\'s unique self link, starting at min, size left to the autoscaler', () => {
    const group = s.resource('google_compute_instance_group_manager', 'c1-pool');
    const template = s.logicalId('google_compute_instance_template', 'c1-pool');
    expect(group).toMatchObject({ name: 'c1-pool', base_instance_name: 'c1-pool', zone: 'us-east1-b', target_size: 1 });
    expect(group.version).toEqual([{ instance_template: `\${google_compute_instance_template.${template}.self_link_unique}` }]);
    expect(group.lifecycle).toEqual({ ignore_changes: ['target_size'] });
    expect(s.resource('google_compute_instance_group_manager', 'c1-ondemand').target_size).toBe(0);
    const mig = s.logicalId('google_compute_instance_group_manager', 'c1-pool');
    expect(s.attachments[0]).toEqual({ groupName: `\${google_compute_instance_group_manager.${mig}.name}`, groupAddress: `google_compute_instance_group_manager.${mig}`, autoscalerRef: `\${google_compute_instance_group_manager.${mig}.instance_group}` });
  });

  test('template: name prefix replaced before destroy, shielded, IP forwarding, pd-balanced boot disk, ephemeral public address', () => {
    const template = s.resource('google_compute_instance_template', 'c1-pool');
    expect(template).toMatchObject({ name_prefix: 'c1-pool-', machine_type: 'e2-standard-2', can_ip_forward: true, tags: ['c1-worker'] });
    expect(template.name).toBeUndefined();
    expect(template.lifecycle).toEqual({ create_before_destroy: true });
    expect(template.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true });
    expect(template.disk).toEqual([
      { source_image: 'ubuntu-os-cloud/ubuntu-2404-lts-amd64', disk_size_gb: 60, disk_type: 'pd-balanced', boot: true, auto_delete: true, labels: expect.objectContaining({ 'cast-cluster-uuid': LABELS.uuid }) },
    ]);
    expect(template.network_interface).toEqual([{ subnetwork: 'projects/p/regions/us-east1/subnetworks/c1', access_config: [{}] }]);
    expect(template.service_account).toBeUndefined();
  });

  test('spot scheduling as on static nodes; on-demand migrates', () => {
    expect(s.resource('google_compute_instance_template', 'c1-pool').scheduling).toEqual({
      provisioning_model: 'SPOT', preemptible: true, automatic_restart: false, on_host_maintenance: 'TERMINATE', instance_termination_action: 'DELETE',
    });
    expect(s.resource('google_compute_instance_template', 'c1-ondemand').scheduling).toEqual({ provisioning_model: 'STANDARD', automatic_restart: true, on_host_maintenance: 'MIGRATE' });
  });

  test('metadata: the user-data local, project SSH keys blocked, the autoscaler\'s node template in kube-env', () => {
    const metadata = s.resource('google_compute_instance_template', 'c1-pool').metadata;
    expect(metadata['user-data']).toMatch(/^\$\{local\.[\w-]+\}$/);
    expect(metadata['block-project-ssh-keys']).toBe('true');
    expect(parse(metadata['kube-env'])).toEqual({ AUTOSCALER_ENV_VARS: 'node_labels=cast-cluster/cloud=gcp,node_pool=pool;node_taints=dedicated=batch:NoSchedule;os=linux' });
    expect(autoscalerKubeEnv({ nodeLabels: {}, nodeTaints: [{ key: 'k', effect: 'NoExecute' }] })).toBe('AUTOSCALER_ENV_VARS: "node_labels=;node_taints=k=:NoExecute;os=linux"\n');
  });

  test('cluster labels on every labelled resource, no literal secret', () => {
    expect(resourcesWithoutClusterLabels(s.json)).toEqual([]);
    expect(s.resource('google_compute_instance_template', 'c1-pool').labels).toMatchObject({ 'cast-cluster-name': CLUSTER, 'cast-node-role': 'worker', 'team': 'infra' });
    expect(literalSecrets(s.text)).toEqual([]);
  });

  test('a group name too long for a template prefix is refused with the limit', () => {
    expect(() => synthScaling(Cloud.GCP, [{ name: 'c'.repeat(54) }])).toThrow(/scaling group name must be at most 53 characters on GCP \(got "c{54}", 54\)/);
  });
});

describe('GCP autoscaler grant', () => {
  const s = synthScaling(Cloud.GCP);

  test('a service account with instance admin on the provider\'s project', () => {
    const account = s.logicalId('google_service_account');
    expect(s.resource('google_service_account').account_id).toBe('c1-autoscaler');
    const client = Object.keys(s.json.data.google_client_config);
    expect(client).toHaveLength(1);
    expect(s.resource('google_project_iam_member')).toEqual({
      project: `\${data.google_client_config.${client[0]}.project}`,
      role: 'roles/compute.instanceAdmin.v1',
      member: `\${google_service_account.${account}.member}`,
    });
    expect(s.identity).toEqual({ gcpServiceAccountEmail: `\${google_service_account.${account}.email}`, gcpProject: `\${data.google_client_config.${client[0]}.project}` });
  });

  test.each([
    ['c1', /^c1-autoscaler$/],
    ['a'.repeat(19), /^a{19}-autoscaler$/],
    ['a'.repeat(20), /^a{12}-[0-9a-f]{6}-autoscaler$/],
    // A cut that ends in "-" drops it rather than doubling it.
    ['prod-eu-west-cluster-000000001', /^prod-eu-west-[0-9a-f]{6}-autoscaler$/],
    ['prod-eu-wes--cluster', /^prod-eu-wes-[0-9a-f]{6}-autoscaler$/],
  ])('account id for %s fits GCP\'s rule', (cluster, expected) => {
    const id = autoscalerAccountId(cluster);
    expect(id).toMatch(expected);
    expect(id).toMatch(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$/);
  });

  test('long names that share a start get different account ids; the same name the same id', () => {
    const a = autoscalerAccountId('prod-eu-west-cluster-alpha');
    const b = autoscalerAccountId('prod-eu-west-cluster-bravo');
    expect(a).not.toBe(b);
    expect(a).toBe(autoscalerAccountId('prod-eu-west-cluster-alpha'));
    expect(a.startsWith('prod-eu-west')).toBe(true);
    expect(a.endsWith('-autoscaler')).toBe(true);
  });
});
