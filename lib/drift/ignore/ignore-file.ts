/**
 * The ignore file (`--ignore FILE`): findings to accept, each with a reason
 * and optionally an expiry date. JSON (schema `cast-drift-ignore/v1`):
 *
 *   { "schema": "cast-drift-ignore/v1",
 *     "ignore": [
 *       { "address": "aws_instance.bastion*", "reason": "bastion is managed by hand", "expires": "2026-06-30" },
 *       { "type": "digitalocean_droplet", "check": "missing-nodes", "reason": "…" },
 *       { "tag": "team=ops", "reason": "…" } ] }
 *
 * Each entry needs `reason` and at least one of `address`, `type`, `tag`
 * (globs; `tag` is `key` or `key=value`); `check` narrows it to a check or a
 * rule id. All given selectors must match. YAML with the same structure is
 * read when the optional `yaml` package is installed.
 */
import * as fs from 'node:fs';
import { globMatcher } from './glob-pattern';
import { DriftInputError } from '../errors';
import { Finding } from '../check/finding';
import { describeFileError } from '../read/file-errors';
import { parseJsonSlice } from '../read/json/parse-json-slice';
import { asArray, asRecord } from '../read/state/json-shapes';

/** One ignore entry. */
export interface IgnoreEntry {
  /** 1-based position in the file. */
  readonly number: number;
  readonly address?: string;
  readonly type?: string;
  readonly tag?: string;
  readonly check?: string;
  readonly reason: string;
  /** Expiry as given ("2026-06-30" or an ISO timestamp). */
  readonly expires?: string;
  /** The instant after which the entry no longer applies. */
  readonly expiresAt?: Date;
  /** True when the finding matches every selector the entry has. */
  matches(finding: Finding): boolean;
}

/** A parsed ignore file. */
export interface IgnoreFile {
  readonly file: string;
  readonly entries: readonly IgnoreEntry[];
}

const SELECTORS = ['address', 'type', 'tag'] as const;
const KNOWN_KEYS = new Set([...SELECTORS, 'check', 'reason', 'expires']);

/** Reads and validates an ignore file. */
export function readIgnoreFile(file: string): IgnoreFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new DriftInputError(describeFileError(error), file);
  }
  return parseIgnoreFile(text, file);
}

/** Parses ignore file text (JSON, or YAML when the `yaml` package is available). */
export function parseIgnoreFile(text: string, file: string): IgnoreFile {
  if (text.trim() === '') throw new DriftInputError('is empty: expected {"ignore": [{"address": "…", "reason": "…"}]}', file);
  const document = /^\s*[[{]/.test(text) ? parseJsonSlice(text, 0, file) : parseYaml(text, file);
  const list = Array.isArray(document) ? document : asRecord(document)?.ignore;
  if (!Array.isArray(list)) throw new DriftInputError('has no "ignore" list: expected {"ignore": [{"address": "…", "reason": "…"}]}', file);
  const schema = asRecord(document)?.schema;
  if (schema !== undefined && schema !== 'cast-drift-ignore/v1') throw new DriftInputError(`has schema ${JSON.stringify(schema)}; this cast-drift reads cast-drift-ignore/v1`, file);
  return { file, entries: asArray(list).map((raw, i) => parseEntry(raw, i + 1, file)) };
}

function parseEntry(raw: unknown, number: number, file: string): IgnoreEntry {
  const entry = asRecord(raw);
  const where = `ignore entry #${number}`;
  if (!entry) throw new DriftInputError(`${where} is not an object`, file);
  for (const key of Object.keys(entry)) {
    if (!KNOWN_KEYS.has(key)) throw new DriftInputError(`${where} has an unknown key "${key}" (known: ${[...KNOWN_KEYS].join(', ')})`, file);
  }
  for (const key of [...KNOWN_KEYS]) {
    if (entry[key] !== undefined && typeof entry[key] !== 'string') throw new DriftInputError(`${where}: "${key}" must be a string`, file);
  }
  const values = entry as Record<string, string | undefined>;
  if (!values.reason || values.reason.trim() === '') throw new DriftInputError(`${where} has no "reason": say why the drift is accepted`, file);
  if (!SELECTORS.some((key) => values[key])) throw new DriftInputError(`${where} selects nothing: give "address", "type" or "tag"`, file);
  const expiresAt = values.expires === undefined ? undefined : parseExpiry(values.expires, where, file);
  const address = values.address ? globMatcher(values.address) : undefined;
  const type = values.type ? globMatcher(values.type) : undefined;
  const tag = values.tag ? tagMatcher(values.tag) : undefined;
  const check = values.check;
  return {
    number,
    address: values.address,
    type: values.type,
    tag: values.tag,
    check,
    reason: values.reason,
    expires: values.expires,
    expiresAt,
    matches: (finding) =>
      (!check || finding.check === check || finding.rule === check) &&
      (!address || address(finding.address)) &&
      (!type || (finding.type !== undefined && type(finding.type))) &&
      (!tag || tag(finding.tags ?? {})),
  };
}

/** "2026-06-30" is valid through the end of that day (UTC); a timestamp is exact. */
function parseExpiry(text: string, where: string, file: string): Date {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const date = day ? new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]), 23, 59, 59, 999)) : new Date(text);
  const valid = !Number.isNaN(date.getTime()) && (!day || date.getUTCDate() === Number(day[3]));
  if (!valid || (!day && !/^\d{4}-\d{2}-\d{2}T/.test(text))) {
    throw new DriftInputError(`${where}: "expires" must be an ISO date like 2026-06-30 (got ${JSON.stringify(text)})`, file);
  }
  return date;
}

function tagMatcher(pattern: string): (tags: Readonly<Record<string, string>>) => boolean {
  const equals = pattern.indexOf('=');
  const key = globMatcher(equals === -1 ? pattern : pattern.slice(0, equals));
  const value = equals === -1 ? undefined : globMatcher(pattern.slice(equals + 1));
  return (tags) => Object.entries(tags).some(([k, v]) => key(k) && (!value || value(v)));
}

function parseYaml(text: string, file: string): unknown {
  let yaml: { parse(text: string): unknown };
  try {
    // Optional: `yaml` is not a runtime dependency, so YAML ignore files work only where it is installed.
    yaml = require('yaml');
  } catch {
    throw new DriftInputError('is not JSON; YAML ignore files need the `yaml` package (npm install yaml): or write it as JSON with the same structure', file);
  }
  try {
    return yaml.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : 'invalid YAML';
    throw new DriftInputError(`is not valid YAML: ${message}`, file);
  }
}
