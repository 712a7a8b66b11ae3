import { createHash } from 'node:crypto';
import { meshAgentFiles } from './mesh-files';
import { tarArchive } from './tar-archive';
import { readTemplateFile } from './template-files';

/** The node agent as one download (see `NodeBootstrapMesh.agentUrl`). */
export interface MeshAgentArchive {
  /** An uncompressed POSIX tar of `templates/mesh/agent`, paths relative to it; serve these bytes at agentUrl. */
  readonly bytes: Buffer;
  /** SHA-256 of `bytes`, hex: pass it as `agentSha256`. */
  readonly sha256: string;
}

/**
 * `templates/mesh/agent` as a tar the node extracts into /opt/cast/mesh
 * (`tar -xf`). Deterministic (tarArchive): files in a fixed order, owner root,
 * mtime 0, no compression (a zlib upgrade would change gzip bytes, hence the
 * hash pinned in every node's user-data). The same package version gives the
 * same bytes.
 */
export function meshAgentArchive(): MeshAgentArchive {
  const bytes = tarArchive(
    meshAgentFiles().map(({ relativePath, executable, template }) => ({ path: relativePath, mode: executable ? 0o755 : 0o644, content: Buffer.from(readTemplateFile(template), 'utf8') })),
  );
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
