import { Cloud } from '../../../lib/core/cloud';
import { poolProblems } from '../../../lib/nodes/scaling/digitalocean';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../../support/schema-conformance';
import { LABELS, literalSecrets, synthScaling } from './scaling-fixture';
import { SEEDS } from '../api-servers-fixture';

describe('DigitalOcean scaling group', () => {
  const s = synthScaling(Cloud.DIGITALOCEAN, [
    { utilizationTarget: { cpu: 0.6, memory: 0.7 }, cooldownMinutes: 10 },
    { name: 'c1-small', spot: false, minNodes: 2, maxNodes: 3 },
  ]);
  const pool = (fragment: string) => s.resource('digitalocean_droplet_autoscale', fragment);

  test('the synthesized stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });

  test('a pool per group: min/max, the policy\'s utilisation targets and cooldown', () => {
    expect(pool('c1-pool').name).toBe('c1-pool');
    expect(pool('c1-pool').config).toEqual({ min_instances: 1, max_instances: 5, target_cpu_utilization: 0.6, target_memory_utilization: 0.7, cooldown_minutes: 10 });
    expect(pool('c1-small').config).toEqual({ min_instances: 2, max_instances: 3, target_cpu_utilization: 0.5, target_memory_utilization: 0.5, cooldown_minutes: 5 });
    const id = s.logicalId('digitalocean_droplet_autoscale', 'c1-pool');
    expect(s.attachments[0]).toEqual({ groupName: `\${digitalocean_droplet_autoscale.${id}.name}`, groupAddress: `digitalocean_droplet_autoscale.${id}`, autoscalerRef: `\${digitalocean_droplet_autoscale.${id}.id}` });
  });

  test('droplets: size, region, image, VPC, the user-data local, the worker firewall tag and the cluster tags', () => {
    const template = pool('c1-pool').droplet_template;
    expect(template).toMatchObject({ size: 's-2vcpu-4gb', region: 'nyc3', image: 'ubuntu-24-04-x64', vpc_uuid: 'vpc-uuid-c1', with_droplet_agent: true });
    expect(template.user_data).toMatch(/^\$\{local\.[\w-]+\}$/);
    expect(template.tags).toEqual(['c1-worker', 'cast-cluster-name:c1', `cast-cluster-uuid:${LABELS.uuid}`, 'team:infra', 'cast-node-role:worker']);
  });

  test('every pool keeps the droplet template it was created with: lifecycle ignore_changes names the schema\'s droplet_template block, nothing else', () => {
    for (const fragment of ['c1-pool', 'c1-small']) expect(pool(fragment).lifecycle).toEqual({ ignore_changes: ['droplet_template'] });
    // A name the provider does not have would make terraform refuse the stack; `config` stays out, so the limits still apply.
    const schema = loadVendoredSchemas()['registry.terraform.io/digitalocean/digitalocean'].resource_schemas!.digitalocean_droplet_autoscale.block;
    expect(Object.keys(schema.block_types ?? {}).sort()).toEqual(['config', 'droplet_template']);
  });

  test('one SSH key for every pool of the cluster, made from the generated public key', () => {
    const keys = s.resources('digitalocean_ssh_key');
    expect(Object.keys(keys)).toHaveLength(1);
    const [keyId, key] = Object.entries(keys)[0];
    expect(key).toEqual({ name: 'c1-autoscale-ssh-key', public_key: `\${tls_private_key.${Object.keys(s.json.resource.tls_private_key)[0]}.public_key_openssh}` });
    for (const fragment of ['c1-pool', 'c1-small']) expect(pool(fragment).droplet_template.ssh_keys).toEqual([`\${digitalocean_ssh_key.${keyId}.id}`]);
  });

  test('no autoscaler identity: the pool scales itself', () => {
    expect(s.identity).toBeUndefined();
    expect(literalSecrets(s.text)).toEqual([]);
  });

  test('bad numbers are refused with the place, the value and the fix', () => {
    expect(() => synthScaling(Cloud.DIGITALOCEAN, [{ minNodes: 0 }])).toThrow(/test\/group-0: minNodes must be at least 1 on DigitalOcean \(got 0\)\. A droplet autoscale pool cannot scale to zero/);
    expect(poolProblems({ minNodes: 0, utilizationTarget: { cpu: 0.01, memory: 1.5 } })).toEqual([
      'minNodes must be at least 1 on DigitalOcean (got 0). A droplet autoscale pool cannot scale to zero; set minNodes to 1.',
      'utilizationTarget.cpu must be between 0.05 and 1 on DigitalOcean (got 0.01). Give a fraction, e.g. 0.6.',
      'utilizationTarget.memory must be between 0.05 and 1 on DigitalOcean (got 1.5). Give a fraction, e.g. 0.6.',
    ]);
    expect(poolProblems({ minNodes: 1, utilizationTarget: { cpu: 0.05, memory: 1 } })).toEqual([]);
  });

  test('a pool without an SSH key is refused', () => {
    expect(() => synthScaling(Cloud.DIGITALOCEAN, [{ sshPublicKey: undefined }])).toThrow(/sshPublicKey must be set for a DigitalOcean scaling group/);
  });
});

describe('DigitalOcean scaling group: the API seeds', () => {
  const s = synthScaling(Cloud.DIGITALOCEAN, [{ apiServers: SEEDS }]);

  test('the pool\'s droplet template: one tag per seed, cast-api:<index>:<a-b-c-d>, made by Terraform, beside the fixed tags', () => {
    const template = s.resource('digitalocean_droplet_autoscale').droplet_template;
    const seeds = `compact(split(" ", replace("${SEEDS}", ".", "-")))`;
    expect(template.tags).toBe(
      `\${concat(["c1-worker", "cast-cluster-name:c1", "cast-cluster-uuid:${LABELS.uuid}", "team:infra", "cast-node-role:worker"], formatlist("cast-api:%d:%s", range(0, length(${seeds}), 1), ${seeds}))}`,
    );
    expect(template.user_data).toBe('${local.pool-user-data}');
  });

  test('without seeds: the fixed tags, as a plain list', () => {
    expect(synthScaling(Cloud.DIGITALOCEAN).resource('digitalocean_droplet_autoscale').droplet_template.tags).toEqual(['c1-worker', 'cast-cluster-name:c1', `cast-cluster-uuid:${LABELS.uuid}`, 'team:infra', 'cast-node-role:worker']);
  });

  test('the stack conforms to the provider schemas', () => {
    expect(formatProblems(checkStackConformance(s.json, loadVendoredSchemas()))).toBe('');
  });
});
