import { createHash } from 'node:crypto';
import { meshAgentFiles } from './mesh-files';
import { readTemplateFile } from './template-files';

/** The node agent as one download (see `NodeBootstrapMesh.agentUrl`). */
export interface MeshAgentArchive {
  /** An uncompressed POSIX tar of `templates/mesh/agent`, paths relative to it; serve these bytes at agentUrl. */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, hex: pass it as `agentSha256`. */
  readonly sha256: string;
}

const BLOCK = 512;

/**
 * `templates/mesh/agent` as a tar the node extracts into /opt/cast/mesh
 * (`tar -xf`). Deterministic: files in a fixed order, owner root, mtime 0, no
 * compression (a zlib upgrade would change gzip bytes, hence the hash pinned in
 * every node's user-data). The same package version gives the same bytes.
 */
export function meshAgentArchive(): MeshAgentArchive {
  const blocks: Buffer[] = [];
  for (const { relativePath, executable, template } of meshAgentFiles()) {
    const content = Buffer.from(readTemplateFile(template), 'utf8');
    blocks.push(tarHeader(relativePath, executable ? 0o755 : 0o644, content.length), content, Buffer.alloc(padding(content.length)));
  }
  // End of archive: two empty blocks.
  blocks.push(Buffer.alloc(2 * BLOCK));
  const bytes = Buffer.concat(blocks);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A ustar header for a regular file (POSIX.1-1988 layout). */
function tarHeader(path: string, mode: number, size: number): Buffer {
  if (Buffer.byteLength(path) > 100) throw new Error(`${path}: a ustar name holds at most 100 bytes. Shorten the path under templates/mesh/agent.`);
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
