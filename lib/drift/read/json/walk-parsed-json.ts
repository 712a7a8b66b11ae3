/**
 * The whole-document twin of JsonStreamScanner: walks an already parsed value
 * and asks the handler the same questions at the same paths, so small inputs
 * can take one `JSON.parse` and still go through the same readers.
 */
import { JsonPathDecision, JsonPathHandler, JsonValueKind } from './json-path';

/** Feeds `document` to `handler` as the streaming scanner would. */
export function walkParsedJson(document: unknown, handler: JsonPathHandler): void {
  const path: (string | number)[] = [];
  const visit = (value: unknown): void => {
    const kind = Array.isArray(value) ? JsonValueKind.ARRAY : value !== null && typeof value === 'object' ? JsonValueKind.OBJECT : JsonValueKind.SCALAR;
    const decision = handler.decide(path, kind);
    if (decision === JsonPathDecision.CAPTURE || decision === JsonPathDecision.CAPTURE_OR_DESCEND) {
      handler.onValue(path, value);
      return;
    }
    if (decision !== JsonPathDecision.DESCEND || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(i);
        visit(value[i]);
        path.pop();
      }
    } else {
      for (const [key, member] of Object.entries(value)) {
        path.push(key);
        visit(member);
        path.pop();
      }
    }
    handler.onEnd?.(path);
  };
  visit(document);
}
