/**
 * The line of a resource block in a synthesized stack, for SARIF locations
 * and annotations. cdktf writes `"resource": {"<type>": {"<name>": {` with one
 * key per line, so a text search in that order finds it; when it does not,
 * the finding points at the file without a line.
 */

/** 1-based line of `"name":` inside `"type":` inside `"resource":`, or undefined. */
export function blockLine(text: string, type: string, name: string): number | undefined {
  const resource = text.indexOf('"resource"');
  if (resource === -1) return undefined;
  const typeAt = text.indexOf(`${JSON.stringify(type)}:`, resource) !== -1 ? text.indexOf(`${JSON.stringify(type)}:`, resource) : text.indexOf(`${JSON.stringify(type)} :`, resource);
  if (typeAt === -1) return undefined;
  const nameAt = text.indexOf(JSON.stringify(name), typeAt + type.length + 2);
  if (nameAt === -1) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < nameAt; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
