/** Reads a rendered user-data document the way a node would: Terraform first, then cloud-init's YAML. */
import { gunzipSync } from 'node:zlib';
import { parse, parseAllDocuments } from 'yaml';
import { NODE_FILES_ARCHIVE } from '../../../lib/core/bootstrap/node-files-archive';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';

export interface WrittenFile {
  readonly path: string;
  readonly permissions: string;
  readonly encoding?: string;
  readonly content: string;
}

export interface CloudConfig {
  readonly write_files: WrittenFile[];
  readonly runcmd: string[][];
  readonly [key: string]: unknown;
}

/**
 * The files a node has once cloud-init has written them and runcmd has unpacked the
 * node-files archive (GCP and DigitalOcean, lib/core/bootstrap/write-file.ts): the
 * archive's entry is replaced by its files, in their order, as plain text with their
 * modes, so tests find every file by its path whatever the cloud. runcmd is as sent.
 * `parseCloudConfig` gives the document as it is.
 */
export function parseUserData(rendered: string): CloudConfig {
  return unpackNodeFiles(parseCloudConfig(rendered));
}

/** `config` (a parsed document) with the node-files archive's entry replaced by its files, as `parseUserData` gives them. */
export function unpackNodeFiles<T extends { readonly write_files: readonly WrittenFile[] }>(config: T): T {
  return { ...config, write_files: config.write_files.flatMap((file) => (file.path === NODE_FILES_ARCHIVE ? filesOfArchive(file) : [file])) };
}

/** The cloud-config a node receives from a rendered document whose values are concrete, entries as sent. */
export function parseCloudConfig(rendered: string): CloudConfig {
  const text = unescapeTerraformTemplate(rendered);
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return parse(text) as CloudConfig;
}

/** The regular files of the node-files archive (a ustar tar once cloud-init has undone gz+b64), as write_files entries at their absolute paths. */
export function filesOfArchive(archive: WrittenFile): WrittenFile[] {
  expect(archive.encoding).toBe('gz+b64');
  const tar = gunzipSync(Buffer.from(archive.content, 'base64'));
  const files: WrittenFile[] = [];
  const text = (offset: number, length: number) => tar.toString('latin1', offset, offset + length).replace(/\0.*$/s, '');
  for (let offset = 0; offset + 512 <= tar.length && tar[offset] !== 0; ) {
    const size = parseInt(text(offset + 124, 12), 8);
    expect(text(offset + 156, 1)).toBe('0');
    files.push({ path: `/${text(offset, 100)}`, permissions: `0${text(offset + 100, 8).slice(-3)}`, content: tar.toString('utf8', offset + 512, offset + 512 + size) });
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** One written file by path; fails the test when it is missing. */
export function fileAt(config: CloudConfig, path: string): WrittenFile {
  const file = config.write_files.find((f) => f.path === path);
  if (!file) throw new Error(`no file ${path} in write_files (${config.write_files.map((f) => f.path).join(', ')})`);
  return file;
}

/** The file's content as it lands on disk (b64 decoded, gz+b64 decoded and gunzipped, as cloud-init does). */
export function contentOf(file: WrittenFile): string {
  if (file.encoding === 'gz+b64') return gunzipSync(Buffer.from(file.content, 'base64')).toString('utf8');
  return file.encoding === 'b64' ? Buffer.from(file.content, 'base64').toString('utf8') : file.content;
}

/** A parsed Kubernetes or kubeadm document; tests assert on it field by field. */
export type KubeDocument = Record<string, any>;

/** Every YAML document of a multi-document file, as plain objects; fails on a YAML error. */
export function parseDocuments(text: string): KubeDocument[] {
  return parseAllDocuments(text).map((doc) => {
    expect(doc.errors).toEqual([]);
    return doc.toJS();
  });
}
