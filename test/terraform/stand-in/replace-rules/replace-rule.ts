/** An attribute whose change forces a new resource on the real provider. */
export interface ReplaceRule {
  /** Path from the resource root: attribute and block names, '*' for every element of a list, set or map (block or attribute), e.g. ['boot_disk', '*', 'initialize_params', '*', 'image']. */
  readonly path: readonly string[];
  /** Only when this top-level attribute has this value, e.g. aws_instance.user_data forces replacement only with user_data_replace_on_change = true. */
  readonly when?: { readonly attribute: string; readonly equals: string | number | boolean };
  /** Where the real provider says so: the provider's source file at the pinned version (repo path, e.g. 'hashicorp/terraform-provider-aws v6.25.0 internal/service/ec2/ec2_instance.go: "ami" ForceNew') or its registry documentation page. */
  readonly source: string;
}
/** Force-new rules keyed by resource type. A type with no force-new attribute maps to []. */
export type ReplaceTable = Readonly<Record<string, readonly ReplaceRule[]>>;
