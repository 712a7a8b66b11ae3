/** The documents of a multi-document YAML text, each without leading comment lines; empty ones dropped. */
export function splitDocuments(text: string): string[] {
  return text
    .split(/^---[ \t]*$/m)
    .map((doc) => doc.replace(/^(\s*#[^\n]*\n|\s*\n)+/, '').replace(/\s+$/, '\n'))
    .filter((doc) => doc.trim() !== '');
}
