/**
 * The user docs against the code: figures the docs state that the code defines, the words of
 * the project's own history (which mean nothing to a user), and links to files or headings
 * that do not exist. A change to a default fails here until the docs say the new value.
 * Cheap: reads files and a few constants; no App, no synth.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_RANGES } from '../../lib/core/address-plan';
import { MAX_API_SERVER_SEEDS } from '../../lib/core/api-seeds';
import { DEFAULT_BACKUP_KEEP, DEFAULT_BACKUP_SCHEDULE } from '../../lib/core/backup/etcd-backup-plan';
import { formatAddress, parseAddress, parseCidr } from '../../lib/core/cidr';
import { Cloud } from '../../lib/core/cloud';
import { DEFAULT_KUBERNETES_VERSION } from '../../lib/core/kubernetes-version';
import { DEFAULT_LISTEN_PORT } from '../../lib/core/mesh/mesh-defaults';
import { meshScalingZone } from '../../lib/core/mesh/scaling-zone';
import { OS_PATCHING_DEFAULTS, WEEKDAYS } from '../../lib/core/os-patching/os-patching';
import { CAST_REGIONS } from '../../lib/core/regions';
import { ALL_SHAPES, SHAPES } from '../../lib/core/shapes';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const README = read('README.md');
const pkg = JSON.parse(read('package.json'));

/** Every Markdown file a user reads: the README, docs/ (shipped in the package) and the examples' READMEs. */
function userDocs(): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'cdktf.out' ? [] : walk(rel);
      return entry.name.endsWith('.md') ? [rel] : [];
    });
  return ['README.md', 'API.md', ...walk('docs'), ...walk('examples')].sort();
}

/** A Markdown table's rows (cells trimmed), found by its header line. */
function tableRows(markdown: string, header: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith(header));
  expect(start).toBeGreaterThanOrEqual(0);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split('|').map((cell) => cell.trim()));
  }
  return rows;
}

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return new Set([...withoutCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchorOf(m[1])));
}

describe('user docs speak to users', () => {
  // The project's own history: issue and session numbers, the brief it grew from, paths outside the repository.
  const INTERNAL = [/\bissues? #?\d+/i, /\bsessions? \d+/i, /\bthe seed\b(?!s)/i, /\bseed's\b/i, /\.\.\/shared\b/, /\bhelper "/];
  test.each(userDocs())('%s has no internal vocabulary', (file) => {
    const hits = read(file)
      .split('\n')
      .flatMap((line, i) => INTERNAL.filter((re) => re.test(line)).map((re) => `${file}:${i + 1}: ${re.exec(line)![0]}`));
    expect(hits).toEqual([]);
  });

  test.each(userDocs())('%s links only to files and headings that exist', (file) => {
    const text = read(file).replace(/^```[\s\S]*?^```/gm, '');
    const broken: string[] = [];
    for (const [, href] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(href)) continue;
      const [target, anchor] = href.split('#');
      const targetFile = target === '' ? path.join(ROOT, file) : path.resolve(path.dirname(path.join(ROOT, file)), decodeURI(target));
      if (!fs.existsSync(targetFile)) {
        broken.push(`${href}: no such file`);
      } else if (anchor && targetFile.endsWith('.md') && !anchorsOf(fs.readFileSync(targetFile, 'utf8')).has(anchor)) {
        broken.push(`${href}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('README figures are the code', () => {
  test('Kubernetes version, WireGuard port and mesh range', () => {
    expect(README).toContain(`pinned version (default ${DEFAULT_KUBERNETES_VERSION})`);
    expect(README).toContain(`(\`${DEFAULT_RANGES.meshCidr}\`, udp ${DEFAULT_LISTEN_PORT})`);
  });

  test('the address plan table', () => {
    const rows = Object.fromEntries(tableRows(README, '| range | default |').map(([range, value]) => [range, value]));
    expect(rows['Kubernetes services']).toBe(DEFAULT_RANGES.serviceCidr);
    expect(rows['Kubernetes pods']).toMatch(new RegExp(`^${DEFAULT_RANGES.podCidr.replace(/\./g, '\\.')} `));
    expect(rows['WireGuard mesh']).toBe(DEFAULT_RANGES.meshCidr);
    expect(rows['GCP VPC']).toMatch(new RegExp(`^${DEFAULT_RANGES.gcpVpcCidr}, `));
    expect(rows['AWS VPC']).toMatch(new RegExp(`^${DEFAULT_RANGES.awsVpcCidr}, `));
    expect(rows['Azure VNet']).toMatch(new RegExp(`^${DEFAULT_RANGES.azureVpcCidr}, `));
  });

  test('the shape table', () => {
    const rows = tableRows(README, '| shape | vCPU |');
    expect(rows.map((row) => row[0].replace(' (default)', ''))).toEqual(ALL_SHAPES);
    for (const row of rows) {
      const spec = SHAPES[row[0].replace(' (default)', '') as keyof typeof SHAPES];
      expect(row.slice(1)).toEqual([
        String(spec.vcpu),
        String(spec.memoryGiB),
        spec.instanceType[Cloud.AWS],
        spec.instanceType[Cloud.GCP],
        spec.instanceType[Cloud.AZURE],
        spec.instanceType[Cloud.DIGITALOCEAN],
      ]);
    }
  });

  test('the region table', () => {
    const rows = tableRows(README, '| id | name |');
    const zoneSuffix = (region: string, zone: string) => zone.slice(region.length).replace(/^-/, '');
    expect(rows).toEqual(
      CAST_REGIONS.map((r) => [
        r.id,
        r.displayName,
        r.aws ? `${r.aws.region} (${zoneSuffix(r.aws.region, r.aws.zone)})` : '—',
        r.gcp ? `${r.gcp.region} (${zoneSuffix(r.gcp.region, r.gcp.zone)})` : '—',
        r.azure ? `${r.azure.region} (${r.azure.zone})` : '—',
        r.digitalocean ? r.digitalocean.region : '—',
      ]),
    );
  });

  test('control-plane limit, etcd backups and the OS patching window', () => {
    expect(README).toContain(`refuses more than ${MAX_API_SERVER_SEEDS}`);
    // The default schedule is one minute of every hour.
    expect(DEFAULT_BACKUP_SCHEDULE).toMatch(/^\d+ \* \* \* \*$/);
    expect(README).toContain(`hourly snapshots, ${DEFAULT_BACKUP_KEEP} kept`);
    expect(OS_PATCHING_DEFAULTS.rebootDays).toEqual(WEEKDAYS);
    const { windowStart, windowEnd, timeZone } = OS_PATCHING_DEFAULTS;
    expect(README).toContain(`(default: every day ${windowStart}–${windowEnd} ${timeZone})`);
  });

  test('the install commands name the versions package.json asks for', () => {
    const install = /```sh\n(npm install [\s\S]*?)```/.exec(README.slice(README.indexOf('## Use it in your CDKTF app')))![1];
    const asked = new Map<string, string>();
    for (const [, name, range] of install.matchAll(/\s((?:@[\w-]+\/)?[\w.-]+)@(\^?[\d.]+|\^\d+)(?=\s|$)/g)) asked.set(name, range);
    expect([...asked.keys()].sort()).toEqual([...Object.keys(pkg.peerDependencies), 'cdktf-cli', 'tsx', 'typescript', '@types/node'].sort());
    for (const [name, range] of Object.entries(pkg.peerDependencies)) expect([name, asked.get(name)]).toEqual([name, range]);
    expect(asked.get('cdktf-cli')).toBe(pkg.devDependencies['cdktf-cli']);
    expect(asked.get('tsx')).toBe(`^${pkg.devDependencies.tsx}`);
    expect(asked.get('typescript')).toBe(`^${pkg.devDependencies.typescript}`);
    expect(install).toContain(`cdktf-cast-cluster-${pkg.version}.tgz`);
  });
});

describe('README Architecture', () => {
  test('the folder map names every folder of lib/ and the top level, and only folders that exist', () => {
    const named = tableRows(README, '| folder | what lives there |').flatMap(([folders]) => [...folders.matchAll(/`([^`]+)`/g)].map((m) => m[1]));
    for (const folder of named) expect([folder, fs.existsSync(path.join(ROOT, folder))]).toEqual([folder, true]);
    const libFolders = fs.readdirSync(path.join(ROOT, 'lib'), { withFileTypes: true }).filter((e) => e.isDirectory() && e.name !== 'private' && e.name !== 'regions').map((e) => `lib/${e.name}`);
    expect(libFolders.filter((folder) => !named.includes(folder))).toEqual([]);
    for (const top of ['templates', 'examples', 'test', 'bench', 'scripts']) expect(named).toContain(top);
  });

  test('the functions the data flows name exist where it says', () => {
    expect(read('lib/core/cluster-plan.ts')).toMatch(/^export function planCluster\(/m);
    expect(read('lib/core/bootstrap/node-bootstrap.ts')).toMatch(/^export function renderNodeUserData\(/m);
    expect(read('lib/drift/cli/parse-args.ts')).toMatch(/^export function parseArgs\(/m);
    for (const folder of ['lib/drift/cli', 'lib/drift/read', 'lib/drift/check', 'lib/drift/report']) expect(fs.existsSync(path.join(ROOT, folder))).toBe(true);
  });
});

describe('README statuses are the code', () => {
  test('nothing is announced as missing or to come: a section says what works, docs/security.md what is open', () => {
    expect(README.match(/\bnot yet\b|\bcoming soon\b|\bTODO\b|\bnot implemented\b/gi)).toBeNull();
  });

  test('how the tests compile is how jest.config.js compiles them', () => {
    const transformer = read('test/transpile.js');
    expect(read('jest.config.js')).toContain("'<rootDir>/test/transpile.js'");
    expect(transformer).toContain('esbuild.transformSync');
    expect(README).toContain('jest runs through esbuild without type-checking');
    expect(README).not.toMatch(/\bswc\b|ts-jest|babel|TypeScript's transpiler/i);
  });
});

describe('what the docs say CI installs is what .ci/run installs', () => {
  const installed = /^packages=\(([^)]*)\)/m.exec(read('.ci/run'))![1].split(/\s+/).filter(Boolean);
  test.each(userDocs())('%s', (file) => {
    const text = read(file).replace(/\n\s*/g, ' ');
    const wrong = [
      ...[...text.matchAll(/`\.ci\/run`? does not install ([\w-]+)/g)].map((m) => m[1]).filter((pkg) => installed.includes(pkg)).map((pkg) => `says .ci/run does not install ${pkg}`),
      ...[...text.matchAll(/`\.ci\/run`? installs ([\w-]+)/g)].map((m) => m[1]).filter((pkg) => !installed.includes(pkg) && !['them', 'it'].includes(pkg)).map((pkg) => `says .ci/run installs ${pkg}`),
    ];
    expect(wrong).toEqual([]);
  });
});

describe('docs/mesh.md figures are the code', () => {
  test('the static slots and the scaling zone of the default mesh range', () => {
    const mesh = read('docs/mesh.md');
    const range = parseCidr(DEFAULT_RANGES.meshCidr);
    const zone = meshScalingZone(DEFAULT_RANGES.meshCidr)!;
    const firstHost = range.network + 1;
    const zoneStart = parseCidr(zone.cidr).network;
    const slots = zoneStart - firstHost;
    const hosts = 2 ** (32 - range.prefix) - 2;
    expect(mesh).toContain(`(\`${formatAddress(firstHost)}\` … \`${formatAddress(zoneStart - 1)}\` for the default /${range.prefix}: ${slots.toLocaleString('en-US')} slots; the\n   zone is \`${zone.cidr}\`)`);
    expect(mesh).toContain(`modulo the range's host addresses (${hosts.toLocaleString('en-US')} for a\n   /${range.prefix}), then modulo the number of slots`);
    expect(parseAddress(formatAddress(zoneStart - 1))).toBe(zoneStart - 1);
  });
});
