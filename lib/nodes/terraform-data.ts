/**
 * Terraform's built-in `terraform_data` resource, written without cdktf's `DataResource`: its
 * constructor adds a validation that runs `terraform version` in a shell at every synth, once per
 * resource (cdktf lib/terraform-data-resource.js, ValidateTerraformVersion ">=1.4"), which for a
 * replacement stamp per node and a pinned image per cloud is tens of processes per synth (147 in the
 * lifecycle tests, 4 CPU-seconds), and fails the synth where no terraform binary is installed.
 * `terraform_data` came with Terraform 1.4; `cdktf deploy` runs Terraform >= 1.6 (the version the
 * Terraform tests ask for, test/terraform/terraform-cli.ts).
 */
import { TerraformResource, TerraformResourceLifecycle } from 'cdktf';
import { Construct } from 'constructs';

export interface TerraformDataConfig {
  /** `input`: any value, kept in state and given back as `output`. */
  readonly input?: unknown;
  /** `triggers_replace`: any value; a change replaces the resource. */
  readonly triggersReplace?: unknown;
  readonly lifecycle?: TerraformResourceLifecycle;
}

export class TerraformData extends TerraformResource {
  constructor(scope: Construct, id: string, private readonly config: TerraformDataConfig) {
    super(scope, id, { terraformResourceType: 'terraform_data', lifecycle: config.lifecycle });
  }

  /** `output` (what `input` was when the resource was last created or updated), as a string reference. */
  public outputString(key?: string): string {
    return this.getStringAttribute(key === undefined ? 'output' : `output.${key}`);
  }

  protected synthesizeAttributes(): { [name: string]: unknown } {
    return { input: this.config.input, triggers_replace: this.config.triggersReplace };
  }
}
