/**
 * The shapes of `terraform providers schema -json` that the conformance checker reads,
 * and the problem it reports. No I/O here.
 */

/** One problem found in a synthesized stack. */
export interface ConformanceProblem {
  /** Terraform address of the offending item, e.g. `aws_vpc.main`, `data.aws_ami.ubuntu`, `provider.aws`. */
  readonly address: string;
  /** Where inside it, e.g. `ingress[0].from_port`; empty when the whole item is concerned. */
  readonly path: string;
  /** What is wrong and what to do about it. */
  readonly message: string;
}

/**
 * A cty type in its JSON form: `"string"`, `"number"`, `"bool"`, `"dynamic"`,
 * `["list", T]`, `["set", T]`, `["map", T]`, `["object", {name: T}, optional?]`, `["tuple", [T]]`.
 */
export type TypeExpression = string | readonly unknown[];

export interface SchemaAttribute {
  readonly type?: TypeExpression;
  readonly nested_type?: NestedType;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  readonly deprecated?: boolean;
  readonly write_only?: boolean;
}

/** Attributes whose value is itself a set of attributes (plugin framework). */
export interface NestedType {
  readonly attributes: Readonly<Record<string, SchemaAttribute>>;
  readonly nesting_mode: 'single' | 'list' | 'set' | 'map';
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, SchemaAttribute>>;
  readonly block_types?: Readonly<Record<string, SchemaBlockType>>;
  readonly deprecated?: boolean;
}

export interface SchemaBlockType {
  readonly nesting_mode: 'single' | 'group' | 'list' | 'set' | 'map';
  readonly block: SchemaBlock;
  readonly min_items?: number;
  readonly max_items?: number;
}

export interface TypeSchema {
  readonly version?: number;
  readonly block: SchemaBlock;
}

export interface ProviderSchema {
  readonly provider?: TypeSchema;
  readonly resource_schemas?: Readonly<Record<string, TypeSchema>>;
  readonly data_source_schemas?: Readonly<Record<string, TypeSchema>>;
  /** Provider version, when known (the vendored fixtures record it in `provider_versions`). */
  readonly version?: string;
}

/** Provider schemas keyed by full provider address, e.g. `registry.terraform.io/hashicorp/aws`. */
export type ProviderSchemas = Readonly<Record<string, ProviderSchema>>;

/**
 * Argument names the shared schema files lost: their source stripped every key named
 * "description", which also removed real arguments of that name (aws_security_group,
 * aws_iam_role, the `ingress` object type, …). They are accepted unchecked.
 */
export const NAMES_LOST_UPSTREAM: ReadonlySet<string> = new Set(['description']);

/**
 * Terraform's built-in provider, which `terraform providers schema -json` lists too;
 * cdktf uses terraform_remote_state for cross-stack references.
 */
export const BUILTIN_SCHEMAS: ProviderSchemas = {
  'terraform.io/builtin/terraform': {
    resource_schemas: {
      terraform_data: {
        block: {
          attributes: {
            id: { type: 'string', computed: true },
            input: { type: 'dynamic', optional: true },
            output: { type: 'dynamic', computed: true },
            triggers_replace: { type: 'dynamic', optional: true },
          },
        },
      },
    },
    data_source_schemas: {
      terraform_remote_state: {
        block: {
          attributes: {
            backend: { type: 'string', required: true },
            config: { type: 'dynamic', optional: true },
            defaults: { type: 'dynamic', optional: true },
            outputs: { type: 'dynamic', computed: true },
            workspace: { type: 'string', optional: true },
          },
        },
      },
    },
  },
};

/** `registry.terraform.io/hashicorp/aws` → `aws`. */
export function providerShortName(address: string): string {
  return address.slice(address.lastIndexOf('/') + 1);
}

/**
 * The provider that owns a resource type, by prefix as Terraform does (`aws_vpc` → aws);
 * the longest matching short name wins.
 */
export function providerForType(type: string, schemas: ProviderSchemas): string | undefined {
  let best: string | undefined;
  for (const address of Object.keys(schemas)) {
    const short = providerShortName(address);
    if (type.startsWith(`${short}_`) && (!best || short.length > providerShortName(best).length)) {
      best = address;
    }
  }
  return best;
}

/** `["list", "string"]` → `list(string)`, objects abbreviated to their attribute names. */
export function describeType(type: TypeExpression): string {
  if (typeof type === 'string') return type;
  const [kind, inner] = type;
  if (kind === 'object') return `object({${Object.keys(inner as object).sort().join(', ')}})`;
  if (kind === 'tuple') return `tuple([${(inner as TypeExpression[]).map(describeType).join(', ')}])`;
  return `${kind}(${describeType(inner as TypeExpression)})`;
}

/**
 * The candidate closest to `name` by edit distance if close enough to be a typo, else the
 * only candidate that extends it (`cidr` → `cidr_block`); for "did you mean" hints.
 */
export function closestName(name: string, candidates: Iterable<string>): string | undefined {
  const sorted = [...candidates].sort();
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const candidate of sorted) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined) return best;
  const extensions = sorted.filter((candidate) => candidate.startsWith(`${name}_`));
  return extensions.length === 1 ? extensions[0] : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** ` (did you mean "x"?)` or nothing. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const suggestion = closestName(name, candidates);
  return suggestion === undefined ? '' : ` (did you mean "${suggestion}"?)`;
}
