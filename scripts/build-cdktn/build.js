#!/usr/bin/env node
// Builds the CDK Terrain flavour of the package, `cdktn-cast-cluster`, into dist-cdktn/ from the
// same lib/ that `npm run build` compiles as `cdktf-cast-cluster` (docs/decisions/0011-cdk-terrain-flavour.md).
//
//   1. copies lib/**/*.ts to .cdktn-build/lib/ and rewrites module specifiers:
//        'cdktf'                      -> 'cdktn'
//        '@cdktf/provider-aws/lib/X'  -> '@cdktn/provider-aws/lib/X'   (prebuilt on npm; likewise random)
//        '@cdktf/provider-P/lib/X'    -> './…/bindings/P/X'            (generated below; the other six)
//      and the package name the template lookup walks up to (lib/core/bootstrap/template-files.ts);
//   2. generates the bindings npm has no usable cdktn package for, with @cdktn/provider-generator,
//      from the vendored schemas (test/fixtures/provider-schemas/<p>.json, trimmed to the types the
//      project uses; the provider block comes from provider-blocks.json where the schema file has
//      none), and keeps the classes lib/ imports. No Terraform registry, no terraform binary;
//   3. type-checks and compiles it all with tsc against cdktn's types (the same compiler options as
//      the jsii build) into dist-cdktn/dist, and writes dist-cdktn/package.json.
//
// Deterministic: inputs are read in sorted order, both output folders are emptied first, and nothing
// depends on the time or the machine. Needs no network: the toolchain in scripts/build-cdktn/node_modules
// comes from its lock file (`npm ci --prefix scripts/build-cdktn`, run here when it is missing).
//
// Usage: node scripts/build-cdktn/build.js   (npm run build:cdktn)
'use strict';

const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const toolDir = __dirname;
const repoRoot = path.resolve(toolDir, '..', '..');
const workDir = path.join(repoRoot, '.cdktn-build');
const outDir = path.join(repoRoot, 'dist-cdktn');
const schemaDir = path.join(repoRoot, 'test', 'fixtures', 'provider-schemas');

const FLAVOUR_NAME = 'cdktn-cast-cluster';
const CDKTF_NAME = 'cdktf-cast-cluster';

/**
 * Where each provider binding of the cdktn flavour comes from. `prebuilt`: the @cdktn package on npm
 * (its version is the toolchain's, scripts/build-cdktn/package.json). `generated`: made here from the
 * vendored schema, pinned to the provider version that schema was read from; `source` is what
 * required_providers says.
 * Why azurerm is generated although @cdktn/provider-azurerm 16.1.0 exists: it declares the peer
 * cdktn ^0.23.0, and npm has no cdktn 0.23 (only 0.24.0), so `npm install` of it next to cdktn 0.24
 * fails with ERESOLVE unless the user passes --legacy-peer-deps (`npm view @cdktn/provider-azurerm
 * peerDependencies`, `npm view cdktn versions`, December 2026).
 */
const PROVIDERS = {
  aws: { kind: 'prebuilt', pkg: '@cdktn/provider-aws' },
  random: { kind: 'prebuilt', pkg: '@cdktn/provider-random' },
  azurerm: { kind: 'generated', fqpn: 'registry.terraform.io/hashicorp/azurerm', source: 'hashicorp/azurerm' },
  digitalocean: { kind: 'generated', fqpn: 'registry.terraform.io/digitalocean/digitalocean', source: 'digitalocean/digitalocean' },
  google: { kind: 'generated', fqpn: 'registry.terraform.io/hashicorp/google', source: 'hashicorp/google' },
  helm: { kind: 'generated', fqpn: 'registry.terraform.io/hashicorp/helm', source: 'hashicorp/helm' },
  kubernetes: { kind: 'generated', fqpn: 'registry.terraform.io/hashicorp/kubernetes', source: 'hashicorp/kubernetes' },
  tls: { kind: 'generated', fqpn: 'registry.terraform.io/hashicorp/tls', source: 'hashicorp/tls' },
};

/** The folder under lib/ (and dist/) that holds the generated bindings. */
const BINDINGS_DIR = 'bindings';

/** Per generated provider, the binding submodules lib/ imports (filled while rewriting). */
const usedSubmodules = new Map();

function log(message) {
  process.stdout.write(`build:cdktn: ${message}\n`);
}

/** Installs the toolchain from its lock file unless every package the lock names is there at its version. */
function ensureToolchain() {
  const lock = JSON.parse(fs.readFileSync(path.join(toolDir, 'package-lock.json'), 'utf8'));
  const current = Object.entries(lock.packages).every(([where, entry]) => {
    if (where === '') return true;
    const manifest = path.join(toolDir, where, 'package.json');
    return fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).version === entry.version;
  });
  if (current) return;
  log('installing the toolchain from scripts/build-cdktn/package-lock.json (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: toolDir, stdio: 'inherit' });
}

function toolRequire(id) {
  return require(require.resolve(id, { paths: [toolDir] }));
}

/** Every file under dir, as sorted posix paths relative to it. */
function listFiles(dir, base = dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, base));
    else out.push(path.relative(base, full).split(path.sep).join('/'));
  }
  return out;
}

// Module specifiers in import/export ... from '…', import('…'), require('…') and import '…'.
const SPECIFIER = /(\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\2/g;

/**
 * The cdktn specifier for one cdktf specifier in the file at `relFile` (relative to lib/), or the
 * specifier unchanged when it is not a cdktf one. Records what it cannot map in `problems`.
 */
function rewriteSpecifier(spec, relFile, problems) {
  if (spec === 'cdktf') return 'cdktn';
  const provider = /^@cdktf\/provider-([a-z0-9]+)\/lib\/([a-z0-9-]+)$/.exec(spec);
  if (provider) {
    const [, name, submodule] = provider;
    const entry = PROVIDERS[name];
    if (!entry) {
      problems.push(`${relFile}: ${spec}: provider ${name} is not in PROVIDERS (scripts/build-cdktn/build.js); add it as prebuilt or generated`);
      return spec;
    }
    if (entry.kind === 'prebuilt') return `${entry.pkg}/lib/${submodule}`;
    if (!usedSubmodules.has(name)) usedSubmodules.set(name, new Set());
    usedSubmodules.get(name).add(submodule);
    const target = path.posix.join(BINDINGS_DIR, name, submodule);
    const rel = path.posix.relative(path.posix.dirname(relFile), target);
    return rel.startsWith('.') ? rel : `./${rel}`;
  }
  if (spec === 'cdktf-cli' || spec.startsWith('cdktf/') || spec.startsWith('@cdktf/')) {
    problems.push(`${relFile}: ${spec}: no cdktn mapping (only 'cdktf' and '@cdktf/provider-<p>/lib/<submodule>' are mapped)`);
  }
  return spec;
}

/**
 * Package-specific lines outside import specifiers: the template lookup walks up to the package.json
 * with the package's own name. Each must match exactly once, so a change in lib/ fails the build
 * here instead of shipping a flavour that cannot find its templates.
 */
const LINE_REWRITES = [
  {
    file: 'core/bootstrap/template-files.ts',
    from: `const PACKAGE_NAME = '${CDKTF_NAME}';`,
    to: `const PACKAGE_NAME = '${FLAVOUR_NAME}';`,
  },
];

function rewriteLibrary() {
  const libDir = path.join(repoRoot, 'lib');
  const problems = [];
  let rewritten = 0;
  for (const rel of listFiles(libDir)) {
    if (!rel.endsWith('.ts') || rel.endsWith('.d.ts')) {
      problems.push(`lib/${rel}: not a .ts source; the cdktn build copies only TypeScript (extend build.js if lib/ gains other files)`);
      continue;
    }
    let text = fs.readFileSync(path.join(libDir, rel), 'utf8');
    text = text.replace(SPECIFIER, (whole, lead, quote, spec) => {
      const next = rewriteSpecifier(spec, rel, problems);
      if (next === spec) return whole;
      rewritten++;
      return `${lead}${quote}${next}${quote}`;
    });
    for (const rule of LINE_REWRITES.filter((r) => r.file === rel)) {
      const count = text.split(rule.from).length - 1;
      if (count !== 1) problems.push(`lib/${rel}: expected the line \`${rule.from}\` once, found it ${count} times (update LINE_REWRITES in scripts/build-cdktn/build.js)`);
      text = text.replace(rule.from, rule.to);
    }
    const target = path.join(workDir, 'lib', rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  for (const rule of LINE_REWRITES) {
    if (!fs.existsSync(path.join(libDir, rule.file))) problems.push(`lib/${rule.file}: missing (LINE_REWRITES in scripts/build-cdktn/build.js names it)`);
  }
  if (problems.length > 0) throw new Error(`cannot rewrite lib/ for cdktn:\n  ${problems.join('\n  ')}`);
  return rewritten;
}

/** The vendored schema of one provider, with its provider block, in `terraform providers schema -json` form. */
function providerSchema(name, entry) {
  const file = JSON.parse(fs.readFileSync(path.join(schemaDir, `${name}.json`), 'utf8'));
  const vendored = file.provider_schemas[entry.fqpn];
  const version = file.provider_versions && file.provider_versions[entry.fqpn];
  if (!vendored || !version) throw new Error(`${schemaDir}/${name}.json has no schema or version for ${entry.fqpn}`);
  let provider = vendored.provider;
  if (!provider) {
    const blocks = JSON.parse(fs.readFileSync(path.join(schemaDir, 'provider-blocks.json'), 'utf8')).provider_blocks;
    if (!blocks[entry.fqpn]) throw new Error(`no provider block for ${entry.fqpn} in ${name}.json or provider-blocks.json`);
    provider = { version: 0, block: blocks[entry.fqpn].block };
  }
  return {
    version,
    schema: {
      format_version: file.format_version,
      provider_schemas: {
        [entry.fqpn]: {
          provider,
          resource_schemas: vendored.resource_schemas || {},
          data_source_schemas: vendored.data_source_schemas || {},
        },
      },
      provider_versions: { [entry.fqpn]: version },
    },
  };
}

async function generateBindings() {
  const { CodeMaker, TerraformProviderGenerator } = toolRequire('@cdktn/provider-generator');
  const { TerraformProviderConstraint, ConstructsMakerProviderTarget, LANGUAGES } = toolRequire('@cdktn/commons');
  const genDir = path.join(workDir, 'gen');
  const generated = [];
  for (const name of Object.keys(PROVIDERS).sort()) {
    const entry = PROVIDERS[name];
    if (entry.kind !== 'generated') continue;
    const { version, schema } = providerSchema(name, entry);
    const code = new CodeMaker();
    const generator = new TerraformProviderGenerator(code, schema);
    generator.generate(new ConstructsMakerProviderTarget(new TerraformProviderConstraint(`${entry.source}@${version}`), LANGUAGES[0]));
    await generator.save(genDir);
    // Only the submodules lib/ imports (and the provider class): the vendored schema also holds
    // types listed for tests or for later use, and the providers' index files, which load every
    // class, are not needed by deep imports. tsc then proves nothing imported is missing.
    const from = path.join(genDir, 'providers', name);
    const keep = new Set([...(usedSubmodules.get(name) || []), 'provider']);
    for (const rel of listFiles(from).filter((f) => f.endsWith('.ts') && keep.has(f.split('/')[0]) && f.includes('/'))) {
      const target = path.join(workDir, 'lib', BINDINGS_DIR, name, rel);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.copyFileSync(path.join(from, rel), target);
    }
    generated.push(`${name} ${version}`);
    log(`${name} ${version}: ${keep.size} of ${Object.keys(schema.provider_schemas[entry.fqpn].resource_schemas).length + Object.keys(schema.provider_schemas[entry.fqpn].data_source_schemas).length + 1} classes in the vendored schema`);
  }
  return generated;
}

function compile() {
  // The compiler options of the jsii build (tsconfig.json, written by jsii from package.json "jsii"),
  // so the shared source is held to the same rules in both flavours.
  const base = JSON.parse(fs.readFileSync(path.join(repoRoot, 'tsconfig.json'), 'utf8')).compilerOptions;
  const compilerOptions = { ...base };
  for (const key of ['paths', 'composite', 'incremental', 'tsBuildInfoFile', 'types']) delete compilerOptions[key];
  Object.assign(compilerOptions, { rootDir: 'lib', outDir: path.join(outDir, 'dist'), types: ['node'] });
  const tsconfig = { compilerOptions, include: ['lib/**/*.ts'] };
  fs.writeFileSync(path.join(workDir, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const tsc = require.resolve('typescript/bin/tsc', { paths: [toolDir] });
  execFileSync(process.execPath, [tsc, '-p', workDir], { cwd: workDir, stdio: 'inherit' });
}

function copyPackageFiles(generated) {
  for (const item of ['templates', 'docs', 'LICENSE', 'API.md']) {
    const from = path.join(repoRoot, item);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(outDir, item), { recursive: true });
  }
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const note = [
    `# ${FLAVOUR_NAME}`,
    '',
    `The CDK Terrain (\`cdktn\`) build of [${CDKTF_NAME}](https://www.npmjs.com/package/${CDKTF_NAME}): the same constructs, compiled against`,
    '`cdktn` and `@cdktn/provider-*`. Import from `cdktn` where the text below says `cdktf`, and from',
    `\`${FLAVOUR_NAME}\` where it says \`${CDKTF_NAME}\`. Install: \`npm install ${FLAVOUR_NAME} cdktn constructs @cdktn/provider-aws @cdktn/provider-random\`,`,
    'and `cdktn-cli` to synthesize. npm has no cdktn binding of the other providers it uses (or, for azurerm,',
    'none that installs next to cdktn 0.24), so this package ships its own, generated from the provider schemas',
    `for the resource types it uses: ${generated.join(', ')}.`,
    '',
  ].join('\n');
  fs.writeFileSync(path.join(outDir, 'README.md'), `${note}\n${readme}`);
}

function writePackageJson() {
  const root = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  const tool = JSON.parse(fs.readFileSync(path.join(toolDir, 'package.json'), 'utf8')).devDependencies;
  const cdktn = JSON.parse(fs.readFileSync(require.resolve('cdktn/package.json', { paths: [toolDir] }), 'utf8'));
  const peerDependencies = {
    cdktn: `^${tool.cdktn}`,
    // cdktn's own range, so npm never has to choose between two constructs.
    constructs: cdktn.peerDependencies.constructs,
  };
  for (const name of Object.keys(PROVIDERS).sort()) {
    const entry = PROVIDERS[name];
    if (entry.kind === 'prebuilt') peerDependencies[entry.pkg] = `^${tool[entry.pkg]}`;
  }
  const pkg = {
    name: FLAVOUR_NAME,
    version: root.version,
    description: root.description.replace('as CDKTF constructs', 'as CDK Terrain (cdktn) constructs'),
    license: root.license,
    author: root.author,
    repository: root.repository,
    keywords: ['cdktn', 'cdk-terrain', ...root.keywords.filter((k) => k !== 'cdktf')],
    main: root.main,
    types: root.types,
    bin: root.bin,
    files: ['dist', 'templates', 'docs', 'API.md', 'LICENSE'],
    peerDependencies: Object.fromEntries(Object.entries(peerDependencies).sort(([a], [b]) => (a < b ? -1 : 1))),
    engines: root.engines,
    stability: root.stability,
  };
  fs.writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
}

async function main() {
  const started = Date.now();
  // @cdktn/commons, which the generator loads, runs `terraform version` when it is required and reports
  // a failure to checkpoint-api.hashicorp.com. The build needs neither: no report, no terraform.
  process.env.CHECKPOINT_DISABLE = '1';
  process.env.TERRAFORM_BINARY_NAME = path.join(workDir, 'no-terraform-needed');
  ensureToolchain();
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  fs.mkdirSync(outDir, { recursive: true });
  // The rewritten sources resolve 'cdktn' and '@cdktn/*' from the toolchain, not from the repository's
  // node_modules (which holds cdktf).
  fs.symlinkSync(path.join(toolDir, 'node_modules'), path.join(workDir, 'node_modules'), 'dir');
  const rewritten = rewriteLibrary();
  log(`rewrote ${rewritten} module specifiers in lib/`);
  const generated = await generateBindings();
  log(`generated bindings: ${generated.join(', ')}`);
  compile();
  copyPackageFiles(generated);
  writePackageJson();
  log(`wrote ${path.relative(repoRoot, outDir)}/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((err) => {
  process.stderr.write(`build:cdktn: ${err.message}\n`);
  process.exit(1);
});
