/**
 * How constructs report bad input: one error naming every problem, each line
 * prefixed with the construct path, and no stack trace (the frames would point
 * into this library, not at the user's mistake).
 */
import { IConstruct } from 'constructs';
import { PlanError } from '../core/plan-error';

/** A synth-time input error. Its `problems` are the lines of its message. */
export class CastValidationError extends Error {
  public readonly problems!: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'CastValidationError';
    // Not enumerable, so Node prints the message alone, not the list a second time.
    Object.defineProperty(this, 'problems', { value: problems, enumerable: false });
    // Node prints `stack` for an uncaught error; the message is all that helps here.
    this.stack = `${this.name}: ${this.message}`;
  }
}

/** Throws a CastValidationError for `problems` (if any), each prefixed with the construct path. */
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
