/**
 * What each node of the default example receives once Terraform has filled in
 * the references: valid cloud-config (Debian's `cloud-init schema`), with the
 * node's own name and addresses and nothing of another node's, and CA keys
 * only on control-plane nodes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { USER_DATA_LIMITS, userDataSize } from '../../lib/core/bootstrap/user-data-limits';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { TerraformStack, Testing } from 'cdktf';
import { parse } from 'yaml';
import { buildApp } from '../../examples/multi-cloud/app';
import { cloudInitSchemaAll, describeWithTool } from '../core/bootstrap/node-tools';
import { interpolate } from './terraform-interpolation';

const app = Testing.app();
buildApp(app);
const stack = app.node.children.find((c): c is TerraformStack => TerraformStack.isStack(c))!;
const json = JSON.parse(Testing.synth(stack));
const userData = Object.entries(json.locals as Record<string, string>)
  .filter(([name]) => name.endsWith('-user-data') || /-user-data_[0-9A-F]{8}$/.test(name))
  .map(([name, template]) => ({ node: /_(prod-[a-z-]+-\d+)-user-data/.exec(name)![1], template, final: interpolate(template) }));

describe('node user-data after Terraform fills it in', () => {
  test('one per node of the default example', () => {
    const nodes = Object.keys(JSON.parse(JSON.stringify(json.output.cast_cluster_prod_nodes.value)));
    expect(userData.map((u) => u.node).sort()).toEqual(nodes.sort());
    expect(userData).toHaveLength(10);
  });

  test.each(userData.map((u) => [u.node, u] as const))('%s: its own name, and no CA key (control planes here are on AWS, GCP and Azure: they read theirs from the cloud\'s secret store)', (node, u) => {
    expect(u.final.startsWith('#cloud-config\n')).toBe(true);
    expect(u.final).toContain(`CAST_NODE_NAME='${node}'`);
    const files = (parse(u.final).write_files as { path: string }[]).map((f) => f.path);
    const controlPlane = node.includes('-cp-');
    expect(files.filter((path) => path.startsWith('/etc/kubernetes/pki/'))).toEqual(controlPlane ? ['/etc/kubernetes/pki/ca.crt'] : []);
    expect(u.final.includes("CAST_KEYS_STORE=''")).toBe(!controlPlane);
  });

  // The rule that keeps a control plane's coming or going from replacing other VMs (Azure and
  // DigitalOcean replace a VM whose user-data changes): a node's user-data names no other node.
  // The seeds, which do name the control planes, travel beside it in tags and metadata.
  test.each(userData.map((u) => [u.node, u] as const))('%s: no reference to another node, nor to the seeds', (node, u) => {
    const others = userData.map((o) => o.node).filter((name) => name !== node);
    // node.env's and mesh.env's references are quoted for the shell at apply time: replace(<reference>, "'", "'\\''").
    const references = [...u.template.matchAll(/(?<!\$)\$\{([^}]*)\}/g)].map((m) => m[1].replace(/^replace\((.*), "'", "'\\\\''"\)$/, '$1'));
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((r) => others.some((other) => r.includes(`_${other}-`) || r.includes(`_${other}_`)))).toEqual([]);
    expect(references.filter((r) => r.includes('local.'))).toEqual([]);
    expect(others.filter((other) => u.template.includes(other))).toEqual([]);
    // Its own address is the one node resource it names.
    expect(references.filter((r) => r.includes(`_${node}-ip_`))).toHaveLength(references.filter((r) => /^(aws_eip|google_compute_address|azurerm_public_ip|digitalocean_reserved_ip)\./.test(r)).length);
  });

  test('every document fits its cloud (USER_DATA_LIMITS: AWS and Azure count the gzip, GCP and DigitalOcean the text)', () => {
    for (const u of userData) {
      const cloud = ALL_CLOUDS.find((c) => u.node.includes(`-${c === Cloud.DIGITALOCEAN ? 'do' : c}-`))!;
      expect({ node: u.node, fits: userDataSize(cloud, u.final) < USER_DATA_LIMITS[cloud].bytes }).toEqual({ node: u.node, fits: true });
    }
  });

  test('AWS nodes download the mesh agent, pinned by its hash; the others carry it', () => {
    for (const u of userData) {
      const downloads = /CAST_MESH_AGENT_URL='https:\/\/cast-mesh-bucket\.s3\.us-east-1\.amazonaws\.com\/cast-mesh-agent-[0-9a-f]{16}\.tar'/.test(u.final);
      expect({ node: u.node, downloads }).toEqual({ node: u.node, downloads: u.node.includes('-aws-') });
    }
  });

  describeWithTool('cloud-init', 'cloud-init', 'cloud-init schema', () => {
    test('every document is valid cloud-config', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-user-data-'));
      try {
        const files = userData.map((u) => {
          const file = path.join(dir, `${u.node}.yaml`);
          fs.writeFileSync(file, u.final);
          return file;
        });
        cloudInitSchemaAll(files).forEach((run, i) => expect({ node: userData[i].node, status: run.status, output: run.output }).toEqual({ node: userData[i].node, status: 0, output: expect.stringContaining('Valid cloud-config') }));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
