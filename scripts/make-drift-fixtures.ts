/**
 * Writes the drift check's test fixtures (test/fixtures/drift/) in the real
 * formats: a synthesized stack, states of Terraform 1.9/1.12 and OpenTofu,
 * `terraform show -json`, a refresh-only plan, the four clouds' VM lists,
 * an ignore file, and every kind of bad input the CLI must refuse.
 *
 *   npx tsx scripts/make-drift-fixtures.ts [out-dir]
 *
 * test/drift/fixtures-current.test.ts regenerates them into a temporary
 * directory and fails when the committed files differ.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goJson } from '../bench/make-state';
import { clusterDescription, desiredStack } from '../test/fixtures/drift/build/desired-stack';
import { encryptLikeOpenTofu } from '../test/fixtures/drift/build/encrypt-opentofu';
import { ADDRESS, AWS, CLUSTER_UUID, TOFU_PASSPHRASE } from '../test/fixtures/drift/build/ids';
import { awsDescribeInstances, azVmList, doctlDropletList, gcloudInstancesList } from '../test/fixtures/drift/build/inventories';
import { driftedState, emptyState, inSyncState, openTofuState, otherClusterState, refreshOnlyPlan, showJson, version3State } from '../test/fixtures/drift/build/state-documents';

/** Every fixture: path relative to the fixture directory → file content. */
export function driftFixtures(): Record<string, string> {
  const json = (value: unknown) => `${goJson(value)}\n`;
  const inSync = json(inSyncState());
  // The spelling of the output (`cast_cluster`), with nodes, as a later CastCluster will emit them.
  const withNodes = desiredStack(clusterDescription({ nodes: [{ name: 'prod-aws-worker-0', cloud: 'aws', role: 'worker', address: `${ADDRESS.awsNode}[0]` }, { name: 'addon-node', cloud: 'aws', role: 'worker', address: 'module.addons.aws_instance.extra' }] }), 'cast_cluster');
  return {
    'stack/cdk.tf.json': `${JSON.stringify(desiredStack(), null, 2)}\n`,
    'stack-with-nodes/cdk.tf.json': `${JSON.stringify(withNodes, null, 2)}\n`,
    'state/in-sync.tfstate': inSync,
    'state/opentofu.tfstate': json(openTofuState()),
    'state/drifted.tfstate': json(driftedState()),
    'state/show-json.json': `${JSON.stringify(showJson(inSyncState()))}\n`,
    'state/refresh-only-plan.json': `${JSON.stringify(refreshOnlyPlan())}\n`,
    'inventory/aws-describe-instances.json': `${JSON.stringify(awsDescribeInstances(), null, 4)}\n`,
    'inventory/gcloud-instances-list.json': `${JSON.stringify(gcloudInstancesList(), null, 2)}\n`,
    'inventory/az-vm-list.json': `${JSON.stringify(azVmList(), null, 2)}\n`,
    'inventory/doctl-droplet-list.json': `${JSON.stringify(doctlDropletList(), null, 2)}\n`,
    'inventory/empty-list.json': '[]\n',
    'ignore/ignore.json': `${JSON.stringify(
      {
        schema: 'cast-drift-ignore/v1',
        ignore: [
          { address: 'aws_instance.cluster_aws_old_bastion_*', reason: 'bastion is retired by hand in ticket OPS-1234', expires: '2099-12-31' },
          { address: 'module.legacy.*', check: 'unused-resources', reason: 'legacy log bucket kept until the audit ends' },
          { type: 'digitalocean_firewall', reason: 'WireGuard moved to TCP on DigitalOcean (temporary)', expires: '2020-01-31' },
        ],
      },
      null,
      2,
    )}\n`,
    'bad/truncated.tfstate': inSync.slice(0, Math.floor(inSync.length * 0.6)),
    'bad/invalid.tfstate': inSync.replace('"serial": 17,', '"serial": 17,,'),
    'bad/version-3.tfstate': json(version3State()),
    'bad/encrypted-opentofu.tfstate': `${JSON.stringify(encryptLikeOpenTofu(json(openTofuState()), TOFU_PASSPHRASE, 'fixture'))}\n`,
    'bad/other-cluster.tfstate': json(otherClusterState()),
    'bad/empty-state.tfstate': json(emptyState()),
    'bad/not-a-state.json': json({ name: 'cdktf-cast-cluster', version: '0.1.0', dependencies: { cdktf: '^0.21.0' } }),
    'bad/empty-file.tfstate': '',
    'bad/ignore-without-reason.json': `${JSON.stringify({ ignore: [{ address: 'aws_instance.*' }] }, null, 2)}\n`,
  };
}

/** Writes the fixtures under `dir`. */
export function writeDriftFixtures(dir: string): string[] {
  const written: string[] = [];
  for (const [file, content] of Object.entries(driftFixtures())) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    written.push(file);
  }
  return written;
}

if (require.main === module) {
  const dir = process.argv[2] ?? path.join(__dirname, '..', 'test', 'fixtures', 'drift');
  const files = writeDriftFixtures(dir);
  console.log(`wrote ${files.length} fixtures to ${dir} (cluster ${CLUSTER_UUID}, AWS VPC ${AWS.vpcId})`);
}
