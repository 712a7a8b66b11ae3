/**
 * `cast-drift` as a function: `runCli(argv, io)` returns the exit code.
 * All of the CLI's I/O goes through `io`. Every input is read and checked
 * before anything is written, so a bad input writes nothing; the report is
 * then rendered and written in batches as it is produced, never held whole.
 */
import * as path from 'node:path';
import { CliIo } from './cli-io';
import { helpText } from './help-text';
import { CliArguments, CliCommand, parseArgs } from './parse-args';
import { ProgressBar } from './progress-bar';
import { checkDrift, DriftCheckInputs, guardDestroy, parseInventoryArgument } from '../drift-check';
import { DriftInputError, isDriftInputError } from '../errors';
import { describeFileError } from '../read/file-errors';
import { renderReportChunks, ReportFormat } from '../report/render-report';
import { EXIT_ERROR, EXIT_IN_SYNC, exitCodeOf } from '../report/report-summary';
import { TOOL_NAME, TOOL_VERSION } from '../version';

/** Characters per write of the report: large enough that writes are few, small enough to be nothing in memory. */
const WRITE_BATCH_CHARS = 256 * 1024;

/** Runs the CLI; resolves to the exit code (0 in sync, 2 drift, 1 error). */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const progress = io.stderr.isTTY ? new ProgressBar(io.stderr) : undefined;
  try {
    const args = parseArgs(argv);
    if (args.command === CliCommand.VERSION) {
      io.stdout.write(`${TOOL_NAME} ${TOOL_VERSION}\n`);
      return EXIT_IN_SYNC;
    }
    if (args.command === CliCommand.HELP) {
      io.stdout.write(helpText(args.helpTopic));
      return EXIT_IN_SYNC;
    }
    const inputs = checkInputs(args, io, progress);
    const report = args.command === CliCommand.GUARD_DESTROY ? await guardDestroy(inputs) : await checkDrift(inputs);
    progress?.clear();
    const color = args.format === ReportFormat.TEXT && !args.output && (args.color ?? (io.stdout.isTTY === true && !io.env.NO_COLOR));
    const batches = batchChunks(renderReportChunks(report, args.format, { color, cwd: io.cwd }), WRITE_BATCH_CHARS);
    if (args.output) {
      const file = path.resolve(io.cwd, args.output);
      try {
        await io.writeFile(file, batches);
      } catch (error) {
        throw new DriftInputError(`the report ${describeFileError(error, 'written')}`, args.output);
      }
    } else {
      try {
        for (const batch of batches) await io.stdout.write(batch);
      } catch (error) {
        throw new DriftInputError(`standard output: the report could not be written (${(error as { code?: string }).code ?? (error as Error).message}). Free the disk or pipe it reads to, or write it with --output FILE.`);
      }
    }
    return exitCodeOf(report);
  } catch (error) {
    progress?.clear();
    if (isDriftInputError(error)) {
      io.stderr.write(`${TOOL_NAME}: ${oneLine((error as Error).message)}\n`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      io.stderr.write(`${TOOL_NAME}: internal error: ${oneLine(message)} (please report it with the command line)\n`);
      if (io.env.CAST_DRIFT_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    }
    return EXIT_ERROR;
  }
}

function checkInputs(args: CliArguments, io: CliIo, progress: ProgressBar | undefined): DriftCheckInputs {
  let passphrase: string | undefined;
  if (args.statePassphraseEnv) {
    passphrase = io.env[args.statePassphraseEnv];
    if (passphrase === undefined || passphrase === '') throw new DriftInputError(`--state-passphrase-env ${args.statePassphraseEnv}: that environment variable is not set`);
  }
  if (io.stdinIsTTY && [...args.state, ...args.plan, ...args.inventory].some((name) => name.replace(/^[a-z]+=/, '') === '-')) {
    throw new DriftInputError('- reads stdin, but stdin is a terminal: pipe the input in, e.g. terraform state pull | cast-drift check --state - ...');
  }
  const file = (name: string) => inputPath(io, name);
  return {
    desired: args.desired.map(file),
    states: args.state.map(file),
    plans: args.plan.map(file),
    inventories: args.inventory.map(parseInventoryArgument).map((input) => ({ ...input, file: file(input.file) })),
    ignoreFile: args.ignore === undefined ? undefined : file(args.ignore),
    clusterUuid: args.clusterUuid,
    allowUnchecked: args.allowUnchecked,
    statePassphrase: passphrase,
    stdin: io.stdin,
    onProgress: progress ? (name, done, total) => progress.update(name, done, total) : undefined,
    now: io.now(),
  };
}

/**
 * A path as the readers get it: as the user spelled it when io.cwd is the
 * process's directory (so messages and SARIF URIs read naturally), joined to
 * io.cwd otherwise.
 */
function inputPath(io: CliIo, file: string): string {
  if (file === '-' || path.isAbsolute(file) || path.resolve(io.cwd) === process.cwd()) return file;
  return path.join(io.cwd, file);
}

/**
 * Chunks joined into batches of about `size` characters: one write per finding
 * would cost a system call and a promise each (a million for a million
 * findings); one write of everything would need the whole report in memory.
 */
export function* batchChunks(chunks: Iterable<string>, size: number): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const chunk of chunks) {
    parts.push(chunk);
    length += chunk.length;
    if (length >= size) {
      yield parts.join('');
      parts = [];
      length = 0;
    }
  }
  if (length > 0) yield parts.join('');
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
