/** The problems a planner reports by throwing a PlanError; fails the test when it throws nothing or something else. */
import { PlanError } from '../../lib/core/plan-error';

export function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof PlanError) return error.problems;
    throw error;
  }
  throw new Error('expected a PlanError');
}
