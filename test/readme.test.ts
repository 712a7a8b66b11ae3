/**
 * The README's TypeScript examples are run here, with `cdktf-cast-cluster` resolved to this
 * checkout, so the README cannot rot. They are type-checked by `npm run typecheck`, as copies
 * in test/readme-snippets/ that must be the README's code byte for byte (one TypeScript program
 * over the library per example here cost about 4 CPU-seconds of every test run).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, TerraformStack } from 'cdktf';
import * as ts from 'typescript';
import { buildApp } from '../examples/multi-cloud/app';
import { CastCluster } from '../lib/cluster/cast-cluster';

const ROOT = path.resolve(__dirname, '..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const example = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((code) => code.includes("from 'cdktf-cast-cluster'"));

describe('README example', () => {
  test('exists', () => {
    expect(example).toContain('new CastCluster(');
  });

  test('is the type-checked copy, byte for byte (test/readme-snippets/example.ts)', () => {
    expect(example).toBe(snippet('example.ts'));
  });

  test('synthesizes the cluster it describes', () => {
    const outdir = runSnippet(example!, 'cast-readme-');
    const stack = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'platform', 'cdk.tf.json'), 'utf8'));
    fs.rmSync(outdir, { recursive: true, force: true });
    const subnets = Object.values(stack.resource.aws_subnet as Record<string, { cidr_block: string }>).map((s) => s.cidr_block);
    expect(subnets).toEqual(['10.10.1.0/24']);
    const ingress = Object.values(stack.resource.aws_vpc_security_group_ingress_rule as Record<string, { from_port?: number; cidr_ipv4: string }>);
    expect(ingress.filter((r) => r.from_port === 22).map((r) => r.cidr_ipv4)).toEqual(['203.0.113.0/24', '203.0.113.0/24']);
    expect(ingress.filter((r) => r.from_port === 6443).map((r) => r.cidr_ipv4)).toEqual(['0.0.0.0/0']);
    expect(Object.keys(stack.provider)).toEqual(['aws', 'azurerm', 'digitalocean', 'google', 'random', 'tls']);
    const droplets = Object.values(stack.resource.digitalocean_droplet as Record<string, { name: string }>).map((d) => d.name);
    expect(droplets.sort()).toEqual(['edge-nyc-a', 'edge-nyc-b']);
    expect(Object.keys(stack.resource.google_compute_instance)).toHaveLength(4);
  });
});

/** Runs a README example as an app would (the package name is this checkout's lib/); returns where it synthesized to. */
function runSnippet(source: string, prefix: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const code = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const load = (name: string) => (name === 'cdktf-cast-cluster' ? require('../lib') : require(name));
  const previous = process.env.CDKTF_OUTDIR;
  process.env.CDKTF_OUTDIR = outdir;
  try {
    new Function('require', 'exports', code)(load, {});
  } finally {
    if (previous === undefined) delete process.env.CDKTF_OUTDIR;
    else process.env.CDKTF_OUTDIR = previous;
  }
  return outdir;
}

/** A README example as `npm run typecheck` checks it (tsconfig.dev.json includes test/**). */
function snippet(name: string): string {
  return fs.readFileSync(path.join(ROOT, 'test', 'readme-snippets', name), 'utf8');
}

describe('README State example', () => {
  const state = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((code) => code.includes('new CastBackend('));

  test('is the type-checked copy, byte for byte (test/readme-snippets/state.ts)', () => {
    expect(state).toContain("from 'cdktf-cast-cluster'");
    expect(state).toBe(snippet('state.ts'));
  });

  test('puts both stacks on the S3 key it says, locked', () => {
    const outdir = runSnippet(state!, 'cast-readme-state-');
    const backendOf = (stack: string) => JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')).terraform.backend;
    try {
      expect(backendOf('platform')).toEqual({ s3: { bucket: 'acme-tfstate', region: 'us-east-1', key: 'cast/platform.tfstate', encrypt: true, use_lockfile: true } });
      expect(backendOf('platform-in-cluster').s3.key).toBe('cast/platform-in-cluster.tfstate');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('README mesh diagram', () => {
  test('is the diagram of the default example, as the mesh renders it today', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-readme-mesh-'));
    try {
      const app = new App({ outdir });
      buildApp(app);
      const stack = app.node.children.find((c) => TerraformStack.isStack(c))!;
      const cluster = stack.node.findAll().find((c): c is CastCluster => c instanceof CastCluster)!;
      const diagram = /```mermaid\n([\s\S]*?)```/.exec(README)?.[1];
      expect(diagram).toBe(cluster.mesh.diagram());
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
