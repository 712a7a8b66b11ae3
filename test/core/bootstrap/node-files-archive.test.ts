/**
 * GCP and DigitalOcean nodes get their static files (scripts, the agent, units) as one
 * gzipped tar that runcmd unpacks before the bootstrap (lib/core/bootstrap/write-file.ts).
 * Shown here: which documents carry it, that GNU tar with runcmd's own arguments puts every
 * file in place with its mode, and, where cloud-init is installed, that cloud-init's own
 * write_files and runcmd do (in a sandbox: a private mount namespace over /etc, /opt, /var/lib).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';
import { NODE_BOOTSTRAP_KINDS, NodeBootstrapInput, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { NODE_FILES_ARCHIVE, UNPACK_NODE_FILES } from '../../../lib/core/bootstrap/node-files-archive';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { tarArchive } from '../../../lib/core/bootstrap/tar-archive';
import { MeshMode } from '../../../lib/core/mesh/mesh-mode';
import { missingBinaries } from '../../support/requirements';
import { fakeInput, fakeMeshInput } from './bootstrap-fixtures';
import { describeInSandbox, NodeSandbox } from './node-sandbox';
import { filesOfArchive, parseCloudConfig, parseUserData, WrittenFile } from './user-data-files';

const PACKED = [Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN];
const BOOTSTRAP = '/opt/cast/bin/bootstrap-node.sh';
/** Where the static files land: nothing else there comes as a write_files entry of its own on GCP and DigitalOcean. */
const STATIC_PLACES = /^(\/opt\/cast\/|\/etc\/systemd\/|\/etc\/apt\/apt\.conf\.d\/|\/etc\/cast\/manifests\/cast-rbac\.yaml$)/;

/** Every shape of document: each kind, without the mesh, with it in both modes, spot; an autoscaled worker. */
function inputs(cloud: Cloud): [string, NodeBootstrapInput][] {
  return [
    ...NODE_BOOTSTRAP_KINDS.flatMap((kind): [string, NodeBootstrapInput][] => [
      [`${kind}, no mesh`, fakeInput(kind, cloud)],
      [`${kind}, mesh, spot`, fakeMeshInput(kind, cloud, {}, { spot: cloud !== Cloud.DIGITALOCEAN })],
      [`${kind}, cloud network`, fakeMeshInput(kind, cloud, { mode: MeshMode.CLOUD_NETWORK }, { meshAddress: undefined })],
    ]),
    ['autoscaled worker', fakeInput('worker', cloud, { nodeName: undefined, publicAddress: undefined, meshAddress: undefined, scaledIdentity: { namePrefix: 'c1-burst' } })],
  ];
}

describe('which documents carry the node-files archive', () => {
  test.each(ALL_CLOUDS.flatMap((cloud) => inputs(cloud).map(([what, input]) => [cloud, what, input] as const)))('%s, %s', (cloud, _what, input) => {
    const rendered = renderNodeUserData(input);
    const sent = parseCloudConfig(rendered);
    const onDisk = parseUserData(rendered);
    const statics = onDisk.write_files.filter((f) => STATIC_PLACES.test(f.path)).map((f) => f.path);
    expect(statics).toContain(BOOTSTRAP);
    if (PACKED.includes(cloud)) {
      // One entry holds them all, written where the first was; runcmd unpacks it, then bootstraps.
      const archive = sent.write_files.filter((f) => f.path === NODE_FILES_ARCHIVE);
      expect(archive).toHaveLength(1);
      expect(sent.write_files.filter((f) => f.path !== NODE_FILES_ARCHIVE && STATIC_PLACES.test(f.path))).toEqual([]);
      expect(filesOfArchive(archive[0]).map((f) => f.path)).toEqual(statics);
      expect(sent.write_files.findIndex((f) => f.path === NODE_FILES_ARCHIVE)).toBe(onDisk.write_files.findIndex((f) => f.path === statics[0]));
      expect(sent.runcmd).toEqual([UNPACK_NODE_FILES, [BOOTSTRAP, input.kind]]);
    } else {
      expect(sent.write_files.map((f) => f.path)).toEqual(onDisk.write_files.map((f) => f.path));
      expect(sent.runcmd).toEqual([[BOOTSTRAP, input.kind]]);
    }
  });

  test('the same input gives the same archive; another set of files another one', () => {
    const archiveOf = (input: NodeBootstrapInput) => parseCloudConfig(renderNodeUserData(input)).write_files.find((f) => f.path === NODE_FILES_ARCHIVE)!.content;
    expect(archiveOf(fakeMeshInput('worker', Cloud.GCP))).toBe(archiveOf(fakeMeshInput('worker', Cloud.GCP)));
    expect(archiveOf(fakeMeshInput('worker', Cloud.GCP))).not.toBe(archiveOf(fakeInput('worker', Cloud.GCP)));
  });

  test('a member name over ustar\'s 100 bytes is refused at synth, naming it', () => {
    const path = `opt/${'x'.repeat(97)}`;
    expect(() => tarArchive([{ path, mode: 0o644, content: Buffer.from('') }])).toThrow(`${path}: a ustar name holds at most 100 bytes. Shorten the path.`);
  });
});

/** The archive as cloud-init writes it to disk (gz+b64 undone), from a document of `cloud`. */
function archiveOnDisk(input: NodeBootstrapInput): { tar: Buffer; files: WrittenFile[] } {
  const rendered = renderNodeUserData(input);
  const entry = parseCloudConfig(rendered).write_files.find((f) => f.path === NODE_FILES_ARCHIVE)!;
  return { tar: gunzipSync(Buffer.from(entry.content, 'base64')), files: parseUserData(rendered).write_files.filter((f) => STATIC_PLACES.test(f.path)) };
}

describe("GNU tar, with runcmd's own arguments", () => {
  test.each(PACKED)('%s: every static file lands at its path with its mode, owned by root (who runs it), dated now', (cloud) => {
    const { tar, files } = archiveOnDisk(fakeMeshInput('control-plane', cloud, { mode: MeshMode.CLOUD_NETWORK }, { meshAddress: undefined }));
    const dir = mkdtempSync(join(tmpdir(), 'cast-node-files-'));
    try {
      writeFileSync(join(dir, 'node-files.tar'), tar);
      const root = join(dir, 'root');
      const args = UNPACK_NODE_FILES.slice(1).map((arg) => arg.replace(`--file=${NODE_FILES_ARCHIVE}`, `--file=${join(dir, 'node-files.tar')}`).replace(/^--directory=\/$/, `--directory=${root}`));
      expect(args).toEqual(expect.arrayContaining([`--file=${join(dir, 'node-files.tar')}`, `--directory=${root}`]));
      execFileSync('mkdir', [root]);
      const before = Date.now() - 2000;
      // Under a umask that would take every mode's group and other bits: the archive's modes win.
      execFileSync('sh', ['-c', 'umask 077 && exec "$@"', 'sh', UNPACK_NODE_FILES[0], ...args]);
      for (const file of files) {
        const stat = statSync(join(root, file.path));
        expect({ path: file.path, mode: (stat.mode & 0o777).toString(8).padStart(4, '0'), uid: stat.uid, content: readFileSync(join(root, file.path), 'utf8') }).toEqual({
          path: file.path,
          mode: file.permissions,
          uid: process.getuid!(),
          content: file.content,
        });
        expect(stat.mtimeMs).toBeGreaterThan(before);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** cloud-init's own modules run in the sandbox below: without cloud-init, that group is skipped (failing on CI) with this reason. */
const CLOUD_INIT_MISSING = missingBinaries(['cloud-init'], 'apt-get install cloud-init');
const cloudInitPython = (): string => readFileSync(execFileSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' }).trim(), 'utf8').split('\n')[0].replace(/^#!\s*/, '').split(' ')[0];

describeInSandbox("cloud-init's own write_files and runcmd", () => {
  test.each(PACKED)('%s: every file of the document is in place with its mode before bootstrap-node.sh runs', (cloud) => {
    const rendered = renderNodeUserData(fakeMeshInput('control-plane', cloud, {}, { spot: cloud === Cloud.GCP }));
    const expected = parseUserData(rendered).write_files;
    const dir = mkdtempSync(join(tmpdir(), 'cast-cloud-init-'));
    const sandbox = new NodeSandbox();
    try {
      writeFileSync(join(dir, 'user-data.yaml'), unescapeTerraformTemplate(rendered));
      writeFileSync(join(dir, 'paths.json'), JSON.stringify(expected.map((f) => f.path)));
      // The init stage's write_files (cc_write_files.write_files, as cloud-init 22.4 calls it), then the
      // runcmd script as cc_runcmd writes it (util.shellify) without its last command, the bootstrap.
      const python = [
        'import json, os, subprocess, sys, yaml',
        'from cloudinit import util',
        'from cloudinit.config.cc_write_files import write_files',
        'd = sys.argv[1]',
        "cfg = yaml.safe_load(open(os.path.join(d, 'user-data.yaml')))",
        "write_files('write_files', cfg['write_files'], 'root:root')",
        `assert cfg['runcmd'][-1][0] == ${JSON.stringify(BOOTSTRAP)}`,
        "script = os.path.join(d, 'runcmd')",
        "util.write_file(script, util.shellify(cfg['runcmd'][:-1]), 0o700)",
        'subprocess.run([script], check=True)',
        "out = {p: [oct(os.stat(p).st_mode & 0o777), os.stat(p).st_uid, open(p, 'rb').read().decode()] for p in json.load(open(os.path.join(d, 'paths.json')))}",
        "json.dump(out, open(os.path.join(d, 'found.json'), 'w'))",
      ].join('\n');
      const run = sandbox.run([cloudInitPython(), '-c', python, dir], {});
      expect(run.output).toBe('');
      expect(run.status).toBe(0);
      const found = JSON.parse(readFileSync(join(dir, 'found.json'), 'utf8')) as Record<string, [string, number, string]>;
      const decoded = (file: WrittenFile) => (file.encoding === 'b64' ? Buffer.from(file.content, 'base64').toString('utf8') : file.content);
      expect(found).toEqual(Object.fromEntries(expected.map((file) => [file.path, [`0o${file.permissions.replace(/^0/, '')}`, 0, decoded(file)]])));
      expect(Object.keys(found)).toContain(BOOTSTRAP);
    } finally {
      sandbox.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
}, CLOUD_INIT_MISSING);
