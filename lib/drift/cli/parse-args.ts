/**
 * The command line, parsed without dependencies. Options take one value
 * (`--format json`, `--format=json`) or, for the list options, every value up
 * to the next option (`--desired a.json b.json`); list options may also
 * repeat. `-` alone is a value (stdin), not an option.
 */
import { parseCloud } from '../check/cloud-coverage';
import { DriftInputError } from '../errors';
import { Cloud } from '../../core/cloud';
import { ReportFormat } from '../report/render-report';

/** The subcommands. */
export enum CliCommand {
  CHECK = 'check',
  GUARD_DESTROY = 'guard-destroy',
  HELP = 'help',
  VERSION = 'version',
}

/** A parsed command line. */
export interface CliArguments {
  readonly command: CliCommand;
  /** For `help`: the command to describe. */
  readonly helpTopic?: CliCommand;
  readonly desired: readonly string[];
  readonly state: readonly string[];
  readonly plan: readonly string[];
  readonly inventory: readonly string[];
  readonly format: ReportFormat;
  readonly ignore?: string;
  readonly output?: string;
  readonly clusterUuid?: string;
  readonly statePassphraseEnv?: string;
  /** true: --color, false: --no-color, undefined: decide from the terminal. */
  readonly color?: boolean;
  /** guard-destroy: clouds it may call safe without their inventory (`--allow-unchecked`, repeatable, comma-separated). */
  readonly allowUnchecked: readonly Cloud[];
}

const LIST_OPTIONS = ['desired', 'state', 'plan', 'inventory'] as const;
const VALUE_OPTIONS = ['format', 'ignore', 'output', 'cluster-uuid', 'state-passphrase-env'] as const;
const FLAG_OPTIONS = ['color', 'no-color', 'help', 'version'] as const;
/** Options that take one value each time and may repeat; the value may be a comma-separated list. */
const REPEATED_OPTIONS = ['allow-unchecked'] as const;

type ListOption = (typeof LIST_OPTIONS)[number];
type ValueOption = (typeof VALUE_OPTIONS)[number];

/** A usage error: exits 1 like bad input, with a pointer to --help. */
export class CliUsageError extends DriftInputError {
  constructor(message: string) {
    super(`${message} (see cast-drift --help)`);
  }
}

function isOption(token: string): boolean {
  return token.startsWith('-') && token !== '-';
}

/** Parses `argv` (without node and the script). */
export function parseArgs(argv: readonly string[]): CliArguments {
  const lists: Record<ListOption, string[]> = { desired: [], state: [], plan: [], inventory: [] };
  const values: Partial<Record<ValueOption, string>> = {};
  const allowUnchecked: Cloud[] = [];
  let color: boolean | undefined;
  let help = false;
  let version = false;
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (!isOption(token)) {
      positionals.push(token);
      continue;
    }
    if (token === '-h') {
      help = true;
      continue;
    }
    if (token === '-V') {
      version = true;
      continue;
    }
    if (!token.startsWith('--')) throw new CliUsageError(`unknown option ${token}`);
    const equals = token.indexOf('=');
    const name = token.slice(2, equals === -1 ? undefined : equals);
    const inline = equals === -1 ? undefined : token.slice(equals + 1);
    if ((LIST_OPTIONS as readonly string[]).includes(name)) {
      const list = lists[name as ListOption];
      if (inline !== undefined) {
        if (inline === '') throw new CliUsageError(`--${name}= needs a value`);
        list.push(inline);
        continue;
      }
      const before = list.length;
      while (i + 1 < argv.length && !isOption(argv[i + 1])) list.push(argv[++i]);
      if (list.length === before) throw new CliUsageError(`--${name} needs at least one file`);
    } else if ((VALUE_OPTIONS as readonly string[]).includes(name)) {
      const value = inline ?? (i + 1 < argv.length && !isOption(argv[i + 1]) ? argv[++i] : undefined);
      if (value === undefined || value === '') throw new CliUsageError(`--${name} needs a value`);
      if (values[name as ValueOption] !== undefined) throw new CliUsageError(`--${name} given twice`);
      values[name as ValueOption] = value;
    } else if ((REPEATED_OPTIONS as readonly string[]).includes(name)) {
      const value = inline ?? (i + 1 < argv.length && !isOption(argv[i + 1]) ? argv[++i] : undefined);
      if (value === undefined || value === '') throw new CliUsageError(`--${name} needs a cloud: aws, gcp, azure or digitalocean`);
      for (const part of value.split(',')) {
        const cloud = parseCloud(part);
        if (!cloud) throw new CliUsageError(`--${name} must be aws, gcp, azure or digitalocean (got ${JSON.stringify(part)})`);
        if (!allowUnchecked.includes(cloud)) allowUnchecked.push(cloud);
      }
    } else if ((FLAG_OPTIONS as readonly string[]).includes(name)) {
      if (inline !== undefined) throw new CliUsageError(`--${name} takes no value`);
      if (name === 'help') help = true;
      else if (name === 'version') version = true;
      else color = name === 'color';
    } else {
      throw new CliUsageError(`unknown option --${name}`);
    }
  }
  const [first, ...rest] = positionals;
  const commands = [CliCommand.CHECK, CliCommand.GUARD_DESTROY, CliCommand.HELP] as string[];
  if (first !== undefined && !commands.includes(first)) throw new CliUsageError(`unknown command "${first}" (commands: check, guard-destroy, help)`);
  if (version) return base(CliCommand.VERSION);
  if (first === undefined && !help) throw new CliUsageError('missing command: check or guard-destroy');
  if (help || first === undefined || first === CliCommand.HELP) {
    const topic = first === CliCommand.HELP ? rest[0] : first;
    if (topic !== undefined && topic !== CliCommand.CHECK && topic !== CliCommand.GUARD_DESTROY) throw new CliUsageError(`no help for "${topic}"`);
    return { ...base(CliCommand.HELP), helpTopic: topic as CliCommand | undefined };
  }
  if (rest.length > 0) throw new CliUsageError(`unexpected argument "${rest[0]}": files follow an option, e.g. --desired ${rest[0]}`);
  const format = values.format ?? ReportFormat.TEXT;
  if (!(Object.values(ReportFormat) as string[]).includes(format)) throw new CliUsageError(`--format must be text, json, sarif or github (got ${format})`);
  if (lists.desired.length === 0) throw new CliUsageError(`${first} needs --desired: the synthesized cdk.tf.json of each stack`);
  if (lists.state.length === 0) throw new CliUsageError(`${first} needs --state: a state file, or - for stdin`);
  if (first === CliCommand.GUARD_DESTROY && lists.inventory.length === 0) throw new CliUsageError('guard-destroy needs --inventory: the clouds\' VM lists');
  if (first !== CliCommand.GUARD_DESTROY && allowUnchecked.length > 0) throw new CliUsageError(`--allow-unchecked is for guard-destroy only (got it with ${first})`);
  const stdinUses = [...lists.state, ...lists.plan, ...lists.inventory.map((item) => item.replace(/^[a-z]+=/, ''))].filter((file) => file === '-').length;
  if (stdinUses > 1) throw new CliUsageError('only one input can be - (stdin)');
  if (lists.desired.includes('-')) throw new CliUsageError('--desired cannot be - (stdin): pass the cdk.tf.json path');
  return {
    command: first as CliCommand,
    desired: lists.desired,
    state: lists.state,
    plan: lists.plan,
    inventory: lists.inventory,
    format: format as ReportFormat,
    ignore: values.ignore,
    output: values.output,
    clusterUuid: values['cluster-uuid'],
    statePassphraseEnv: values['state-passphrase-env'],
    color,
    allowUnchecked,
  };

  function base(command: CliCommand): CliArguments {
    return { command, desired: [], state: [], plan: [], inventory: [], format: ReportFormat.TEXT, color, allowUnchecked: [] };
  }
}
