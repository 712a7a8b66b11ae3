/**
 * Checks a SARIF log against what SARIF 2.1.0 requires (sarif-schema-2.1.0
 * `required` properties and enums) and what GitHub code scanning additionally
 * needs (rule ids, a physical location with a URI and a start line per
 * result). Returns the problems found; empty means valid.
 */
const LEVELS = ['none', 'note', 'warning', 'error'];

export function validateSarif(log: unknown): string[] {
  const problems: string[] = [];
  const fail = (path: string, problem: string) => problems.push(`${path}: ${problem}`);
  const isObject = (v: unknown): v is Record<string, any> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(log)) return ['log: not an object'];
  if (log.version !== '2.1.0') fail('version', 'must be "2.1.0"');
  if (typeof log.$schema !== 'string' || !/sarif-2\.1\.0/.test(log.$schema)) fail('$schema', 'should name the 2.1.0 schema');
  if (!Array.isArray(log.runs)) return [...problems, 'runs: required array'];
  log.runs.forEach((run: unknown, r: number) => {
    const at = `runs[${r}]`;
    if (!isObject(run)) return fail(at, 'not an object');
    const driver = run.tool?.driver;
    if (!isObject(driver) || typeof driver.name !== 'string' || driver.name === '') return fail(`${at}.tool.driver.name`, 'required');
    const rules: any[] = Array.isArray(driver.rules) ? driver.rules : [];
    const ids = new Set<string>();
    rules.forEach((rule, i) => {
      if (typeof rule?.id !== 'string') fail(`${at}.tool.driver.rules[${i}].id`, 'required');
      if (ids.has(rule.id)) fail(`${at}.tool.driver.rules[${i}].id`, 'duplicate');
      ids.add(rule.id);
      if (rule.shortDescription && typeof rule.shortDescription.text !== 'string') fail(`${at}.tool.driver.rules[${i}].shortDescription.text`, 'required');
      if (rule.defaultConfiguration && !LEVELS.includes(rule.defaultConfiguration.level)) fail(`${at}.tool.driver.rules[${i}].defaultConfiguration.level`, 'invalid');
    });
    if (!Array.isArray(run.results)) return fail(`${at}.results`, 'GitHub requires an array (may be empty)');
    run.results.forEach((result: any, i: number) => {
      const rat = `${at}.results[${i}]`;
      if (!isObject(result.message) || (typeof result.message.text !== 'string' && typeof result.message.id !== 'string')) fail(`${rat}.message`, 'text or id required');
      if (typeof result.ruleId !== 'string' || !ids.has(result.ruleId)) fail(`${rat}.ruleId`, 'must name a rule of the driver');
      if (result.ruleIndex !== undefined && rules[result.ruleIndex]?.id !== result.ruleId) fail(`${rat}.ruleIndex`, 'does not point at ruleId');
      if (result.level !== undefined && !LEVELS.includes(result.level)) fail(`${rat}.level`, 'invalid');
      if (!Array.isArray(result.locations) || result.locations.length === 0 || result.locations.length > 10) return fail(`${rat}.locations`, 'GitHub requires 1 to 10 locations');
      result.locations.forEach((location: any, l: number) => {
        const physical = location?.physicalLocation;
        if (typeof physical?.artifactLocation?.uri !== 'string' || physical.artifactLocation.uri === '') fail(`${rat}.locations[${l}].physicalLocation.artifactLocation.uri`, 'required by GitHub');
        if (!Number.isInteger(physical?.region?.startLine) || physical.region.startLine < 1) fail(`${rat}.locations[${l}].physicalLocation.region.startLine`, 'required by GitHub, >= 1');
      });
      if (result.partialFingerprints !== undefined && !Object.values(result.partialFingerprints).every((v) => typeof v === 'string')) fail(`${rat}.partialFingerprints`, 'values must be strings');
    });
  });
  return problems;
}
