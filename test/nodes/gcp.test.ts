import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { logicalId, synthCluster } from './node-fixture';
import { SEEDS, SEEDS_REFERENCE, synthSeeds } from './api-servers-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

describe('GCP nodes', () => {
  const c = synthCluster([Cloud.GCP], {
    cp: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE },
    workers: { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 2, spot: true },
  });

  test('each node: a static external address used as the instance NAT IP', () => {
    const address = logicalId(c.json, 'google_compute_address', 'c1-workers-1-ip');
    const worker = c.resource('google_compute_instance', 'c1-workers-1_');
    expect(c.resource('google_compute_address', 'c1-workers-1-ip')).toMatchObject({ name: 'c1-workers-1', address_type: 'EXTERNAL', region: 'us-east4' });
    expect(worker.network_interface[0].access_config[0].nat_ip).toBe(`\${google_compute_address.${address}.address}`);
    // node.env quotes it for the shell at apply time (render-template.ts, shellSingleQuoted).
    expect(c.userData(worker.metadata['user-data'])).toContain(`CAST_PUBLIC_ADDRESS='\${replace(google_compute_address.${address}.address, "'", "'\\\\''")}'`);
  });

  test('role network tag, labels with the cluster UUID, shielded VM, the workers\' service account', () => {
    const worker = c.resource('google_compute_instance', 'c1-workers-1_');
    expect(worker.tags).toEqual(['c1-worker']);
    expect(c.resource('google_compute_instance', 'c1-cp-1_').tags).toEqual(['c1-control-plane']);
    expect(worker.labels['cast-cluster-uuid']).toBe(c.cluster.uuid);
    expect(worker.shielded_instance_config).toEqual({ enable_secure_boot: true, enable_vtpm: true, enable_integrity_monitoring: true });
    // The key store's workers' account, which reads the join token (test/keys/gcp-join-token.test.ts).
    expect(worker.service_account).toEqual({ email: `\${google_service_account.${logicalId(c.json, 'google_service_account', '_workers_')}.email}`, scopes: ['cloud-platform'] });
    // The pinned image (test/nodes/os-image.test.ts).
    expect(worker.boot_disk.initialize_params.image).toMatch(/^\$\{terraform_data\.[^.]*os-image-gcp[^.]*\.output\.image\}$/);
  });

  test('spot workers are SPOT and deleted on preemption; the control plane is standard', () => {
    expect(c.resource('google_compute_instance', 'c1-workers-1_').scheduling).toMatchObject({ provisioning_model: 'SPOT', preemptible: true, automatic_restart: false });
    expect(c.resource('google_compute_instance', 'c1-cp-1_').scheduling).toMatchObject({ provisioning_model: 'STANDARD' });
  });
});

describe('GCP nodes: the API seeds', () => {
  const s = synthSeeds([Cloud.GCP], SEEDS);

  test('the metadata key cast-api-servers carries the seeds, beside user-data, not in it', () => {
    const metadata = s.resource('google_compute_instance').metadata;
    expect(metadata).toEqual({ 'user-data': '${local.user-data}', 'block-project-ssh-keys': 'true', 'cast-api-servers': SEEDS_REFERENCE });
    expect(s.json.locals['user-data']).not.toContain('203.0.113.10');
  });

  test('without seeds: no key', () => {
    expect(Object.keys(synthSeeds([Cloud.GCP], undefined).resource('google_compute_instance').metadata).sort()).toEqual(['block-project-ssh-keys', 'user-data']);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
