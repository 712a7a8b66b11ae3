/** One regular file of a tar archive. */
export interface TarEntry {
  /** The member's name, relative (tar extracts it under `-C <dir>`); at most 100 bytes. */
  readonly path: string;
  readonly mode: number;
  readonly content: Buffer;
}

const BLOCK = 512;

/**
 * An uncompressed POSIX (ustar) tar of `entries`, in their order. Deterministic: owner
 * root (uid and gid 0), mtime 0, no directory members (tar creates the parents it needs),
 * so the same entries give the same bytes on every machine.
 */
export function tarArchive(entries: readonly TarEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const { path, mode, content } of entries) blocks.push(tarHeader(path, mode, content.length), content, Buffer.alloc(padding(content.length)));
  // End of archive: two empty blocks.
  blocks.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(blocks);
}

/** A ustar header for a regular file (POSIX.1-1988 layout). */
function tarHeader(path: string, mode: number, size: number): Buffer {
  if (Buffer.byteLength(path) > 100) throw new Error(`${path}: a ustar name holds at most 100 bytes. Shorten the path.`);
  const header = Buffer.alloc(BLOCK);
  const field = (offset: number, length: number, text: string) => header.write(text, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number) => field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
  field(0, 100, path);
  octal(100, 8, mode);
  octal(108, 8, 0); // uid
  octal(116, 8, 0); // gid
  octal(124, 12, size);
  octal(136, 12, 0); // mtime
  field(148, 8, ' '.repeat(8)); // the checksum is computed with its own field as spaces
  field(156, 1, '0'); // regular file
  field(257, 8, 'ustar\u000000');
  field(265, 32, 'root');
  field(297, 32, 'root');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, checksum.toString(8).padStart(6, '0') + '\0 ');
  return header;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}
