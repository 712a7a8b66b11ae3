/**
 * Is a `--state` input this cluster's? A state of another cluster, another
 * workspace or another backend would otherwise be reported resource by
 * resource ("not declared", "`terraform apply` destroys it"), advice that is
 * wrong and dangerous for a state that is not the stacks'. It is refused with
 * one statement instead (exit 1).
 */
import { findClusterDescriptions } from './read/desired/cluster-description';
import { DriftInputError } from './errors';
import { DesiredState } from './model';
import { InputDocument } from './read/input-document';
import { topModuleName } from './read/state/instance-address';

/**
 * The hint for a state that is not the one the stacks were applied with:
 * Terraform keeps one state per workspace in the configured backend
 * (https://developer.hashicorp.com/terraform/language/state/workspaces,
 * https://developer.hashicorp.com/terraform/language/backend).
 */
const WRONG_STATE_HINT = 'is this the right workspace (`terraform workspace show`) and backend (the stack\'s backend configuration)? Pull the state where the stack was applied: `terraform state pull`';

/**
 * Throws a DriftInputError when `document` is not a state of the cluster of
 * `desired`: its `cast_cluster` output or the UUID tags of all its tagged
 * resources name another cluster, or it holds no resource of the cluster at
 * all (none the stacks declare, none in a module they call, none tagged with
 * the cluster's UUID), an empty state included.
 */
export function assertStateOfCluster(document: InputDocument, desired: DesiredState): void {
  const uuid = desired.clusterUuid;
  const cluster = describeCluster(desired.clusterName, uuid);
  if (uuid) {
    const described = findClusterDescriptions(document.outputs, document.file).map((d) => d.uuid).filter((u): u is string => u !== undefined);
    if (described.length > 0 && !described.includes(uuid)) {
      throw new DriftInputError(`is the state of cluster ${described.join(', ')} (its cast_cluster output), not of ${cluster} from the --desired stacks: ${WRONG_STATE_HINT}`, document.file);
    }
    const tagged = new Map<string, number>();
    for (const resource of document.resources) if (resource.clusterUuid) tagged.set(resource.clusterUuid, (tagged.get(resource.clusterUuid) ?? 0) + 1);
    if (tagged.size > 0 && !tagged.has(uuid)) {
      const [other, count] = [...tagged].sort((a, b) => b[1] - a[1])[0];
      throw new DriftInputError(`is the state of cluster ${other} (cast-cluster-uuid of ${count} resource(s)), not of ${cluster} from the --desired stacks: ${WRONG_STATE_HINT}`, document.file);
    }
  }
  if (document.resources.length === 0) {
    throw new DriftInputError(`is an empty state (no resources), not one of ${cluster}: was the stack applied yet (\`terraform apply\`)? Else ${WRONG_STATE_HINT}`, document.file);
  }
  let managed = 0;
  for (const resource of document.resources) {
    if (resource.mode !== 'managed') continue;
    managed++;
    if (uuid !== undefined && resource.clusterUuid === uuid) return;
    const module = topModuleName(resource.module);
    if (module === undefined ? desired.resources.has(`${resource.type}.${resource.name}`) : desired.modules.has(module)) return;
  }
  const held = managed === 0 ? 'only data sources' : `${managed} managed resource(s), none declared by the --desired stacks${uuid ? ` or tagged cast-cluster-uuid ${uuid}` : ''}`;
  throw new DriftInputError(`holds no resource of ${cluster}: it has ${held}. It is another cluster's or stack's state, or the stack was not applied yet: ${WRONG_STATE_HINT}`, document.file);
}

/** `cluster prod (c0ffee00-…)`, as far as the name and UUID are known. */
export function describeCluster(name: string | undefined, uuid: string | undefined): string {
  if (name === undefined && uuid === undefined) return 'the cluster of the --desired stacks';
  if (name === undefined) return `cluster ${uuid}`;
  return `cluster ${name} (${uuid ?? 'uuid unknown'})`;
}
