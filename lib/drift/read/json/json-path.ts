/**
 * What a selective JSON reader does with each value, decided from the value's
 * path. Both the streaming scanner and the whole-document walker ask the same
 * question, so a reader behaves the same on a 1 KB file and on a 1 GB one.
 */

/** A path inside a JSON document: object keys and array indexes, outermost first. */
export type JsonPath = readonly (string | number)[];

/** What to do with the value at a path. */
export enum JsonPathDecision {
  /** Enter the object or array and ask again for each member (a scalar is skipped). */
  DESCEND = 'descend',
  /** Parse the whole value and hand it to `onValue`. */
  CAPTURE = 'capture',
  /** Step over the value without parsing it. */
  SKIP = 'skip',
  /**
   * CAPTURE when the whole object or array is at hand (the streaming scanner
   * found its end in the chunk it holds), else DESCEND: for values that are
   * usually small but may be larger than one string can hold.
   */
  CAPTURE_OR_DESCEND = 'capture-or-descend',
}

/** The JSON type of a value, as known from its first byte. */
export enum JsonValueKind {
  OBJECT = 'object',
  ARRAY = 'array',
  SCALAR = 'scalar',
}

/** Receives the captured values of a document. */
export interface JsonPathHandler {
  /** Called before each value; the root has the empty path. */
  decide(path: JsonPath, kind: JsonValueKind): JsonPathDecision;
  /**
   * Called with each captured value. `path` is only valid during the call
   * (the scanner reuses the array); copy it to keep it.
   */
  onValue(path: JsonPath, value: unknown): void;
  /**
   * Called when an object or array the handler descended into ends, with its
   * path (valid only during the call), after the calls for its members.
   */
  onEnd?(path: JsonPath): void;
}
