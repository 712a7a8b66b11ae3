/** One-line reasons for file system errors, so no stack trace or errno noise reaches the user. */

/** A one-line reason for a file system error, without a stack; `verb` is what was attempted. */
export function describeFileError(error: unknown, verb: 'read' | 'written' = 'read'): string {
  const code = (error as { code?: string } | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return verb === 'read' ? 'does not exist' : 'cannot be written (its directory does not exist)';
    case 'EACCES':
    case 'EPERM':
      return `cannot be ${verb} (permission denied)`;
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'ENOTREGULAR':
      return `is a ${(error as { kind?: string }).kind ?? 'special file'}, not a regular file: the report goes only to a regular file, which it replaces. Name a file, or leave --output out to write to standard output`;
    case 'ENOTDIR':
      return 'is not a valid path (a parent is not a directory)';
    case 'EMFILE':
    case 'ENFILE':
      return 'cannot be opened (too many open files)';
    default:
      return `cannot be ${verb} (${code ?? (error instanceof Error ? error.message.split('\n')[0] : 'unknown error')})`;
  }
}
