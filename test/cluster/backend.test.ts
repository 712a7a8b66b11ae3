/**
 * CastBackend: every stack of the app on one remote backend, one state per stack, and the
 * in-cluster stack's read of the cluster stack's state on the same backend with the same
 * settings; the warning for secrets in a local state file; misuse stopped at synth.
 * One small cluster (one AWS control plane) per synth: about half a CPU-second each.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, S3Backend, TerraformStack, Testing } from 'cdktf';
import { CastBackend, CastBackendProps } from '../../lib/cluster/backend';
import { REMOTE_STATE_FIX, warnOnLocalState } from '../../lib/cluster/backend-warning';
import { CastCluster, Cloud, InClusterStack, NodeRole } from '../../lib';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

interface Synthesized {
  readonly stacks: Record<string, any>;
  readonly warnings: Record<string, string[]>;
}

/** A cluster stack and its InClusterStack; `configure` runs after both exist, before synth. */
function synthApp(configure: (app: App) => void = () => {}): Synthesized {
  const app = Testing.app();
  try {
    const stack = new TerraformStack(app, 'platform');
    const cluster = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS] });
    cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    new InClusterStack(app, 'platform-in-cluster', { cluster });
    configure(app);
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8'));
    const stacks: Record<string, any> = {};
    const warnings: Record<string, string[]> = {};
    for (const [id, entry] of Object.entries<any>(manifest.stacks)) {
      stacks[id] = JSON.parse(fs.readFileSync(path.join(app.outdir, entry.synthesizedStackPath), 'utf8'));
      warnings[id] = entry.annotations.filter((a: any) => a.level === '@cdktf/warn').map((a: any) => a.message);
    }
    return { stacks, warnings };
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
}

const stateWarnings = (synthesized: Synthesized) =>
  Object.fromEntries(Object.entries(synthesized.warnings).map(([id, messages]) => [id, messages.filter((m) => m.includes('the state of this stack'))]));

/** The in-cluster stack's read of the cluster stack's state. */
function remoteState(synthesized: Synthesized): any {
  const reads = Object.values(synthesized.stacks['platform-in-cluster'].data.terraform_remote_state);
  expect(reads).toHaveLength(1);
  return reads[0];
}

describe.each<[string, CastBackendProps, string, (stack: string) => object]>([
  [
    's3',
    { s3: { bucket: 'acme-tfstate', region: 'us-east-1', keyPrefix: 'cast/' } },
    's3',
    (stack) => ({ bucket: 'acme-tfstate', region: 'us-east-1', key: `cast/${stack}.tfstate`, encrypt: true, use_lockfile: true }),
  ],
  [
    'gcs',
    { gcs: { bucket: 'acme-tfstate', prefix: 'cast/' } },
    'gcs',
    (stack) => ({ bucket: 'acme-tfstate', prefix: `cast/${stack}` }),
  ],
  [
    'azurerm',
    { azurerm: { storageAccountName: 'acmetfstate', containerName: 'tfstate', keyPrefix: 'cast/' } },
    'azurerm',
    (stack) => ({ storage_account_name: 'acmetfstate', container_name: 'tfstate', key: `cast/${stack}.tfstate`, use_azuread_auth: true }),
  ],
])('%s', (_name, props, type, expected) => {
  let synthesized: Synthesized | undefined;
  const synth = () => (synthesized ??= synthApp((app) => new CastBackend(app, 'state', props)));

  test('every stack has its own state on the backend', () => {
    const { stacks } = synth();
    expect(Object.keys(stacks).sort()).toEqual(['platform', 'platform-in-cluster']);
    for (const [id, stack] of Object.entries(stacks)) expect(stack.terraform.backend).toEqual({ [type]: expected(id) });
  });

  test("the in-cluster stack reads the cluster stack's state there, with the same settings", () => {
    const read = remoteState(synth());
    expect(read.backend).toBe(type);
    expect(read.config).toEqual(expected('platform'));
    expect(read.config).toEqual(synth().stacks.platform.terraform.backend[type]);
  });

  test('no warning about a local state; the stacks conform to the provider schemas', () => {
    expect(stateWarnings(synth())).toEqual({ 'platform': [], 'platform-in-cluster': [] });
    const schemas = loadVendoredSchemas();
    for (const stack of Object.values(synth().stacks)) expect(formatProblems(checkStackConformance(stack, schemas))).toBe('');
  });
});

describe('HCP Terraform', () => {
  const synthesized = () => synthApp((app) => new CastBackend(app, 'state', { hcpTerraform: { organization: 'acme', workspacePrefix: 'cast-' } }));

  test("a workspace per stack, and the in-cluster stack reads the cluster's workspace", () => {
    const result = synthesized();
    for (const [id, stack] of Object.entries(result.stacks)) {
      expect(stack.terraform.backend).toBeUndefined();
      expect(stack.terraform.cloud).toEqual({ organization: 'acme', workspaces: { name: `cast-${id}` } });
    }
    // HCP Terraform's remote state is read through the `remote` backend (cdktf CloudBackend.getRemoteStateDataSource).
    const read = remoteState(result);
    expect(read.backend).toBe('remote');
    expect(read.config).toEqual({ organization: 'acme', workspaces: { name: 'cast-platform' } });
    expect(stateWarnings(result)).toEqual({ 'platform': [], 'platform-in-cluster': [] });
    const schemas = loadVendoredSchemas();
    for (const stack of Object.values(result.stacks)) expect(formatProblems(checkStackConformance(stack, schemas))).toBe('');
  });
});

describe('a local state', () => {
  test('a warning on each stack that holds secrets, saying what it holds and the fix', () => {
    const result = synthApp();
    expect(result.stacks.platform.terraform.backend).toEqual({ local: expect.anything() });
    expect(remoteState(result).backend).toBe('local');
    expect(stateWarnings(result)).toEqual({
      'platform': [expect.stringMatching(/^platform: the state of this stack holds the cluster's CA keys and admin kubeconfig, and is a local file \(terraform\.platform\.tfstate /)],
      'platform-in-cluster': [expect.stringMatching(/^platform-in-cluster: the state of this stack holds the cluster's admin kubeconfig, and is a local file \(terraform\.platform-in-cluster\.tfstate /)],
    });
    for (const [warning] of Object.values(stateWarnings(result))) expect(warning.endsWith(REMOTE_STATE_FIX)).toBe(true);
  });

  test('the warning names each secret once, however many readers register it', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    warnOnLocalState(stack, 'the CA keys');
    warnOnLocalState(stack, 'the CA keys');
    warnOnLocalState(stack, 'a kubeconfig');
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(app.outdir, 'manifest.json'), 'utf8'));
    fs.rmSync(app.outdir, { recursive: true, force: true });
    expect(manifest.stacks.s.annotations.map((a: any) => [a.constructPath, a.message.replace(/ \(terraform.*$/, ''), Object.keys(a).includes('stacktrace')])).toEqual([
      ['s/StateBackendCheck', 's: the state of this stack holds the CA keys and a kubeconfig, and is a local file', false],
    ]);
  });

  test('a remote backend a stack names itself silences the warning for that stack only', () => {
    const result = synthApp((app) => new S3Backend(app.node.findChild('platform') as TerraformStack, { bucket: 'b', key: 'platform.tfstate', region: 'us-east-1' }));
    expect(stateWarnings(result).platform).toEqual([]);
    expect(stateWarnings(result)['platform-in-cluster']).toHaveLength(1);
    // The read follows the cluster stack's own backend, even one set after the in-cluster stack was made.
    expect(remoteState(result).backend).toBe('s3');
  });
});

describe('misuse stops the synth with every problem at once', () => {
  const message = (configure: (app: App) => void) => {
    try {
      synthApp(configure);
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  test('no backend or two; a blank bucket', () => {
    expect(message((app) => new CastBackend(app, 'state', {}))).toBe(
      'state: props must name exactly one backend: s3, gcs, azurerm or hcpTerraform (got none). Keep the one your state should live in.',
    );
    expect(message((app) => new CastBackend(app, 'state', { s3: { bucket: ' ', region: 'us-east-1' }, gcs: { bucket: 'b' } })).split('\n')).toEqual([
      'state: props must name exactly one backend: s3, gcs, azurerm or hcpTerraform (got s3, gcs). Keep the one your state should live in.',
      'state: s3.bucket must not be empty (got ""). Name it, or leave the prop out.',
    ]);
  });

  test('an S3-compatible store named by something other than a URL', () => {
    expect(message((app) => new CastBackend(app, 'state', { s3: { bucket: 'b', region: 'us-east-1', endpoint: 'minio:9000' } }))).toBe(
      'state: s3.endpoint must be an http(s) URL (got "minio:9000"). Give the store\'s S3 API URL, e.g. https://minio.example.com:9000.',
    );
  });

  test('a stack with a backend of its own', () => {
    expect(message((app) => {
      new S3Backend(app.node.findChild('platform') as TerraformStack, { bucket: 'b', key: 'k', region: 'us-east-1' });
      new CastBackend(app, 'state', { gcs: { bucket: 'b' } });
    })).toBe('state: stack platform must not have a backend of its own (got S3Backend platform/backend). Remove it: CastBackend gives every stack its state.');
  });

  test('a stack created after it', () => {
    // The check is the App's own validation, reported without a prefix (the App's path is empty).
    expect(message((app) => {
      new CastBackend(app, 'state', { gcs: { bucket: 'b' } });
      new TerraformStack(app, 'late');
    })).toBe('state: must come after every stack (got late, created after it, which would keep its state in a local file). Create the CastBackend after the last stack.');
  });
});
