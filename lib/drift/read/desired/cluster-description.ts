/**
 * The `cast_cluster` Terraform output CastCluster emits: a JSON-encoded
 * description of the cluster (schema `cast-cluster/v1`, see docs/drift.md).
 *
 * Read tolerantly: every field but `schema` is optional, unknown fields are
 * ignored, entries of the wrong shape are dropped, and a value that is still
 * a `${…}` reference counts as absent. Nodes arrive in a later issue; until
 * then the check falls back to the node resource types. `scalingGroups` is
 * left undefined when the description has no such list, so a description
 * from before autoscaling says nothing about which groups exist.
 */
import { ALL_CLOUDS, Cloud } from '../../../core/cloud';
import { DriftInputError } from '../../errors';
import { ClusterDescription, DescribedNetwork, DescribedNode, DescribedScalingGroup } from '../../model';
import { asArray, asRecord, asString } from '../state/json-shapes';

/**
 * The Terraform output that carries the description: `cast_cluster`, or
 * `cast_cluster_<name>` as CastCluster names it (one per cluster in a stack).
 */
export const CLUSTER_OUTPUT_NAME = 'cast_cluster';
/** The schema major this reader understands. */
export const CLUSTER_SCHEMA = 'cast-cluster/v1';

/**
 * Parses the output's value (a JSON string, or an already decoded object).
 * Returns undefined when the value is not known yet (a reference);
 * throws a DriftInputError for a description of another schema.
 */
export function parseClusterDescription(value: unknown, file: string): ClusterDescription | undefined {
  let decoded: unknown = value;
  if (typeof value === 'string') {
    if (/^\$\{[^}]*\}$/.test(value.trim())) return undefined;
    try {
      decoded = JSON.parse(value);
    } catch {
      throw new DriftInputError(`output "${CLUSTER_OUTPUT_NAME}" is not a JSON-encoded cluster description`, file);
    }
  }
  const record = asRecord(decoded);
  if (!record) throw new DriftInputError(`output "${CLUSTER_OUTPUT_NAME}" is not a JSON object`, file);
  const schema = concrete(record.schema) ?? CLUSTER_SCHEMA;
  if (!/^cast-cluster\/v1(\.\d+)*$/.test(schema)) {
    throw new DriftInputError(`output "${CLUSTER_OUTPUT_NAME}" has schema "${schema}"; this cast-drift reads ${CLUSTER_SCHEMA}. Upgrade cast-drift`, file);
  }
  return {
    schema,
    uuid: concrete(record.uuid)?.toLowerCase(),
    name: concrete(record.name),
    clouds: asArray(record.clouds).map(cloudOf).filter((cloud): cloud is Cloud => cloud !== undefined),
    nodes: asArray(record.nodes).map(nodeOf).filter((node): node is DescribedNode => node !== undefined),
    networks: asArray(record.networks).map(networkOf).filter((network): network is DescribedNetwork => network !== undefined),
    ...(Array.isArray(record.scalingGroups) ? { scalingGroups: record.scalingGroups.map(scalingGroupOf).filter((group): group is DescribedScalingGroup => group !== undefined) } : {}),
  };
}

/** A string that is not (or does not contain) a `${…}` reference. */
function concrete(value: unknown): string | undefined {
  const text = asString(value);
  return text !== undefined && text !== '' && !text.includes('${') ? text : undefined;
}

function cloudOf(value: unknown): Cloud | undefined {
  return ALL_CLOUDS.find((cloud) => cloud === value);
}

function nodeOf(value: unknown): DescribedNode | undefined {
  const node = asRecord(value);
  if (!node) return undefined;
  return { name: concrete(node.name), cloud: cloudOf(node.cloud), role: concrete(node.role), address: concrete(node.address) };
}

function scalingGroupOf(value: unknown): DescribedScalingGroup | undefined {
  const group = asRecord(value);
  if (!group) return undefined;
  return { name: concrete(group.name), cloud: cloudOf(group.cloud), address: concrete(group.address), minNodes: count(group.minNodes), maxNodes: count(group.maxNodes) };
}

/** A node count: a whole number >= 0, or its decimal string; a reference or anything else is absent. */
function count(value: unknown): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

function networkOf(value: unknown): DescribedNetwork | undefined {
  const network = asRecord(value);
  if (!network) return undefined;
  return {
    cloud: cloudOf(network.cloud),
    address: concrete(network.address),
    cidr: concrete(network.cidr),
    subnets: asArray(network.subnets).map(concrete).filter((cidr): cidr is string => cidr !== undefined),
  };
}

/**
 * Every cluster description among a stack's or a state's outputs (name to
 * value). `cast_cluster` must be a description; `cast_cluster_<suffix>` outputs
 * are descriptions when their value is one (CastCluster's `_nodes`,
 * `_api_endpoint` and `_kubeconfig` outputs are not).
 */
export function findClusterDescriptions(outputs: Readonly<Record<string, unknown>>, file: string): ClusterDescription[] {
  const found: ClusterDescription[] = [];
  for (const [name, value] of Object.entries(outputs)) {
    if (name === CLUSTER_OUTPUT_NAME) {
      const description = parseClusterDescription(value, file);
      if (description) found.push(description);
    } else if (name.startsWith(`${CLUSTER_OUTPUT_NAME}_`) && looksLikeDescription(value)) {
      const description = parseClusterDescription(value, file);
      if (description) found.push(description);
    }
  }
  return found;
}

function looksLikeDescription(value: unknown): boolean {
  let decoded = value;
  if (typeof value === 'string') {
    try {
      decoded = JSON.parse(value);
    } catch {
      return false;
    }
  }
  const schema = asRecord(decoded)?.schema;
  return typeof schema === 'string' && schema.startsWith('cast-cluster/');
}

/**
 * The description of the cluster to check: the one with `uuid` when given,
 * else the only one. Throws when the inputs describe several clusters and
 * none was chosen.
 */
export function selectClusterDescription(descriptions: readonly ClusterDescription[], uuid: string | undefined, where: string): ClusterDescription | undefined {
  const distinct = [...new Map(descriptions.map((d) => [d.uuid ?? d.name ?? '', d])).values()];
  if (uuid !== undefined) return distinct.find((d) => d.uuid === uuid);
  if (distinct.length <= 1) return distinct[0];
  const names = distinct.map((d) => `${d.name ?? '?'} (${d.uuid ?? 'uuid unknown'})`).join(', ');
  throw new DriftInputError(`${where} describe ${distinct.length} clusters: ${names}; choose one with --cluster-uuid`);
}
