/**
 * The Debian tools the bootstrap tests run: cloud-init (its `schema` command and
 * its YAML reader, PyYAML), shellcheck, openssl, python3 and the like. Without one,
 * its group is skipped with the reason printed, except on CI, where .ci/run
 * installs them and a missing tool fails the group (test/support/requirements.ts).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describeNeeding, missingBinaries } from '../../support/requirements';

export interface ToolRun {
  readonly status: number;
  readonly output: string;
}

/** Runs a tool; returns its exit status and its stdout and stderr together. */
export function runTool(binary: string, args: readonly string[], input?: string): ToolRun {
  try {
    const output = execFileSync(binary, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
    return { status: 0, output };
  } catch (error) {
    const e = error as { status?: number; stdout?: string; stderr?: string };
    return { status: e.status ?? -1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/**
 * `describe` for a group that runs `binary` (from the Debian package `packageName`): without it,
 * skipped with the reason printed, or on CI one failing test that names it (describeNeeding).
 */
export function describeWithTool(binary: string, packageName: string, name: string, body: () => void): void {
  describeNeeding(name, missingBinaries([binary], `apt-get install ${packageName}`), body);
}

/**
 * `cloud-init schema -c <file>` for many files in one Python process, with what the command
 * prints for each, in its order (Debian 12's cloud-init 22.4: handle_schema_args calls
 * validate_cloudconfig_file(file, get_schema()), which prints what it found, then
 * "Valid cloud-config: <file>" or the error; warnings go to the log). One start of cloud-init's Python costs about 0.2 s
 * of CPU, which a matrix of documents paid once per document. Runs the interpreter of the
 * `cloud-init` command itself, whose modules these are.
 */
export function cloudInitSchemaAll(paths: readonly string[]): ToolRun[] {
  const command = execFileSync('sh', ['-c', 'command -v cloud-init'], { encoding: 'utf8' }).trim();
  const interpreter = /^#!\s*(\S+)/.exec(readFileSync(command, 'utf8').split('\n')[0])?.[1] ?? 'python3';
  const script = [
    'import contextlib, io, json, logging, sys',
    'from cloudinit.config.schema import SchemaValidationError, get_schema, validate_cloudconfig_file',
    'schema = get_schema()',
    'root = logging.getLogger()',
    'results = []',
    'for path in json.load(sys.stdin):',
    '    log = io.StringIO()',
    '    handler = logging.StreamHandler(log)',
    '    handler.setLevel(logging.WARNING)',
    '    root.addHandler(handler)',
    '    printed = io.StringIO()',
    '    try:',
    '        with contextlib.redirect_stdout(printed):',
    '            validate_cloudconfig_file(path, schema)',
    '        results.append({"status": 0, "output": printed.getvalue() + "Valid cloud-config: " + path + "\\n" + log.getvalue()})',
    '    except (SchemaValidationError, RuntimeError) as e:',
    '        results.append({"status": 1, "output": printed.getvalue() + "Error: " + str(e) + "\\n" + log.getvalue()})',
    '    finally:',
    '        root.removeHandler(handler)',
    'print(json.dumps(results))',
  ].join('\n');
  return JSON.parse(execFileSync(interpreter, ['-c', script], { encoding: 'utf8', input: JSON.stringify(paths), maxBuffer: 64 << 20 })) as ToolRun[];
}
