/** Reads a rendered user-data document the way a node would: Terraform first, then cloud-init's YAML. */
import { gunzipSync } from 'node:zlib';
import { parse, parseAllDocuments } from 'yaml';
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

/** The cloud-config a node receives from a rendered document whose values are concrete. */
export function parseUserData(rendered: string): CloudConfig {
  const text = unescapeTerraformTemplate(rendered);
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  return parse(text) as CloudConfig;
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
