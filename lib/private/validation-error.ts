/**
 * How constructs report bad input: every problem of the whole app in ONE error at synth,
 * each line prefixed with the construct path, and no stack trace (the frames would point
 * into this library, not at the user's mistake).
 *
 * Constructs do not throw at the first mistake: they record what is wrong
 * (`recordProblems`) or register a check that runs once every construct exists
 * (`checkAtSynth`), and carry on as far as they can. The app's problems wait in one
 * ledger per construct tree (per App); an aspect and a validation on each stack that
 * holds a recording construct throw them all at once, with the problems of every other
 * validation of the app (ProblemLedger.watch).
 *
 * Why a thrown CastValidationError and not cdktf's own reporting (cdktf 0.21 and cdktf-cli
 * 0.21, read in node_modules): a validation that returns strings ends in cdktf's `Validation
 * failed with the following errors` Error, printed with its stack frames, and only for one
 * stack (lib/terraform-stack.js runAllValidations, lib/errors.js stackValidationFailure); an
 * error annotation (Annotations.addError) ends in `Encountered Annotations with level "ERROR"`,
 * also with frames (lib/synthesize/synthesizer.js), unless the cdktf CLI runs the app: it sets
 * CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS and prints each as `ERROR [path]: message` with
 * the annotation's JavaScript stack (@cdktf/cli-core synth.js printAnnotations). Before any
 * validation, cdktf resolves every token once (TerraformStack.prepareStack), so a token whose
 * value cannot be made must not throw there (CastCluster.plannedFor). Node prints an uncaught
 * error whose `stack` is its message without frames, in brackets after the line that threw;
 * the cdktf CLI shows the app's stderr under "Command output on stderr" (synth-stack.js).
 */
import { Aspects, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { PlanError } from '../core/plan-error';

/** A synth-time input error. Its `problems` are the lines of its message. */
export class CastValidationError extends Error {
  public readonly problems!: readonly string[];

  constructor(problems: readonly string[]) {
    const text = problems.join('\n');
    super(text);
    this.name = 'CastValidationError';
    // Not enumerable, so Node prints the message alone, not the list a second time.
    Object.defineProperty(this, 'problems', { value: problems, enumerable: false });
    // Node prints `stack` for an uncaught error; the message is all that helps here.
    this.stack = `${this.name}: ${text}`;
    // The message stays the list of problems: cdktf rewrites the message of an error thrown
    // while a token resolves to "Resolution error: <message>." followed by the token's creation
    // stack (cdktf tokens/resolvable.js, DefaultTokenResolver.resolveToken). A setter that
    // ignores the write keeps it clean (a read-only property would make that write throw).
    Object.defineProperty(this, 'message', { get: () => text, set: () => undefined, enumerable: false, configurable: true });
  }
}

/** A check run at synth, once every construct exists: its problems, unprefixed. */
export type SynthCheck = () => readonly string[];

/** The problems of one construct tree (one App), reported together at synth. */
class ProblemLedger {
  /** Problems recorded while constructs were built, each prefixed with its path. */
  private readonly recorded: string[] = [];
  private readonly checks: { readonly scope: IConstruct; readonly check: SynthCheck }[] = [];
  private readonly stacks = new WeakSet<IConstruct>();
  /** Bumped by every record and check: the checks' problems are kept for one generation. */
  private generation = 0;
  private own?: { readonly generation: number; readonly problems: readonly string[] };
  private collecting = false;

  constructor(private readonly root: IConstruct) {}

  record(lines: readonly string[]): void {
    this.recorded.push(...lines);
    this.generation++;
  }

  check(scope: IConstruct, check: SynthCheck): void {
    this.checks.push({ scope, check });
    this.generation++;
  }

  /** Reports when `scope`'s stack is synthesized (once per stack). */
  watch(scope: IConstruct): void {
    const stack = stackOf(scope);
    if (!stack || this.stacks.has(stack)) return;
    this.stacks.add(stack);
    // An aspect runs at every synth of the stack, validations or not (app.synth, Testing.synth,
    // Testing.fullSynth; cdktf invokeAspects), before any value is written: the library's own
    // problems cannot be skipped, as none could when constructs threw them.
    Aspects.of(stack).add({ visit: (node) => (node === stack ? this.report(false) : undefined) });
    // With validations on, the stack's validation also lists every other validation's problems
    // in the same error: cdktf validates each stack in turn, and the first to run reports the app.
    stack.node.addValidation({ validate: () => this.report(true) });
  }

  /**
   * Throws a CastValidationError with every problem of the app when the library's own checks
   * find one, or, with `validations`, when any validation of the app does; returns no string
   * (so cdktf adds nothing).
   */
  report(validations: boolean): string[] {
    // Another stack's validation, or a construct's, while this ledger collects: it is being collected.
    if (this.collecting) return [];
    this.collecting = true;
    try {
      const own = this.ownProblems();
      if (own.length === 0 && !validations) return [];
      const problems = [...new Set([...own, ...this.validationProblems()])];
      if (problems.length > 0) throw new CastValidationError(problems);
      return [];
    } finally {
      this.collecting = false;
    }
  }

  /** Those recorded, then those of the checks, each once; the checks run once per generation. */
  private ownProblems(): readonly string[] {
    if (this.own?.generation !== this.generation) {
      const problems = [...this.recorded];
      for (const { scope, check } of this.checks) problems.push(...checked(check).map((problem) => `${scope.node.path}: ${problem}`));
      this.own = { generation: this.generation, problems: [...new Set(problems)] };
    }
    return this.own.problems;
  }

  /** Those of every validation in the tree (cdktf's `node.addValidation`: the library's, other libraries', the app's own), prefixed with their paths. */
  private validationProblems(): string[] {
    return this.root.node.findAll().flatMap((construct) => {
      const path = construct.node.path;
      // The App's own path is empty: its problems carry no prefix.
      return checked(() => construct.node.validate()).map((problem) => (path === '' || problem.startsWith(`${path}: `) ? problem : `${path}: ${problem}`));
    });
  }
}

const LEDGERS = new WeakMap<IConstruct, ProblemLedger>();

function ledgerOf(scope: IConstruct): ProblemLedger {
  const root = scope.node.root;
  let ledger = LEDGERS.get(root);
  if (!ledger) {
    ledger = new ProblemLedger(root);
    LEDGERS.set(root, ledger);
  }
  ledger.watch(scope);
  return ledger;
}

function stackOf(scope: IConstruct): IConstruct | undefined {
  return scope.node.scopes.find((s) => TerraformStack.isStack(s));
}

/** A check's problems; a planner's PlanError or an earlier CastValidationError gives its own. */
function checked(check: SynthCheck): readonly string[] {
  try {
    return check();
  } catch (error) {
    if (error instanceof PlanError || error instanceof CastValidationError) return error.problems;
    throw error;
  }
}

/**
 * Records `problems` of `scope`, reported at synth with every other problem of the app.
 * `path` names the place when it is not the construct's own (a node group whose id was
 * already taken).
 */
export function recordProblems(scope: IConstruct, problems: readonly string[], path: string = scope.node.path): void {
  const ledger = ledgerOf(scope);
  if (problems.length > 0) ledger.record(problems.map((problem) => `${path}: ${problem}`));
}

/** Registers `check`, run at synth when every construct exists; its problems are prefixed with `scope`'s path. */
export function checkAtSynth(scope: IConstruct, check: SynthCheck): void {
  ledgerOf(scope).check(scope, check);
}

/** Throws the app's CastValidationError now, if the library's checks find problems (a value that cannot be made without them). */
export function throwAppProblems(scope: IConstruct): void {
  ledgerOf(scope).report(false);
}

/**
 * Throws a CastValidationError for `problems` (if any) at once, each prefixed with the
 * construct path: for a construct that cannot be built further, such as a stack whose
 * cluster has no outputs yet. Prefer recordProblems.
 */
export function throwProblems(scope: IConstruct, problems: readonly string[]): void {
  if (problems.length > 0) throw new CastValidationError(problems.map((problem) => `${scope.node.path}: ${problem}`));
}

/** Runs a planner; rethrows its PlanError with the construct path on every problem. */
export function planAt<T>(scope: IConstruct, plan: () => T): T {
  try {
    return plan();
  } catch (error) {
    if (error instanceof PlanError) throwProblems(scope, error.problems);
    throw error;
  }
}

/** Runs a planner; returns its result, or its problems when it throws a PlanError. */
export function tryPlan<T>(plan: () => T): { result?: T; problems: readonly string[] } {
  try {
    return { result: plan(), problems: [] };
  } catch (error) {
    if (error instanceof PlanError) return { problems: error.problems };
    throw error;
  }
}

/**
 * `id` when `scope` has no child of that id, else the first free `<id>-duplicate-<n>`: a
 * construct built twice under one id is reported as a problem with the others (constructs
 * itself would throw "There is already a Construct with name …", with its stack trace).
 */
export function freeIdIn(scope: IConstruct, id: string): string {
  if (!scope.node.tryFindChild(id)) return id;
  let n = 2;
  while (scope.node.tryFindChild(`${id}-duplicate-${n}`)) n++;
  return `${id}-duplicate-${n}`;
}

/**
 * Runs `make`, which builds a construct that still throws its problems at once; a
 * CastValidationError it throws is recorded (its lines carry their paths) and undefined
 * returned, so the caller carries on and the synth reports it with the rest.
 */
export function recordThrown<T>(scope: IConstruct, make: () => T): T | undefined {
  try {
    return make();
  } catch (error) {
    if (!(error instanceof CastValidationError)) throw error;
    ledgerOf(scope).record(error.problems);
    return undefined;
  }
}
