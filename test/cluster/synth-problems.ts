/** What a synth reports for bad input: the lines of its one CastValidationError. */
import { App, TerraformStack, Testing } from 'cdktf';
import { CastValidationError } from '../../lib/private/validation-error';

/**
 * The problems `Testing.synth(stack, true)` throws, one per line, each `<construct path>: …`;
 * fails unless the error is a CastValidationError whose stack names no frame.
 */
export function synthProblems(stack: TerraformStack): string[] {
  try {
    Testing.synth(stack, true);
  } catch (error) {
    return problemsOf(error);
  }
  throw new Error('expected the synth to fail');
}

/** The problems `app.synth()` throws, as `cdktf synth` runs it. */
export function appSynthProblems(app: App): string[] {
  try {
    app.synth();
  } catch (error) {
    return problemsOf(error);
  }
  throw new Error('expected the synth to fail');
}

/** The problems of `stack`'s synth that name `path` or a construct under it. */
export function problemsAt(stack: TerraformStack, path: string): string[] {
  return synthProblems(stack).filter((line) => line.startsWith(`${path}: `) || line.startsWith(`${path}/`));
}

function problemsOf(error: unknown): string[] {
  if (!(error instanceof CastValidationError)) throw error;
  // No stack trace: the frames would point into the library, not at the mistake.
  expect(error.stack).toBe(`CastValidationError: ${error.message}`);
  expect(error.message).not.toMatch(/^\s+at /m);
  return error.message.split('\n');
}
