import { Cloud } from '../cloud';
import { nodeFilesArchive, UNPACK_NODE_FILES } from './node-files-archive';
import { escapeTerraformTemplate } from './render-template';

/** One cloud-init `write_files` entry. */
export interface WriteFile {
  readonly path: string;
  readonly permissions: string;
  /** `b64`: base64 of the bytes; `gz+b64`: base64 of their gzip (cloud-init's write_files encodings). */
  readonly encoding?: 'b64' | 'gz+b64';
  readonly content: string;
}

/** A file whose bytes are known at synth (a script, the agent, a unit): `cloudInitFiles` decides how it travels. */
export interface StaticFile {
  readonly path: string;
  readonly permissions: string;
  /** The file exactly as the node gets it (not Terraform-escaped). */
  readonly nodeText: string;
}

/** What a node's document writes: entries as they are, and static files. */
export type NodeFile = WriteFile | StaticFile;

/** A text file (content as it is, or a Terraform template string). */
export function textFile(path: string, permissions: string, content: string): WriteFile {
  return { path, permissions, content };
}

/** A file whose bytes are known at synth. @param nodeText the file exactly as the node gets it (not Terraform-escaped) */
export function staticFile(path: string, permissions: string, nodeText: string): StaticFile {
  return { path, permissions, nodeText };
}

function isStatic(file: NodeFile): file is StaticFile {
  return 'nodeText' in file;
}

/** A node's write_files entries, and the commands runcmd runs before the bootstrap. */
export interface CloudInitFiles {
  readonly writeFiles: WriteFile[];
  readonly runFirst: string[][];
}

/**
 * How `files` travel to a node of `cloud`.
 *
 * On every cloud but AWS the static files travel together as one gzipped tar
 * (nodeFilesArchive), in the place of the first, which runcmd unpacks before
 * the bootstrap. Where the cloud counts the document as text (GCP,
 * DigitalOcean: 64 KiB), one gzip over all of them is smaller than one per
 * file, since the scripts, the agent's modules and the units share most of
 * their words. Where the wiring gzips the whole document as well (Azure), the
 * archive's base64 costs a few percent of the gzipped size and buys a document
 * under half the size for Terraform to parse and plan on every run (an Azure
 * control plane's: 59 KB instead of 146 KB). AWS keeps each static file as
 * plain text in its place: its limit (16 KB of gzip) has no room for those few
 * percent, and its nodes download the agent, so its documents are small.
 *
 * Nothing needs a static file earlier: cloud-init writes write_files in its
 * Network stage (cloud_init_modules) and runs runcmd's script in its Final stage
 * (cloud_final_modules, scripts_user; docs.cloud-init.io, "Boot stages"); the
 * units are enabled by bootstrap-node.sh, and the per-boot re-run it installs
 * uses files the first boot unpacked. The archive stays on disk.
 */
export function cloudInitFiles(cloud: Cloud, files: readonly NodeFile[]): CloudInitFiles {
  if (cloud === Cloud.AWS) {
    return { writeFiles: files.map((file) => (isStatic(file) ? textFile(file.path, file.permissions, escapeTerraformTemplate(file.nodeText)) : file)), runFirst: [] };
  }
  const statics = files.filter(isStatic);
  if (statics.length === 0) return { writeFiles: files as WriteFile[], runFirst: [] };
  const first = files.findIndex(isStatic);
  const others = files.filter((file): file is WriteFile => !isStatic(file));
  return { writeFiles: [...others.slice(0, first), nodeFilesArchive(statics), ...others.slice(first)], runFirst: [[...UNPACK_NODE_FILES]] };
}
