/** One cloud-init `write_files` entry. */
export interface WriteFile {
  readonly path: string;
  readonly permissions: string;
  readonly encoding?: 'b64';
  readonly content: string;
}

/** A text file (content as it is, or a Terraform template string). */
export function textFile(path: string, permissions: string, content: string): WriteFile {
  return { path, permissions, content };
}
