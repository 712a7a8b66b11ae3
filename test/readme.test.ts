/**
 * The README's TypeScript example is type-checked and run here, with
 * `cdktf-cast-cluster` resolved to this checkout, so the README cannot rot.
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

  test('type-checks against the library (and a broken copy does not)', () => {
    expect(typeErrors(example!)).toEqual([]);
    expect(typeErrors(example!.replace("name: 'prod',", 'name: 42,'))).toEqual([expect.stringContaining("Type 'number' is not assignable to type 'string'")]);
  });

  test('synthesizes the cluster it describes', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-readme-'));
    const code = ts.transpileModule(example!, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const load = (name: string) => (name === 'cdktf-cast-cluster' ? require('../lib') : require(name));
    const previous = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    try {
      new Function('require', 'exports', code)(load, {});
    } finally {
      if (previous === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = previous;
    }
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

/** Type errors of `code` as a file in this checkout, with the package name mapped to lib/. */
let previousProgram: ts.Program | undefined;

/**
 * The example's own type errors. Only its file is checked (the checker follows what it
 * uses into the library); the library as a whole is `npm run typecheck`'s. The second call
 * reuses the first program's parsed files.
 */
function typeErrors(code: string): string[] {
  const file = path.join(ROOT, 'test', '__readme_example__.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: ['node'],
    paths: { 'cdktf-cast-cluster': [path.join(ROOT, 'lib', 'index.ts')] },
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, version, ...rest) => (name === file ? ts.createSourceFile(name, code, version) : getSourceFile.call(host, name, version, ...rest));
  host.fileExists = (name) => name === file || fileExists.call(host, name);
  host.readFile = (name) => (name === file ? code : readFile.call(host, name));
  const program = ts.createProgram([file], options, host, previousProgram);
  previousProgram = program;
  return ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('README State example', () => {
  const state = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).find((code) => code.includes('new CastBackend('));

  test('type-checks against the library', () => {
    expect(state).toContain("from 'cdktf-cast-cluster'");
    expect(typeErrors(state!)).toEqual([]);
  });

  test('puts both stacks on the S3 key it says, locked', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-readme-state-'));
    const code = ts.transpileModule(state!, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const load = (name: string) => (name === 'cdktf-cast-cluster' ? require('../lib') : require(name));
    const previous = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    try {
      new Function('require', 'exports', code)(load, {});
    } finally {
      if (previous === undefined) delete process.env.CDKTF_OUTDIR;
      else process.env.CDKTF_OUTDIR = previous;
    }
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
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cast-readme-mesh-')) });
    buildApp(app);
    const stack = app.node.children.find((c) => TerraformStack.isStack(c))!;
    const cluster = stack.node.findAll().find((c): c is CastCluster => c instanceof CastCluster)!;
    const diagram = /```mermaid\n([\s\S]*?)```/.exec(README)?.[1];
    expect(diagram).toBe(cluster.mesh.diagram());
  });
});
