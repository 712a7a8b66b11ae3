/**
 * The error every planner throws: all problems found in one input, not only the
 * first. Each problem reads `<prop> must be <rule> (got <value>). <fix>`; the
 * construct that called the planner prefixes each with its construct path.
 */
export class PlanError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'PlanError';
  }
}

/** Collects problems while a planner validates its input. */
export class ProblemList {
  private readonly problems: string[] = [];

  /** Records a problem. */
  add(problem: string): void {
    this.problems.push(problem);
  }

  /** Throws a PlanError holding every recorded problem, if there is any. */
  throwIfAny(): void {
    if (this.problems.length > 0) throw new PlanError([...this.problems]);
  }

  /** True when no problem has been recorded. */
  get isEmpty(): boolean {
    return this.problems.length === 0;
  }
}
