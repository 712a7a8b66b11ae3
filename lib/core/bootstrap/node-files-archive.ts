import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { tarArchive } from './tar-archive';
import type { StaticFile, WriteFile } from './write-file';

/** Where a node of GCP, Azure or DigitalOcean keeps its static files as they came (cloudInitFiles). */
export const NODE_FILES_ARCHIVE = '/opt/cast/node-files.tar';

/**
 * What unpacks the archive, runcmd's first command: every file lands at its path with the
 * archive's mode (`--same-permissions`), owned by root, which runs it (`--no-same-owner`),
 * dated now (`--touch`: the archive's mtime 0 would date them 1970). GNU tar, in every image
 * (tar is Essential in Debian and Ubuntu).
 */
export const UNPACK_NODE_FILES: readonly string[] = ['tar', '--extract', `--file=${NODE_FILES_ARCHIVE}`, '--directory=/', '--no-same-owner', '--same-permissions', '--touch'];

/**
 * `files` as one write_files entry: a tar of them (paths relative to /, in their order) that
 * cloud-init writes to NODE_FILES_ARCHIVE from base64 of its gzip (`encoding: gz+b64`: the
 * file on disk is the tar). The base64 alphabet holds no `${` or `%{`, so Terraform leaves it
 * alone. The same files give the same bytes on every synth (tarArchive, gzipDeterministic).
 */
export function nodeFilesArchive(files: readonly StaticFile[]): WriteFile {
  const tar = tarArchive(
    files.map(({ path, permissions, nodeText }) => {
      if (!path.startsWith('/')) throw new Error(`${path}: a node file's path must be absolute.`);
      return { path: path.slice(1), mode: parseInt(permissions, 8), content: Buffer.from(nodeText, 'utf8') };
    }),
  );
  const key = createHash('sha256').update(tar).digest('hex');
  let content = COMPRESSED.get(key);
  if (content === undefined) COMPRESSED.set(key, (content = gzipDeterministic(tar).toString('base64')));
  return { path: NODE_FILES_ARCHIVE, permissions: '0600', encoding: 'gz+b64', content };
}

/** Nodes of the same kind get the same files: each archive is compressed once per process. */
const COMPRESSED = new Map<string, string>();

/**
 * gzip at the highest level with a fixed header: zlib writes mtime 0, and the OS
 * byte (RFC 1952 section 2.3, offset 9), which zlib sets from the build platform,
 * becomes 255 ("unknown"), so every machine synthesizes the same bytes.
 */
function gzipDeterministic(bytes: Buffer): Buffer {
  const gz = gzipSync(bytes, { level: 9 });
  gz[9] = 255;
  return gz;
}
