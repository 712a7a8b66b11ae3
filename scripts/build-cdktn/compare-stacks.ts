/**
 * Compares the same stack synthesized by the cdktf flavour (cdktf-cli) and by the cdktn flavour
 * (cdktn-cli), and checks both against the vendored provider schemas
 * (test/support/schema-conformance.ts). scripts/cdktn-check.sh runs it.
 *
 * The two must be the same Terraform JSON except where the toolchain itself speaks, and each such
 * difference is printed:
 *   - `//.metadata.version`: the version of cdktf or cdktn that wrote the file;
 *   - `terraform.backend.local.path`, and `config.path` of a `terraform_remote_state` that reads
 *     another stack's local state: the same file name in each app's own folder;
 *   - `terraform.required_providers.<p>.source`: spelled by each binding (`aws` or `hashicorp/aws`),
 *     accepted only when both name the same registry address;
 *   - `terraform.required_providers.<p>.version`: the provider version each binding was generated
 *     from (cdktf's prebuilt bindings, cdktn's prebuilt ones, or the vendored schema).
 * Anything else that differs fails the check.
 *
 * Usage: npx tsx scripts/build-cdktn/compare-stacks.ts <cdktf cdk.tf.json> <cdktn cdk.tf.json>
 */
import * as fs from 'fs';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../../test/support/schema-conformance';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Difference {
  readonly path: string;
  readonly cdktf: string;
  readonly cdktn: string;
}

function show(value: Json | undefined): string {
  return value === undefined ? '(absent)' : JSON.stringify(value).slice(0, 160);
}

/** Every leaf where the two differ, as dotted paths; keys in code-point order, arrays by index. */
function differences(a: Json | undefined, b: Json | undefined, path: string, out: Difference[]): void {
  const aObject = a !== null && typeof a === 'object';
  const bObject = b !== null && typeof b === 'object';
  if (aObject && bObject && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) && Array.isArray(b)
      ? Array.from({ length: Math.max(a.length, b.length) }, (_, i) => String(i))
      : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    for (const key of keys) {
      const next = path === '' ? key : `${path}.${key}`;
      differences((a as Record<string, Json>)[key], (b as Record<string, Json>)[key], next, out);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path, cdktf: show(a), cdktn: show(b) });
}

/** `aws`, `hashicorp/aws` and `registry.terraform.io/hashicorp/aws` are one registry address. */
function registryAddress(source: string): string {
  const parts = source.split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${source}`;
  return source;
}

/** Why a difference is the toolchain's own, or undefined when it is a real one. */
function toolchainReason(d: Difference, cdktf: Json, cdktn: Json): string | undefined {
  if (d.path === '//.metadata.version') return 'the cdktf/cdktn version that wrote the file';
  const statePath = d.path === 'terraform.backend.local.path' || /^data\.terraform_remote_state\.[^.]+\.config\.path$/.test(d.path);
  if (statePath && /\/terraform\.[^/]+\.tfstate"$/.test(d.cdktf) && d.cdktf.replace(/^.*\//, '') === d.cdktn.replace(/^.*\//, '')) {
    return 'a local state file in each app\'s own folder';
  }
  const provider = /^terraform\.required_providers\.([^.]+)\.(source|version)$/.exec(d.path);
  if (provider) {
    if (provider[2] === 'version') return 'the provider version of each binding';
    const sourceIn = (stack: Json) => String(((stack as { terraform: { required_providers: Record<string, { source: string }> } })
      .terraform.required_providers[provider[1]] ?? {}).source);
    const [a, b] = [sourceIn(cdktf), sourceIn(cdktn)];
    if (registryAddress(a) === registryAddress(b)) return `the same provider, ${registryAddress(a)}`;
  }
  return undefined;
}

function main(): number {
  const [cdktfFile, cdktnFile] = process.argv.slice(2);
  if (!cdktfFile || !cdktnFile) {
    process.stderr.write('usage: compare-stacks.ts <cdktf cdk.tf.json> <cdktn cdk.tf.json>\n');
    return 2;
  }
  const cdktf = JSON.parse(fs.readFileSync(cdktfFile, 'utf8')) as Json;
  const cdktn = JSON.parse(fs.readFileSync(cdktnFile, 'utf8')) as Json;
  let failed = false;

  const schemas = loadVendoredSchemas();
  for (const [flavour, stack] of [['cdktf', cdktf], ['cdktn', cdktn]] as const) {
    const problems = checkStackConformance(stack as object, schemas);
    if (problems.length > 0) {
      failed = true;
      process.stdout.write(`${flavour}: ${problems.length} schema conformance problems:\n${formatProblems(problems)}\n`);
    } else {
      process.stdout.write(`${flavour}: schema conformance: no problem\n`);
    }
  }

  const found: Difference[] = [];
  differences(cdktf, cdktn, '', found);
  const real = found.filter((d) => toolchainReason(d, cdktf, cdktn) === undefined);
  process.stdout.write(`differences between the two stacks: ${found.length} (${found.length - real.length} the toolchain's own)\n`);
  for (const d of found) {
    const reason = toolchainReason(d, cdktf, cdktn);
    process.stdout.write(`  ${reason ? 'toolchain' : 'REAL     '} ${d.path}: cdktf ${d.cdktf}, cdktn ${d.cdktn}${reason ? ` (${reason})` : ''}\n`);
  }
  if (real.length > 0) failed = true;
  return failed ? 1 : 0;
}

process.exit(main());
