/**
 * What the nodes of autoscaled groups receive (examples/autoscaling), once
 * Terraform has filled in the references: one worker document per group with
 * the identity left to the node, valid cloud-config within the cloud's size
 * limit; the cluster-autoscaler manifests on no node (the in-cluster stack
 * applies them: test/cluster/in-cluster-stack.test.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { USER_DATA_LIMITS, userDataSize } from '../../lib/core/bootstrap/user-data-limits';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import { buildApp } from '../../examples/autoscaling/app';
import { contains, parseCidr } from '../../lib/core/cidr';
import { meshScalingZone } from '../../lib/core/mesh/scaling-zone';
import { cloudInitSchemaAll, describeWithTool } from '../core/bootstrap/node-tools';
import { unpackNodeFiles } from '../core/bootstrap/user-data-files';
import { interpolate } from './terraform-interpolation';

const app = Testing.app();
buildApp(app);
const stack = app.node.children.find((c): c is TerraformStack => TerraformStack.isStack(c))!;
const json = JSON.parse(Testing.synth(stack));
// Every node's user-data; the one other local is the seeds, which no user-data holds.
const locals = Object.entries(json.locals as Record<string, string>)
  .filter(([name]) => name.includes('user-data'))
  .map(([name, template]) => ({ name, final: interpolate(template) }));
const scaled = locals.filter((l) => /^elastic_[a-z-]+_user-data_[0-9A-F]{8}$/.test(l.name)).map((l) => ({ ...l, group: /^elastic_([a-z-]+)_user-data/.exec(l.name)![1] }));
const first = locals.find((l) => l.name.includes('elastic-cp-aws-1-user-data'))!;
// On GCP and DigitalOcean the scripts come in the node-files archive, which runcmd unpacks first.
const files = (document: string) => unpackNodeFiles(parse(document)).write_files as { path: string; content: string }[];
const fileOf = (document: string, p: string) => files(document).find((f) => f.path === p)?.content;

describe('autoscaled groups: one worker document per group, identity found at boot', () => {
  test('one document per autoscaled group', () => {
    expect(scaled.map((s) => s.group).sort()).toEqual(['batch-azure', 'burst-aws', 'burst-gcp', 'web-do']);
  });

  test.each(scaled.map((s) => [s.group, s] as const))('%s: no name or addresses, identity from metadata, no CA keys', (_group, s) => {
    const env = fileOf(s.final, '/etc/cast/node.env')!;
    expect(env).toContain("CAST_NODE_IDENTITY='from-metadata'");
    expect(env).toContain("CAST_NODE_NAME=''");
    expect(env).toContain("CAST_PUBLIC_ADDRESS=''");
    expect(env).toContain("CAST_MESH_ADDRESS=''");
    expect(env).toContain(`CAST_NODE_NAME_PREFIX='elastic-${_group}'`);
    const paths = files(s.final).map((f) => f.path);
    expect(paths).toContain('/opt/cast/bin/node-identity.sh');
    expect(paths.filter((p) => p.startsWith('/etc/kubernetes/pki/'))).toEqual([]);
    const kubeadm = fileOf(s.final, '/etc/cast/kubeadm.yaml')!;
    expect(kubeadm).toContain("name: '@CAST_NODE_NAME@'");
    expect(kubeadm).toContain("value: '@CAST_PROVIDER_ID@'");
  });

  test('each group claims mesh addresses from its own block of the scaling zone', () => {
    const zone = parseCidr(meshScalingZone('10.4.0.0/16')!.cidr);
    const blocks = scaled.map((s) => /CAST_MESH_CLAIM_CIDR='([0-9./]+)'/.exec(fileOf(s.final, '/etc/cast/node.env')!)![1]);
    expect(new Set(blocks).size).toBe(scaled.length);
    for (const block of blocks) expect(contains(zone, parseCidr(block))).toBe(true);
  });

  test('every document fits its cloud (USER_DATA_LIMITS: AWS and Azure count the gzip, GCP and DigitalOcean the text)', () => {
    for (const doc of [...scaled.map((s) => ({ name: s.group, final: s.final })), { name: 'cp-aws (first control plane)', final: first.final }]) {
      const cloud = ALL_CLOUDS.find((c) => doc.name.includes(c === Cloud.DIGITALOCEAN ? 'do' : c))!;
      expect({ doc: doc.name, fits: userDataSize(cloud, doc.final) < USER_DATA_LIMITS[cloud].bytes }).toEqual({ doc: doc.name, fits: true });
    }
  });

  describeWithTool('cloud-init', 'cloud-init', 'cloud-init schema', () => {
    test('every document is valid cloud-config', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-scaled-user-data-'));
      try {
        const files = scaled.map((s) => {
          const file = path.join(dir, `${s.group}.yaml`);
          fs.writeFileSync(file, s.final);
          return file;
        });
        cloudInitSchemaAll(files).forEach((run, i) => expect({ group: scaled[i].group, status: run.status, output: run.output }).toEqual({ group: scaled[i].group, status: 0, output: expect.stringContaining('Valid cloud-config') }));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('no node carries the cluster-autoscaler manifests: the in-cluster stack applies them', () => {
  test('no user-data holds them', () => {
    for (const l of locals) expect({ node: l.name, manifests: fileOf(l.final, '/etc/cast/manifests/cluster-autoscaler.yaml') }).toEqual({ node: l.name, manifests: undefined });
  });
});
