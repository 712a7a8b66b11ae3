/**
 * Network up to date: every desired network resource is in the state, its
 * ranges (VPC, subnet, VNet, …) are the configured ones, and each firewall
 * owner's rule set, normalized per cloud (network/*.ts), is the configured
 * one. Only concrete desired values are compared; references resolve against
 * the state (resolve-references.ts).
 */
import { OwnedRules, OwnerLookup } from './network/cloud-network-model';
import { normalizeCidrList } from './network/address-prefix';
import { compareRuleSets, FirewallRule } from './network/firewall-rule';
import { NETWORK_MODELS } from './network';
import { importBlock } from './remediation';
import { containsUnknown, refersToSensitive, resolveReferences } from './resolve-references';
import { viewOf } from './actual-view';
import { desiredInstances, DesiredInstance } from './desired-instances';
import { CheckId, Difference, Finding, SENSITIVE, Severity } from './finding';
import { describeRole, roleOf } from '../catalog/resource-roles';
import { isNetworkType } from '../catalog/resource-types';
import { ActualState, DesiredState } from '../model';
import { isSensitivePath } from '../read/state/sensitive-paths';
import { appendAll, appendTo } from '../append';

/** Runs the network check. */
export function checkNetwork(desired: DesiredState, actual: ActualState): Finding[] {
  const instances = desiredInstances(desired, actual).filter((instance) => isNetworkType(instance.resource.type));
  const lookup = ownerLookup(actual);
  const findings: Finding[] = [];
  const desiredRules = new Map<string, OwnedRules[]>();
  const sensitiveOwners = new Set<string>();
  for (const instance of instances) {
    const attributes = resolveReferences(instance.resource.body, actual) as Record<string, unknown>;
    const finding = checkPresenceAndRanges(instance, attributes, desired, actual);
    if (finding) findings.push(finding);
    const model = instance.resource.cloud && NETWORK_MODELS[instance.resource.cloud];
    const owned = model?.rulesOf({ address: instance.address, type: instance.resource.type, attributes }, lookup);
    if (!owned) continue;
    appendTo(desiredRules, owned.owner, owned);
    if (refersToSensitive(instance.resource.body, actual)) sensitiveOwners.add(owned.owner);
  }
  appendAll(findings, checkFirewalls(desired, actual, desiredRules, lookup, sensitiveOwners));
  appendAll(findings, checkDescribedSubnets(desired, actual));
  return findings;
}

function checkPresenceAndRanges(instance: DesiredInstance, attributes: Record<string, unknown>, desired: DesiredState, actual: ActualState): Finding | undefined {
  const { resource, address } = instance;
  const described = desired.description?.networks ?? [];
  const view = viewOf(actual, address);
  const location = { file: resource.file, line: resource.line, constructPath: resource.constructPath };
  if (!view.resource) {
    return {
      check: CheckId.NETWORK,
      rule: view.deletedOutside ? 'network/deleted-outside' : 'network/missing',
      severity: Severity.ERROR,
      address,
      cloud: resource.cloud,
      type: resource.type,
      message: `${describeRole(resource, desired)} (${address}) ${view.deletedOutside ? 'was deleted outside Terraform (refresh-only plan)' : 'is in the configuration but not in the state'}: ${roleOf(resource).consequence}`,
      differences: [{ path: '', desired: 'present', actual: null }],
      remediation: view.deletedOutside
        ? 'Run `terraform apply` to recreate it (and what depends on it).'
        : `Run \`terraform apply\` to create it; if it already exists in the cloud, import it instead: ${importBlock(address, '<id>')}.`,
      location,
    };
  }
  const model = resource.cloud && NETWORK_MODELS[resource.cloud];
  const differences: Difference[] = [];
  for (const attribute of model?.rangeAttributes[resource.type] ?? []) {
    let want = attributes[attribute];
    if (want === undefined || containsUnknown(want)) want = described.find((network) => network.address === address)?.cidr;
    if (want === undefined) continue;
    const wantList = normalizeCidrList(want);
    const haveList = normalizeCidrList(view.attributes[attribute]);
    if (!wantList || (haveList && wantList.join() === haveList.join())) continue;
    const sensitive = isSensitivePath(view.sensitivePaths, [attribute]) || refersToSensitive(resource.body[attribute], actual);
    differences.push({ path: attribute, desired: sensitive ? SENSITIVE : want, actual: sensitive ? SENSITIVE : (view.attributes[attribute] ?? null) });
  }
  if (differences.length === 0) return undefined;
  return {
    check: CheckId.NETWORK,
    rule: 'network/range',
    severity: Severity.ERROR,
    address,
    cloud: resource.cloud,
    type: resource.type,
    message: `${address} has ${differences.map((d) => d.path).join(', ')} other than configured${view.changedOutside ? ' (changed outside Terraform, per the refresh-only plan)' : ''}`,
    differences,
    remediation:
      'Run `terraform plan`, then `terraform apply` to restore the configured range; changing a range replaces the network and what is in it. If the new range is intended, change the configuration instead.',
    tags: view.resource.tags,
    location,
  };
}

/**
 * Compares each owner's rule set. An owner's rules print as (sensitive) when any resource that makes
 * them (the owner's inline rules, a separate AWS or Azure rule resource, a GCP firewall's ranges) has a
 * value the state marks sensitive, or its configuration refers to one (`sensitiveOwners` comes with
 * the owners whose configuration does).
 */
function checkFirewalls(desired: DesiredState, actual: ActualState, desiredRules: ReadonlyMap<string, OwnedRules[]>, lookup: OwnerLookup, sensitiveOwners: Set<string>): Finding[] {
  const actualRules = new Map<string, OwnedRules[]>();
  for (const resource of actual.resources.values()) {
    if (resource.mode !== 'managed' || !resource.cloud || !isNetworkType(resource.type)) continue;
    const view = viewOf(actual, resource.address);
    if (!view.resource) continue;
    const owned = NETWORK_MODELS[resource.cloud].rulesOf({ address: resource.address, type: resource.type, attributes: view.attributes }, lookup);
    if (!owned) continue;
    appendTo(actualRules, owned.owner, owned);
    if (view.sensitivePaths.length > 0) sensitiveOwners.add(owned.owner);
  }
  const findings: Finding[] = [];
  for (const [owner, contributions] of [...desiredRules].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ownerView = viewOf(actual, owner);
    if (!ownerView.resource) continue; // reported as missing by checkPresenceAndRanges
    const directions = new Set<FirewallRule['direction']>(contributions.flatMap((owned) => owned.directions));
    const managed = (rules: readonly FirewallRule[]) => rules.filter((rule) => directions.has(rule.direction));
    const want = { rules: managed(contributions.flatMap((owned) => owned.rules)), incomplete: contributions.some((owned) => owned.incomplete) };
    const have = { rules: managed((actualRules.get(owner) ?? []).flatMap((owned) => owned.rules)), incomplete: false };
    const differences = compareRuleSets(want, have);
    if (differences.length === 0) continue;
    const sensitive = sensitiveOwners.has(owner);
    const missing = differences.filter((d) => d.actual === null).length;
    const extra = differences.filter((d) => d.desired === null).length;
    const ports = differences.length - missing - extra;
    const summary = [missing && `${missing} configured rule group(s) missing`, extra && `${extra} unconfigured rule group(s) present`, ports && `${ports} with other ports`].filter(Boolean).join(', ');
    const resource = desired.resources.get(owner.replace(/\[[^\]]*\]$/, ''));
    findings.push({
      check: CheckId.NETWORK,
      rule: 'network/firewall',
      severity: Severity.ERROR,
      address: owner,
      cloud: ownerView.resource.cloud,
      type: ownerView.resource.type,
      message: `firewall rules of ${owner} differ from the configuration: ${summary}${want.incomplete ? ' (some configured rules are unknown until apply and were not compared)' : ''}`,
      differences: sensitive ? differences.map((d) => ({ path: d.path, desired: d.desired === null ? null : SENSITIVE, actual: d.actual === null ? null : SENSITIVE })) : differences,
      remediation: 'Run `terraform apply` to restore the configured rules. If a rule was changed on purpose, put it in the configuration (or in the ignore file, with a reason).',
      tags: ownerView.resource.tags,
      location: resource ? { file: resource.file, line: resource.line, constructPath: resource.constructPath } : undefined,
    });
  }
  return findings;
}

/** Subnets the description lists whose range no desired block states concretely: they must exist in state. */
function checkDescribedSubnets(desired: DesiredState, actual: ActualState): Finding[] {
  const findings: Finding[] = [];
  for (const network of desired.description?.networks ?? []) {
    if (!network.cloud || network.subnets.length === 0) continue;
    const model = NETWORK_MODELS[network.cloud];
    const rangesOf = (attributes: Readonly<Record<string, unknown>>, type: string) => (model.rangeAttributes[type] ?? []).flatMap((attribute) => normalizeCidrList(attributes[attribute]) ?? []);
    const configured = new Set([...desired.resources.values()].filter((resource) => resource.cloud === network.cloud).flatMap((resource) => rangesOf(resource.body, resource.type)));
    const inState = new Set(
      [...actual.resources.values()].filter((resource) => resource.cloud === network.cloud).flatMap((resource) => {
        const view = viewOf(actual, resource.address);
        return view.resource ? rangesOf(view.attributes, resource.type) : [];
      }),
    );
    for (const subnet of network.subnets) {
      const cidr = normalizeCidrList(subnet)?.[0];
      if (!cidr || configured.has(cidr) || inState.has(cidr)) continue;
      findings.push({
        check: CheckId.NETWORK,
        rule: 'network/range',
        severity: Severity.ERROR,
        address: network.address ?? `${network.cloud} network`,
        cloud: network.cloud,
        message: `subnet ${cidr} of the cluster description is in no ${network.cloud} network resource of the state`,
        differences: [{ path: 'subnets', desired: cidr, actual: null }],
        remediation: 'Run `terraform apply` to create the subnet; if it was removed on purpose, regenerate the configuration.',
      });
    }
  }
  return findings;
}

/** Firewall owners on the actual side, by id and by name. */
function ownerLookup(actual: ActualState): OwnerLookup {
  const byId = new Map<string, string>();
  const byName = new Map<string, string>();
  const ids = new Map<string, string>();
  for (const resource of actual.resources.values()) {
    if (!resource.cloud || !NETWORK_MODELS[resource.cloud].ownerTypes.includes(resource.type)) continue;
    if (resource.id) {
      byId.set(resource.id, resource.address);
      byId.set(resource.id.toLowerCase(), resource.address);
      ids.set(resource.address, resource.id);
    }
    const name = resource.attributes.name;
    if (typeof name === 'string') byName.set(`${resource.type}/${name}`, resource.address);
  }
  return {
    addressById: (id) => byId.get(id) ?? byId.get(id.toLowerCase()),
    addressByName: (type, name) => byName.get(`${type}/${name}`),
    idOf: (address) => ids.get(address),
  };
}
