/**
 * Every user-data document passes Debian's `cloud-init schema`, and every
 * script passes `shellcheck -S style`, as the node would receive them: rendered
 * with concrete values and unescaped the way Terraform does.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';
import { installKubernetesValues, NODE_BOOTSTRAP_KINDS, NodeBootstrapInput, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { meshUpValues } from '../../../lib/core/bootstrap/mesh-files';
import { renderTemplateFile, unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { renderYaml, YamlValue } from '../../../lib/core/bootstrap/render-yaml';
import { templatesDirectory } from '../../../lib/core/bootstrap/template-files';
import { MeshMode } from '../../../lib/core/mesh/mesh-mode';
import { fakeInput, fakeMeshInput } from './bootstrap-fixtures';
import { cloudInitSchemaAll, describeWithTool, runTool, ToolRun } from './node-tools';
import { contentOf, fileAt, parseUserData } from './user-data-files';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cast-bootstrap-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes `text` to a fresh file in the test's folder and returns its path. */
function writeTemp(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// DigitalOcean has no spot droplets (an input error, tested with the bad inputs).
const MATRIX = NODE_BOOTSTRAP_KINDS.flatMap((kind) =>
  ALL_CLOUDS.flatMap((cloud) => [false, true].filter((spot) => !(spot && cloud === Cloud.DIGITALOCEAN)).map((spot) => [kind, cloud, spot] as const)),
);

describeWithTool('cloud-init', 'cloud-init', 'cloud-init schema', () => {
  const MESH = NODE_BOOTSTRAP_KINDS.flatMap((kind) => [MeshMode.FULL_MESH, MeshMode.CLOUD_NETWORK].map((mode) => [kind, mode] as const));
  const documents: Record<string, () => string> = {
    ...Object.fromEntries(MATRIX.map(([kind, cloud, spot]) => [`${kind}-${cloud}-${spot}`, () => unescapeTerraformTemplate(renderNodeUserData(fakeInput(kind, cloud, { spot })))])),
    ...Object.fromEntries(MESH.map(([kind, mode]) => [`mesh-${kind}-${mode}`, () => unescapeTerraformTemplate(renderNodeUserData(fakeMeshInput(kind, Cloud.GCP, { mode, gateway: true, privateCidr: '10.20.0.0/24' }, { spot: true })))])),
    bad: () => unescapeTerraformTemplate(renderNodeUserData(fakeInput('worker'))).replace('permissions: \'0755\'', "permissions: '0755'\n    encoding: rot13"),
  };
  // Every document through cloud-init's own schema check, in one Python process (cloudInitSchemaAll).
  let checked: Record<string, ToolRun> | undefined;
  const check = (name: string): ToolRun => {
    if (!checked) {
      const names = Object.keys(documents);
      const runs = cloudInitSchemaAll(names.map((n) => writeTemp(`${n}.yaml`, documents[n]())));
      checked = Object.fromEntries(names.map((n, i) => [n, runs[i]]));
    }
    return checked[name];
  };
  const valid = (run: ToolRun) => {
    // Debian 12's cloud-init (22.4) prints "Valid cloud-config: <file>"; 23.4 and later "Valid schema <file>".
    expect(run.status).toBe(0);
    expect(run.output).toMatch(/^Valid (cloud-config:|schema) /);
    expect(run.output).not.toMatch(/error|deprecat/i);
  };

  test.each(MATRIX)('%s on %s, spot %s: valid cloud-config', (kind, cloud, spot) => valid(check(`${kind}-${cloud}-${spot}`)));

  test.each(MESH)('%s with the mesh (%s): valid cloud-config', (kind, mode) => valid(check(`mesh-${kind}-${mode}`)));

  test('the check has teeth: a bad encoding is refused', () => {
    const run = check('bad');
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/write_files\.\d+\.encoding: 'rot13' is not one of/);
  });

  test('the batched check says what the cloud-init command says, for a good and a bad document', () => {
    for (const name of [`worker-${Cloud.AWS}-false`, 'bad']) {
      const batched = check(name);
      const path = join(dir, `${name}.yaml`);
      const command = runTool('cloud-init', ['schema', '-c', path]);
      expect({ name, status: command.status === 0 ? 0 : 1, first: command.output.split('\n')[0].replace(/^Error: /, '') })
        .toEqual({ name, status: batched.status, first: batched.output.split('\n')[0].replace(/^Error: /, '') });
    }
  });

  test("cloud-init's YAML reader (PyYAML) reads what renderYaml emits as the yaml package does (property sample)", () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\t', '#', ':', '-', "'", '"', '$', '{', '}', '%', '|', '>', '&', '*', '!', 'é') });
    // YAML 1.1 words that PyYAML reads as booleans or null, as keys too.
    const key = fc.oneof(fc.stringMatching(/^[a-z_][a-z0-9_-]{0,6}$/), fc.constantFrom('on', 'no', 'yes', 'y', 'off', 'null'));
    const doc = fc.dictionary(key, fc.oneof(text, fc.array(fc.oneof(text, fc.dictionary(key, text, { maxKeys: 3 })), { maxLength: 3 }), fc.integer(), fc.boolean()), { minKeys: 1, maxKeys: 5 });
    const docs = (fc.sample(doc, { numRuns: 3000, seed: 42 }) as YamlValue[]).flatMap((value) => {
      try {
        return [{ yaml: renderYaml(value), value }];
      } catch {
        return []; // refused (a Terraform expression where only double quotes would do): see render-yaml.test.ts
      }
    });
    expect(docs.length).toBeGreaterThan(2900);
    const path = writeTemp('docs.json', JSON.stringify(docs));
    const script = 'import json, sys, yaml\nbad = [c for c in json.load(open(sys.argv[1])) if yaml.safe_load(c["yaml"]) != c["value"]]\nprint(json.dumps(bad[:3]))\nsys.exit(1 if bad else 0)\n';
    expect(runTool('python3', ['-c', script, path])).toEqual({ status: 0, output: '[]\n' });
  });
});

describeWithTool('shellcheck', 'shellcheck', 'shellcheck -S style', () => {
  const scripts = readdirSync(join(templatesDirectory(), 'scripts')).filter((name) => name.endsWith('.sh'));

  test('templates/scripts holds the scripts the bootstrap embeds', () => {
    // etcd-remove-member.sh travels with the agent (/opt/cast/mesh): an operator runs it on a surviving control plane (test/etcd runs it against real etcd).
    expect(scripts.sort()).toEqual([
      'api-seeds.sh',
      'bootstrap-node.sh',
      'cloud-metadata.sh',
      'etcd-remove-member.sh',
      'install-kubernetes.sh',
      'kubernetes-version.sh',
      'metadata-guard.sh',
      'node-identity.sh',
      'node-private-address.sh',
      'spot-handler.sh',
    ]);
  });

  test.each(scripts)('templates/scripts/%s', (name) => {
    // install-kubernetes.sh gets the pins of lib/core/supply.ts; the others have no placeholders.
    const text = unescapeTerraformTemplate(renderTemplateFile(`scripts/${name}`, name === 'install-kubernetes.sh' ? installKubernetesValues() : {}));
    expect(runTool('shellcheck', ['-S', 'style', writeTemp(name, text)])).toEqual({ status: 0, output: '' });
  });

  test('templates/cast/node.env, rendered with fake values', () => {
    const config = parseUserData(renderNodeUserData(fakeInput('control-plane')));
    const text = fileAt(config, '/etc/cast/node.env').content;
    expect(runTool('shellcheck', ['-S', 'style', '--shell=bash', writeTemp('node.env', text)])).toEqual({ status: 0, output: '' });
  });

  test('templates/mesh/mesh-up.sh', () => {
    const text = unescapeTerraformTemplate(renderTemplateFile('mesh/mesh-up.sh', meshUpValues()));
    expect(runTool('shellcheck', ['-S', 'style', writeTemp('mesh-up.sh', text)])).toEqual({ status: 0, output: '' });
  });

  test('the mesh files as a node receives them: mesh-up.sh and mesh.env (with a token and every optional value set)', () => {
    const config = parseUserData(renderNodeUserData(fakeMeshInput('worker', Cloud.DIGITALOCEAN, { gateway: false, privateCidr: '10.30.0.0/24', agentUrl: 'https://example.com/a.tar', agentSha256: 'f'.repeat(64) })));
    expect(runTool('shellcheck', ['-S', 'style', writeTemp('mesh-up.sh', contentOf(fileAt(config, '/opt/cast/bin/mesh-up.sh')))])).toEqual({ status: 0, output: '' });
    expect(runTool('shellcheck', ['-S', 'style', '--shell=bash', writeTemp('mesh.env', contentOf(fileAt(config, '/etc/cast/mesh.env')))])).toEqual({ status: 0, output: '' });
  });

  // Between them these nodes carry every embedded script: a control plane, a spot worker
  // without a mesh address (node-private-address.sh), a scaled worker (node-identity.sh),
  // and with the agent inline, etcd-remove-member.sh beside it.
  const nodes: [string, NodeBootstrapInput][] = [
    ['GCP control plane with the mesh', fakeMeshInput('control-plane', Cloud.GCP)],
    ['Azure spot worker without a mesh address', fakeInput('worker', Cloud.AZURE, { spot: true, meshAddress: undefined })],
    ['AWS scaled worker', fakeInput('worker', Cloud.AWS, { nodeName: undefined, publicAddress: undefined, meshAddress: undefined, scaledIdentity: { namePrefix: 'prod-aws-pool' } })],
  ];
  const nodeScripts = nodes.flatMap(([node, input]) =>
    parseUserData(renderNodeUserData(input))
      .write_files.filter((file) => file.path.endsWith('.sh'))
      .map((file) => [node, file.path, contentOf(file)] as const),
  );

  test('the scripts as those nodes receive them are every script of templates/scripts, and mesh-up.sh', () => {
    expect([...new Set(nodeScripts.map(([, path]) => path.split('/').pop()))].sort()).toEqual([...scripts, 'mesh-up.sh'].sort());
  });

  test.each(nodeScripts)('%s: %s as the node receives it', (_node, path, text) => {
    expect(runTool('shellcheck', ['-S', 'style', writeTemp(path.split('/').pop()!, text)])).toEqual({ status: 0, output: '' });
  });
});
