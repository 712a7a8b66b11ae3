/**
 * A synth warning for a stack whose state holds secrets and is a local file: cdktf's default,
 * `terraform.<stack>.tfstate` in the folder synth ran in (cdktf LocalBackend), in clear on the deploying machine, with
 * no lock between two deploys and nothing to share with a team or CI.
 *
 * The warning is an Annotation on a small construct of the stack that carries no JavaScript
 * stack trace (cdktf DISABLE_STACK_TRACE_IN_METADATA), so the manifest stays the same wherever
 * the app runs; the stack's backend is looked at in a validation, when cdktf has settled it
 * (a stack without one gets a LocalBackend when cdktf prepares it, before validations run).
 */
import { Annotations, DISABLE_STACK_TRACE_IN_METADATA, LocalBackend, TerraformBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';

const CHECK_ID = 'StateBackendCheck';

/** The fix the warning names. */
export const REMOTE_STATE_FIX =
  "Put every stack on a remote backend: new CastBackend(app, 'state', { s3: { bucket, region } }) after the last stack (or gcs, azurerm, hcpTerraform; README, \"State\").";

/** Warns at synth when `stack`'s state, which holds `secret` (e.g. "the cluster's CA keys"), is a local file. */
export function warnOnLocalState(stack: TerraformStack, secret: string): void {
  const check = (stack.node.tryFindChild(CHECK_ID) as StateBackendCheck | undefined) ?? new StateBackendCheck(stack, CHECK_ID);
  check.secrets.add(secret);
}

/** Whether `stack` keeps its state in a local file (its backend is a LocalBackend, or it has none yet). */
export function hasLocalState(stack: TerraformStack): boolean {
  const backends = stack.node.findAll().filter(TerraformBackend.isBackend);
  return backends.length === 0 || backends.every((backend) => backend instanceof LocalBackend);
}

class StateBackendCheck extends Construct {
  public readonly secrets = new Set<string>();
  private warned = false;

  constructor(stack: TerraformStack, id: string) {
    super(stack, id);
    this.node.setContext(DISABLE_STACK_TRACE_IN_METADATA, true);
    this.node.addValidation({
      validate: () => {
        if (!this.warned && hasLocalState(stack)) {
          this.warned = true;
          Annotations.of(this).addWarning(
            `${stack.node.path}: the state of this stack holds ${[...this.secrets].join(' and ')}, and is a local file (terraform.${stack.node.id}.tfstate in the folder synth ran in), in clear on this machine and locked against no other deploy. ${REMOTE_STATE_FIX}`,
          );
        }
        return [];
      },
    });
  }
}
