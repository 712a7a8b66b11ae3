/**
 * Attributes whose change makes hashicorp/random 3.7.2 plan a replacement, for the stand-in provider.
 *
 * Read from hashicorp/terraform-provider-random at tag v3.7.2 (the pinned version).
 * Plugin-framework resources: RequiresReplace (and RequiresReplaceIf) plan modifiers compare the planned value with
 * the prior state, so a rule on a block path means any change inside the block.
 */
import { ReplaceTable } from './replace-rule';

const RANDOM = 'hashicorp/terraform-provider-random v3.7.2';
const RANDOM_BYTES = `${RANDOM} internal/provider/resource_bytes.go`;
const RANDOM_ID = `${RANDOM} internal/provider/resource_id.go`;
const RANDOM_PASSWORD = `${RANDOM} internal/provider/resource_password.go`;
const RANDOM_STRING = `${RANDOM} internal/provider/resource_string.go`;

/** Force-new attributes of registry.terraform.io/hashicorp/random 3.7.2, by resource type. */
export const RANDOM_REPLACE_RULES: ReplaceTable = {
  random_bytes: [
    // Update only copies the plan into state (no new value is generated).
    { path: ['keepers'], source: `${RANDOM_BYTES}:148 "keepers" mapplanmodifier.RequiresReplace` },
    { path: ['length'], source: `${RANDOM_BYTES}:155 "length" int64planmodifier.RequiresReplace` },
  ],
  random_id: [
    // Update only copies the plan into state (no new value is generated).
    // mapplanmodifiers.RequiresReplaceIfValuesNotNull: keys whose config value is null (absent from state) do not count.
    { path: ['keepers'], source: `${RANDOM_ID}:66 "keepers" mapplanmodifiers.RequiresReplaceIfValuesNotNull` },
    { path: ['byte_length'], source: `${RANDOM_ID}:74 "byte_length" int64planmodifier.RequiresReplace` },
    { path: ['prefix'], source: `${RANDOM_ID}:82 "prefix" stringplanmodifier.RequiresReplace` },
  ],
  random_password: [
    // Update only copies the plan into state (no new value is generated).
    // mapplanmodifiers.RequiresReplaceIfValuesNotNull: keys whose config value is null (absent from state) do not count.
    { path: ['keepers'], source: `${RANDOM_PASSWORD}:577 "keepers" mapplanmodifiers.RequiresReplaceIfValuesNotNull` },
    { path: ['length'], source: `${RANDOM_PASSWORD}:586 "length" int64planmodifier.RequiresReplace` },
    { path: ['special'], source: `${RANDOM_PASSWORD}:605 "special" boolplanmodifier.RequiresReplace` },
    { path: ['upper'], source: `${RANDOM_PASSWORD}:615 "upper" boolplanmodifier.RequiresReplace` },
    { path: ['lower'], source: `${RANDOM_PASSWORD}:624 "lower" boolplanmodifier.RequiresReplace` },
    { path: ['number'], source: `${RANDOM_PASSWORD}:637 "number" boolplanmodifier.RequiresReplace` },
    { path: ['numeric'], source: `${RANDOM_PASSWORD}:657 "numeric" boolplanmodifier.RequiresReplace` },
    { path: ['min_numeric'], source: `${RANDOM_PASSWORD}:674 "min_numeric" int64planmodifier.RequiresReplace` },
    { path: ['min_upper'], source: `${RANDOM_PASSWORD}:684 "min_upper" int64planmodifier.RequiresReplace` },
    { path: ['min_lower'], source: `${RANDOM_PASSWORD}:694 "min_lower" int64planmodifier.RequiresReplace` },
    { path: ['min_special'], source: `${RANDOM_PASSWORD}:704 "min_special" int64planmodifier.RequiresReplace` },
    // RequiresReplaceUnlessEmptyStringToNull: "" -> null is in place, every other change replaces.
    { path: ['override_special'], source: `${RANDOM_PASSWORD}:714 "override_special" stringplanmodifier.RequiresReplaceIf` },
  ],
  random_string: [
    // Update only copies the plan into state (no new value is generated).
    // mapplanmodifiers.RequiresReplaceIfValuesNotNull: keys whose config value is null (absent from state) do not count.
    { path: ['keepers'], source: `${RANDOM_STRING}:374 "keepers" mapplanmodifiers.RequiresReplaceIfValuesNotNull` },
    { path: ['length'], source: `${RANDOM_STRING}:383 "length" int64planmodifier.RequiresReplace` },
    { path: ['special'], source: `${RANDOM_STRING}:402 "special" boolplanmodifier.RequiresReplace` },
    { path: ['upper'], source: `${RANDOM_STRING}:412 "upper" boolplanmodifier.RequiresReplace` },
    { path: ['lower'], source: `${RANDOM_STRING}:422 "lower" boolplanmodifier.RequiresReplace` },
    { path: ['number'], source: `${RANDOM_STRING}:435 "number" boolplanmodifier.RequiresReplace` },
    { path: ['numeric'], source: `${RANDOM_STRING}:455 "numeric" boolplanmodifier.RequiresReplace` },
    { path: ['min_numeric'], source: `${RANDOM_STRING}:472 "min_numeric" int64planmodifier.RequiresReplace` },
    { path: ['min_upper'], source: `${RANDOM_STRING}:482 "min_upper" int64planmodifier.RequiresReplace` },
    { path: ['min_lower'], source: `${RANDOM_STRING}:492 "min_lower" int64planmodifier.RequiresReplace` },
    { path: ['min_special'], source: `${RANDOM_STRING}:502 "min_special" int64planmodifier.RequiresReplace` },
    // RequiresReplaceUnlessEmptyStringToNull: "" -> null is in place, every other change replaces.
    { path: ['override_special'], source: `${RANDOM_STRING}:512 "override_special" stringplanmodifier.RequiresReplaceIf` },
  ],
};
