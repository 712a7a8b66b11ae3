/**
 * Attributes whose change makes hashicorp/helm 3.0.2 plan a replacement, for the stand-in provider.
 *
 * Read from hashicorp/terraform-provider-helm at tag v3.0.2 (the pinned version).
 * Plugin-framework resources: RequiresReplace (and RequiresReplaceIf) plan modifiers compare the planned value with
 * the prior state, so a rule on a block path means any change inside the block.
 */
import { ReplaceTable } from './replace-rule';

const HELM = 'hashicorp/terraform-provider-helm v3.0.2';
const HELM_RELEASE = `${HELM} helm/resource_helm_release.go`;

/** Force-new attributes of registry.terraform.io/hashicorp/helm 3.0.2, by resource type. */
export const HELM_REPLACE_RULES: ReplaceTable = {
  helm_release: [
    // Everything else (chart, version, values, set, repository, ...) is a helm upgrade in place; ModifyPlan only marks computed fields (metadata, manifest) unknown.
    { path: ['name'], source: `${HELM_RELEASE}:411 "name" stringplanmodifier.RequiresReplace` },
    { path: ['namespace'], source: `${HELM_RELEASE}:423 "namespace" stringplanmodifier.RequiresReplace` },
  ],
};
