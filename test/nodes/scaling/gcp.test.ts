import { Cloud } from '../../../lib/core/cloud';
import { cpuTarget } from '../../../lib/nodes/scaling/gcp';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../../support/schema-conformance';
import { CLUSTER, LABELS, literalSecrets, resourcesWithoutClusterLabels, synthScaling } from './scaling-fixture';
import { SEEDS } from '../api-servers-fixture';

describe('GCP scaling group', () => {
  const s = synthScaling(Cloud.GCP, [
    { utilizationTarget: { cpu: 0.7, memory: 0.8 }, cooldownMinutes: 5 },
    { name: 'c1-ondemand', spot: false, minNodes: 0, maxNodes: 3, nodeLabels: {}, nodeTaints: [] },
  ]);

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

  test('metadata: the user-data local and project SSH keys blocked; no cluster-autoscaler kube-env', () => {
    const metadata = s.resource('google_compute_instance_template', 'c1-pool').metadata;
    expect(metadata['user-data']).toMatch(/^\$\{local\.[\w-]+\}$/);
    expect(metadata['block-project-ssh-keys']).toBe('true');
    expect(metadata['kube-env']).toBeUndefined();
  });

  test('the MIG\'s own autoscaler: min/max, CPU target, one node removed per cooldown window', () => {
    const mig = s.logicalId('google_compute_instance_group_manager', 'c1-pool');
    expect(s.resource('google_compute_autoscaler', 'c1-pool')).toEqual({
      name: 'c1-pool',
      zone: 'us-east1-b',
      target: `\${google_compute_instance_group_manager.${mig}.self_link}`,
      autoscaling_policy: {
        min_replicas: 1,
        max_replicas: 5,
        cooldown_period: 300,
        mode: 'ON',
        cpu_utilization: { target: 0.7 },
        scale_in_control: { time_window_sec: 300, max_scaled_in_replicas: { fixed: 1 } },
      },
    });
  });

  test('without policy targets: CPU 0.9 and a 10-minute scale-in window', () => {
    const ondemand = s.resource('google_compute_autoscaler', 'c1-ondemand');
    const mig = s.logicalId('google_compute_instance_group_manager', 'c1-ondemand');
    expect(ondemand.target).toBe(`\${google_compute_instance_group_manager.${mig}.self_link}`);
    expect(ondemand.autoscaling_policy).toMatchObject({
      min_replicas: 0,
      max_replicas: 3,
      cpu_utilization: { target: 0.9 },
      scale_in_control: { time_window_sec: 600, max_scaled_in_replicas: { fixed: 1 } },
    });
    expect(Object.keys(s.resources('google_compute_autoscaler'))).toHaveLength(2);
  });

  test.each([
    [undefined, 0.9],
    [0.6, 0.6],
    [1, 1],
    [1.5, 1],
    [0.01, 0.05],
    [0, 0.05],
  ])('CPU target %p becomes %p (GCP takes (0, 1])', (cpu, expected) => {
    expect(cpuTarget({ utilizationTarget: cpu === undefined ? undefined : { cpu, memory: 0.5 } })).toBe(expected);
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

  test('nothing to grant: the MIG scales itself, so no identity and no account, IAM binding or client config', () => {
    expect(s.identity).toBeUndefined();
    expect(Object.keys(s.json.resource).sort()).toEqual(['google_compute_autoscaler', 'google_compute_instance_group_manager', 'google_compute_instance_template']);
    expect(s.json.data).toBeUndefined();
    expect(Object.keys(s.json.output ?? {}).filter((id) => id.startsWith('identity--'))).toEqual([]);
  });
});

describe('GCP scaling group: the API seeds', () => {
  const s = synthScaling(Cloud.GCP, [{ apiServers: SEEDS }]);

  test('the instance template\'s metadata key cast-api-servers carries the seeds, beside user-data', () => {
    expect(s.resource('google_compute_instance_template').metadata).toEqual({ 'user-data': '${local.pool-user-data}', 'block-project-ssh-keys': 'true', 'cast-api-servers': SEEDS });
  });

  test('new seeds make a new template (templates cannot change): the group keeps its running VMs (OPPORTUNISTIC)', () => {
    expect(s.resource('google_compute_instance_template').lifecycle).toEqual({ create_before_destroy: true });
    expect(s.resource('google_compute_instance_group_manager').update_policy).toEqual({ type: 'OPPORTUNISTIC', minimal_action: 'REPLACE' });
  });

  test('without seeds: no key, and still the update policy that keeps running VMs (the user data and the image are in the template too)', () => {
    const none = synthScaling(Cloud.GCP);
    expect(Object.keys(none.resource('google_compute_instance_template').metadata).sort()).toEqual(['block-project-ssh-keys', 'user-data']);
    expect(none.resource('google_compute_instance_group_manager').update_policy).toEqual({ type: 'OPPORTUNISTIC', minimal_action: 'REPLACE' });
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
