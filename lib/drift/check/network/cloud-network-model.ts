/**
 * What the network check needs to know about one cloud, so the check itself
 * is cloud-agnostic. aws.ts, gcp.ts, azure.ts and digitalocean.ts each export
 * one CloudNetworkModel with the same members in the same order.
 */
import { FirewallRule } from './firewall-rule';
import { normalizeAddressPrefix } from './address-prefix';
import { Cloud } from '../../../core/cloud';
import { UnknownValue } from '../resolve-references';

/** A network resource as the models read it. */
export interface NetworkResourceInput {
  readonly address: string;
  readonly type: string;
  /** Attributes; on the desired side references are resolved or UnknownValue. */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** Finds firewall owners (security groups, NSGs) on the actual side. */
export interface OwnerLookup {
  /** The address of the owner whose cloud id is `id`. */
  addressById(id: string): string | undefined;
  /** The address of the owner of `type` named `name`. */
  addressByName(type: string, name: string): string | undefined;
  /** The cloud id of the owner at `address`, when it is in state. */
  idOf(address: string): string | undefined;
}

/** The rules one resource contributes to one owner's rule set. */
export interface OwnedRules {
  /** Address of the owner (the resource itself for inline rules). */
  readonly owner: string;
  /** The directions this resource manages: an owner's direction no resource manages is not compared. */
  readonly directions: readonly FirewallRule['direction'][];
  readonly rules: readonly FirewallRule[];
  /** True when some rule could not be expanded because a value is unknown. */
  readonly incomplete: boolean;
}

/** One cloud's network knowledge. */
export interface CloudNetworkModel {
  readonly cloud: Cloud;
  /** Attributes holding a CIDR or a list of CIDRs, per resource type. */
  readonly rangeAttributes: Readonly<Record<string, readonly string[]>>;
  /** Resource types that own a firewall rule set. */
  readonly ownerTypes: readonly string[];
  /** The rules `resource` contributes (inline rules of an owner, or one separate rule resource). */
  rulesOf(resource: NetworkResourceInput, lookup: OwnerLookup): OwnedRules | undefined;
}

/** Collects atomic rules; a rule with an unknown part marks the set incomplete instead. */
export class RuleCollector {
  public readonly rules: FirewallRule[] = [];
  public incomplete = false;

  /** Adds one rule per peer; unknown (undefined) parts make the set incomplete. */
  public add(base: Omit<FirewallRule, 'peer'> | undefined, peers: readonly (string | undefined)[]): void {
    if (!base) {
      this.incomplete = true;
      return;
    }
    for (const peer of peers) {
      if (peer === undefined) this.incomplete = true;
      else this.rules.push({ ...base, peer });
    }
  }
}

/** Items of a list attribute; an UnknownValue list yields one undefined (unknown) item. */
export function listItems(value: unknown): unknown[] {
  if (value instanceof UnknownValue) return [undefined];
  if (Array.isArray(value)) return value;
  return value === undefined || value === null || value === '' ? [] : [value];
}

/** A peer address prefix in canonical form; undefined when unknown; `prefix:<text>` for non-IP values. */
export function addressPeer(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return normalizeAddressPrefix(value) ?? `prefix:${value}`;
}

/** A concrete string or number as text; undefined when unknown or absent. */
export function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** The owner address a reference or id points to. */
export function ownerAddress(value: unknown, lookup: OwnerLookup, ownerType: string, by: 'id' | 'name'): string | undefined {
  if (value instanceof UnknownValue) {
    const reference = value.reference;
    return reference && reference.address.startsWith(`${ownerType}.`) ? reference.address : undefined;
  }
  const key = text(value);
  if (key === undefined) return undefined;
  return (by === 'id' ? lookup.addressById(key) : lookup.addressByName(ownerType, key)) ?? `${ownerType}(${by}=${key})`;
}
