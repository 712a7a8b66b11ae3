/**
 * The one error type the drift check throws for bad input.
 *
 * Its message is a single line that names the file, what is wrong and, where
 * there is one, the fix, so the CLI can print it as is and exit 1 without a
 * stack trace. Anything else that escapes is a bug in this module.
 */
export class DriftInputError extends Error {
  /** The file (or `-` for stdin) the problem is in, when there is one. */
  public readonly file?: string;

  constructor(message: string, file?: string) {
    super(oneLine(file === undefined ? message : `${file}: ${message}`));
    this.name = 'DriftInputError';
    this.file = file;
  }
}

/** True when `error` is a DriftInputError (also across module copies). */
export function isDriftInputError(error: unknown): error is DriftInputError {
  return error instanceof DriftInputError || (error instanceof Error && error.name === 'DriftInputError');
}

/** Control characters (a newline in a key name, say) escaped, so a message stays one line. */
function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
