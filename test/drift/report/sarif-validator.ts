/**
 * Checks a SARIF log against what SARIF 2.1.0 requires (sarif-schema-2.1.0
 * `required` properties and enums) and what GitHub code scanning additionally
 * needs (rule ids, 1 to 10 locations per result, each with an artifact URI and
 * a start line). Returns the problems found; empty means valid.
 */
const LEVELS = ['none', 'note', 'warning', 'error'];

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The value at a path of keys, or undefined. */
function at(value: unknown, ...keys: string[]): unknown {
  return keys.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function validateSarif(log: unknown): string[] {
  const problems: string[] = [];
  const fail = (path: string, problem: string) => {
    problems.push(`${path}: ${problem}`);
  };
  if (!isObject(log)) return ['log: not an object'];
  if (log.version !== '2.1.0') fail('version', 'must be "2.1.0"');
  if (typeof log.$schema !== 'string' || !/sarif-2\.1\.0/.test(log.$schema)) fail('$schema', 'should name the 2.1.0 schema');
  if (!Array.isArray(log.runs)) return [...problems, 'runs: required array'];
  log.runs.forEach((run, r) => validateRun(run, `runs[${r}]`, fail));
  return problems;
}

function validateRun(run: unknown, path: string, fail: (path: string, problem: string) => void): void {
  const name = at(run, 'tool', 'driver', 'name');
  if (typeof name !== 'string' || name === '') {
    fail(`${path}.tool.driver.name`, 'required');
    return;
  }
  const rules = list(at(run, 'tool', 'driver', 'rules'));
  const ids = new Set<string>();
  rules.forEach((rule, i) => {
    const id = at(rule, 'id');
    if (typeof id !== 'string') fail(`${path}.tool.driver.rules[${i}].id`, 'required');
    else if (ids.has(id)) fail(`${path}.tool.driver.rules[${i}].id`, 'duplicate');
    else ids.add(id);
    if (at(rule, 'shortDescription') !== undefined && typeof at(rule, 'shortDescription', 'text') !== 'string') fail(`${path}.tool.driver.rules[${i}].shortDescription.text`, 'required');
    const level = at(rule, 'defaultConfiguration', 'level');
    if (level !== undefined && !LEVELS.includes(String(level))) fail(`${path}.tool.driver.rules[${i}].defaultConfiguration.level`, 'invalid');
  });
  const results = at(run, 'results');
  if (!Array.isArray(results)) {
    fail(`${path}.results`, 'GitHub requires an array (may be empty)');
    return;
  }
  results.forEach((result, i) => {
    const where = `${path}.results[${i}]`;
    if (typeof at(result, 'message', 'text') !== 'string' && typeof at(result, 'message', 'id') !== 'string') fail(`${where}.message`, 'text or id required');
    const ruleId = at(result, 'ruleId');
    if (typeof ruleId !== 'string' || !ids.has(ruleId)) fail(`${where}.ruleId`, 'must name a rule of the driver');
    const ruleIndex = at(result, 'ruleIndex');
    if (ruleIndex !== undefined && at(rules[Number(ruleIndex)], 'id') !== ruleId) fail(`${where}.ruleIndex`, 'does not point at ruleId');
    const level = at(result, 'level');
    if (level !== undefined && !LEVELS.includes(String(level))) fail(`${where}.level`, 'invalid');
    const locations = list(at(result, 'locations'));
    if (locations.length === 0 || locations.length > 10) fail(`${where}.locations`, 'GitHub requires 1 to 10 locations');
    locations.forEach((location, l) => {
      const uri = at(location, 'physicalLocation', 'artifactLocation', 'uri');
      if (typeof uri !== 'string' || uri === '') fail(`${where}.locations[${l}].physicalLocation.artifactLocation.uri`, 'required by GitHub');
      const line = at(location, 'physicalLocation', 'region', 'startLine');
      if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) fail(`${where}.locations[${l}].physicalLocation.region.startLine`, 'required by GitHub, >= 1');
    });
    const fingerprints = at(result, 'partialFingerprints');
    if (fingerprints !== undefined && (!isObject(fingerprints) || !Object.values(fingerprints).every((v) => typeof v === 'string'))) fail(`${where}.partialFingerprints`, 'values must be strings');
  });
}
