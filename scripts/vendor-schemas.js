#!/usr/bin/env node
// Why this exists: the conformance tests (test/support/schema-conformance.ts) check
// synthesized cdk.tf.json against the real provider schemas, but the full schemas
// (`terraform providers schema -json`, several MB each) live outside the repo and a
// fresh clone has no terraform binary and no network. This script copies only the
// resource and data-source schemas the project uses, plus each provider's own block
// schema, into test/fixtures/provider-schemas/<provider>.json, in the same format.
//
// Used types = types in the synthesized stacks named on the command line (or, when
// none is named, cdktf.out/stacks/*/cdk.tf.json) + test/fixtures/provider-schemas/extra-types.txt.
// Output keys are sorted, so running it twice gives no diff.
//
// Usage: node scripts/vendor-schemas.js [--from DIR] [path/to/cdk.tf.json ...]
//   --from DIR  folder of <provider>-<version>.json schema files (default ../shared/provider-schemas
//               next to the repository)
'use strict';

const fs = require('fs');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const outDir = path.join(repoRoot, 'test', 'fixtures', 'provider-schemas');
const extraTypesFile = path.join(outDir, 'extra-types.txt');

function parseArgs(argv) {
  const args = { from: path.resolve(repoRoot, '..', 'shared', 'provider-schemas'), stacks: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--from') {
      if (!argv[i + 1]) throw new Error('--from needs a directory, e.g. --from ../shared/provider-schemas');
      args.from = path.resolve(argv[++i]);
    } else if (argv[i].startsWith('--')) {
      throw new Error(`unknown option ${argv[i]} (known: --from DIR)`);
    } else {
      args.stacks.push(path.resolve(argv[i]));
    }
  }
  return args;
}

/** Synthesized stacks: the ones named, or every cdktf.out/stacks/<name>/cdk.tf.json. */
function stackFiles(named) {
  if (named.length > 0) return named;
  const stacksDir = path.join(repoRoot, 'cdktf.out', 'stacks');
  if (!fs.existsSync(stacksDir)) return [];
  return fs.readdirSync(stacksDir).sort()
    .map((name) => path.join(stacksDir, name, 'cdk.tf.json'))
    .filter((file) => fs.existsSync(file));
}

/** Used types as 'aws_vpc' (resource) or 'data.aws_ami' (data source). */
function usedTypes(stacks) {
  const types = new Set();
  for (const file of stacks) {
    const stack = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const type of Object.keys(stack.resource || {})) types.add(type);
    for (const type of Object.keys(stack.data || {})) types.add(`data.${type}`);
  }
  if (fs.existsSync(extraTypesFile)) {
    for (const line of fs.readFileSync(extraTypesFile, 'utf8').split('\n')) {
      const type = line.trim();
      if (type && !type.startsWith('#')) types.add(type);
    }
  }
  return types;
}

/** Schema files named <provider>-<version>.json, e.g. aws-6.25.0.json. */
function readUpstream(fromDir) {
  if (!fs.existsSync(fromDir)) {
    throw new Error(`no schema folder at ${fromDir}; pass --from DIR with the provider-schemas folder`);
  }
  const upstream = [];
  const seen = new Map();
  for (const file of fs.readdirSync(fromDir).filter((f) => f.endsWith('.json')).sort()) {
    const match = /^(.+?)-(\d+\.\d+\.\d+.*)\.json$/.exec(file);
    if (!match) throw new Error(`${file}: expected <provider>-<version>.json, e.g. aws-6.25.0.json`);
    const [, name, version] = match;
    if (seen.has(name)) throw new Error(`two schema files for ${name}: ${seen.get(name)} and ${file}; keep one`);
    seen.set(name, file);
    const json = JSON.parse(fs.readFileSync(path.join(fromDir, file), 'utf8'));
    upstream.push({ name, version, file, json });
  }
  return upstream;
}

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const sorted = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}

function vendor(upstream, types) {
  const found = new Set();
  const written = [];
  for (const { name, version, file, json } of upstream) {
    const providerSchemas = {};
    const versions = {};
    for (const [address, schema] of Object.entries(json.provider_schemas)) {
      const subset = { resource_schemas: {}, data_source_schemas: {} };
      if (schema.provider) subset.provider = schema.provider;
      for (const type of types) {
        const isData = type.startsWith('data.');
        const bare = isData ? type.slice('data.'.length) : type;
        const source = isData ? schema.data_source_schemas : schema.resource_schemas;
        if (source && source[bare]) {
          (isData ? subset.data_source_schemas : subset.resource_schemas)[bare] = source[bare];
          found.add(type);
        }
      }
      if (Object.keys(subset.resource_schemas).length + Object.keys(subset.data_source_schemas).length > 0) {
        providerSchemas[address] = subset;
        versions[address] = version;
      }
    }
    if (Object.keys(providerSchemas).length === 0) continue;
    const out = sortKeys({
      '//': `Generated by scripts/vendor-schemas.js from ${file}; do not edit, re-run the script.`,
      format_version: json.format_version,
      provider_schemas: providerSchemas,
      provider_versions: versions,
    });
    const target = path.join(outDir, `${name}.json`);
    fs.writeFileSync(target, JSON.stringify(out, null, 2) + '\n');
    written.push(target);
  }
  return { written, missing: [...types].filter((t) => !found.has(t)).sort() };
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const stacks = stackFiles(args.stacks);
  const types = usedTypes(stacks);
  const { written, missing } = vendor(readUpstream(args.from), types);
  for (const file of written) {
    console.log(`wrote ${path.relative(repoRoot, file)} (${fs.statSync(file).size} bytes)`);
  }
  console.log(`${types.size} types from ${stacks.length} stack(s) and ${path.relative(repoRoot, extraTypesFile)}`);
  if (missing.length > 0) {
    console.error(`not in any upstream schema, so not vendored (fix or remove them): ${missing.join(', ')}`);
  }
}

try {
  main();
} catch (error) {
  console.error(`vendor-schemas: ${error.message}`);
  process.exit(1);
}
