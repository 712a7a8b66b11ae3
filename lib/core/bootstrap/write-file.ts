import { gzipSync } from 'node:zlib';
import { Cloud } from '../cloud';
import { escapeTerraformTemplate } from './render-template';
import { GZIPPED_USER_DATA_CLOUDS } from './user-data-limits';

/** One cloud-init `write_files` entry. */
export interface WriteFile {
  readonly path: string;
  readonly permissions: string;
  /** `b64`: base64 of the bytes; `gz+b64`: base64 of their gzip (cloud-init's write_files encodings). */
  readonly encoding?: 'b64' | 'gz+b64';
  readonly content: string;
}

/** A text file (content as it is, or a Terraform template string). */
export function textFile(path: string, permissions: string, content: string): WriteFile {
  return { path, permissions, content };
}

/**
 * A file whose bytes are known at synth (a script, the agent, a unit) on a node
 * of `cloud`. Where the cloud takes user-data as text (GCP, DigitalOcean: 64 KB
 * on DigitalOcean), it is gzipped and base64-encoded, which cloud-init undoes
 * (`encoding: gz+b64`): that is what lets the agent travel inline; the base64
 * alphabet holds no `${` or `%{`, so Terraform leaves it alone. Where the whole
 * document is gzipped, plain text compresses better.
 *
 * @param nodeText the file exactly as the node gets it (not Terraform-escaped)
 */
export function staticFile(cloud: Cloud, path: string, permissions: string, nodeText: string): WriteFile {
  if (GZIPPED_USER_DATA_CLOUDS.includes(cloud)) return { path, permissions, content: escapeTerraformTemplate(nodeText) };
  let content = COMPRESSED.get(nodeText);
  if (content === undefined) COMPRESSED.set(nodeText, (content = gzipDeterministic(nodeText).toString('base64')));
  return { path, permissions, encoding: 'gz+b64', content };
}

/** The same few dozen files go to every node: each is compressed once per process. */
const COMPRESSED = new Map<string, string>();

/**
 * gzip at the highest level with a fixed header: zlib writes mtime 0, and the OS
 * byte (RFC 1952 section 2.3, offset 9), which zlib sets from the build platform,
 * becomes 255 ("unknown"), so every machine synthesizes the same bytes.
 */
function gzipDeterministic(text: string): Buffer {
  const gz = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  gz[9] = 255;
  return gz;
}
