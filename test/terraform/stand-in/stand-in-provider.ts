/**
 * One stand-in provider: the protocol-6 RPCs Terraform calls, answered from the
 * provider's real schema, its force-new table and the test's CloudWorld. Terraform
 * core does the configuration checks itself from the served schema (unknown and
 * missing arguments, types, block counts), with its own messages and paths, so
 * validation here only has to accept what core has accepted.
 */
import type { ProviderSchema, SchemaBlock } from '../../support/provider-schema';
import type { CloudWorld } from './cloud-world';
import { fromJson, fromMsgpack, toMsgpack, type CtyType, type Value } from './cty';
import { replacePaths, unknownComputed, unknownDerived, unknownRecomputed } from './plan';
import { fillUnknowns, seedOf } from './plausible-values';
import type { ReplaceTable } from './replace-rules/replace-rule';
import { blockType, schemaMessage, typeSchema } from './schema';

type ObjectValue = { [name: string]: Value };
type Message = Record<string, any>;

/** The Terraform-visible handlers of one provider, by RPC name. */
export type ProviderHandlers = Readonly<Record<string, (request: Message) => Message>>;

export class StandInProvider {
  private readonly types = new Map<string, { block: SchemaBlock; type: CtyType }>();
  private readonly schemaResponse: Message;
  private readonly creations = new Map<string, number>();
  private defaultTags: Readonly<Record<string, string>> = {};

  constructor(
    readonly address: string,
    private readonly schema: ProviderSchema,
    private readonly rules: ReplaceTable,
    private readonly world: CloudWorld,
  ) {
    const map = (types: ProviderSchema['resource_schemas']) =>
      Object.fromEntries(Object.entries(types ?? {}).map(([name, s]) => [name, schemaMessage(s)]));
    this.schemaResponse = {
      provider: schemaMessage(schema.provider),
      resource_schemas: map(schema.resource_schemas),
      data_source_schemas: map(schema.data_source_schemas),
      diagnostics: [],
    };
  }

  /** Every RPC; an exception becomes an error diagnostic, as a provider reports a failure. */
  handlers(): ProviderHandlers {
    const rpcs: ProviderHandlers = {
      GetProviderSchema: () => this.schemaResponse,
      // Core has checked the configuration against the served schema already (see the header): nothing
      // to add. Decoding it here only to drop it cost about a second per lifecycle run (test/terraform/lifecycle).
      ValidateProviderConfig: () => ({ diagnostics: [] }),
      ValidateResourceConfig: () => ({ diagnostics: [] }),
      ValidateDataResourceConfig: () => ({ diagnostics: [] }),
      UpgradeResourceState: (r) => this.upgrade(r),
      ConfigureProvider: (r) => this.configure(r),
      ReadResource: (r) => this.read(r),
      PlanResourceChange: (r) => this.plan(r),
      ApplyResourceChange: (r) => this.apply(r),
      ImportResourceState: (r) => ({ diagnostics: [error(`the stand-in ${this.address} cannot import ${r.type_name} "${r.id}"`)] }),
      ReadDataSource: (r) => this.readData(r),
      StopProvider: () => ({ Error: '' }),
    };
    return Object.fromEntries(Object.entries(rpcs).map(([name, rpc]) => [name, (request: Message) => {
      try {
        return rpc(request);
      } catch (e) {
        return { diagnostics: [error(`stand-in ${this.address} ${name}: ${(e as Error).message}`)] };
      }
    }]));
  }

  private typeOf(kind: 'provider' | 'resource' | 'data', name: string): { block: SchemaBlock; type: CtyType } {
    const key = `${kind}.${name}`;
    let found = this.types.get(key);
    if (!found) {
      const schema = kind === 'provider' ? this.schema.provider : typeSchema(this.schema, kind, name);
      if (!schema) throw new Error(`${kind} type "${name}" is not in the schema`);
      found = { block: schema.block, type: blockType(schema.block) };
      this.types.set(key, found);
    }
    return found;
  }

  private decode(kind: 'provider' | 'resource' | 'data', name: string, dynamic: Message | null | undefined): Value {
    const { type } = this.typeOf(kind, name);
    if (!dynamic || (!dynamic.msgpack?.length && !dynamic.json?.length)) return null;
    if (dynamic.msgpack?.length) return fromMsgpack(dynamic.msgpack, type);
    return fromJson(JSON.parse(Buffer.from(dynamic.json).toString('utf8')), type);
  }

  private encode(kind: 'resource' | 'data', name: string, value: Value): Message {
    return { msgpack: Buffer.from(toMsgpack(value, this.typeOf(kind, name).type)) };
  }

  private upgrade(r: Message): Message {
    const raw = r.raw_state?.json?.length ? JSON.parse(Buffer.from(r.raw_state.json).toString('utf8')) : null;
    if (raw === null) throw new Error(`${r.type_name}: only JSON state can be upgraded (got the legacy flatmap)`);
    return { upgraded_state: this.encode('resource', r.type_name, fromJson(raw, this.typeOf('resource', r.type_name).type)), diagnostics: [] };
  }

  private configure(r: Message): Message {
    const config = this.decode('provider', '', r.config) as ObjectValue | null;
    // aws: default_tags { tags = {…} } (one block); google: default_labels = {…}.
    const awsTags = (config?.default_tags as ObjectValue[] | null | undefined)?.[0]?.tags;
    const labels = awsTags ?? config?.default_labels;
    this.defaultTags = labels && typeof labels === 'object' ? labels as Record<string, string> : {};
    return { diagnostics: [] };
  }

  private read(r: Message): Message {
    const state = this.decode('resource', r.type_name, r.current_state) as ObjectValue | null;
    const now = state === null ? null : this.world.read(r.type_name, state);
    return { new_state: this.encode('resource', r.type_name, now), private: r.private, diagnostics: [] };
  }

  private plan(r: Message): Message {
    const { block } = this.typeOf('resource', r.type_name);
    const prior = this.decode('resource', r.type_name, r.prior_state) as ObjectValue | null;
    const proposed = this.decode('resource', r.type_name, r.proposed_new_state) as ObjectValue | null;
    if (proposed === null) return { planned_state: this.encode('resource', r.type_name, null), planned_private: r.prior_private, diagnostics: [] };
    let planned = unknownComputed(proposed, block) as ObjectValue;
    const requiresReplace: Message[] = [];
    if (prior !== null) {
      planned = unknownRecomputed(r.type_name, prior, unknownDerived(prior, planned));
      for (const path of replacePaths(prior, planned, this.rules[r.type_name] ?? [])) {
        requiresReplace.push({ steps: path.map((step) => ({ attribute_name: String(step) })) });
      }
    }
    return {
      planned_state: this.encode('resource', r.type_name, planned),
      requires_replace: requiresReplace,
      planned_private: r.prior_private,
      diagnostics: [],
    };
  }

  private apply(r: Message): Message {
    const { type } = this.typeOf('resource', r.type_name);
    const planned = this.decode('resource', r.type_name, r.planned_state) as ObjectValue | null;
    if (planned === null) return { new_state: this.encode('resource', r.type_name, null), diagnostics: [] };
    const prior = this.decode('resource', r.type_name, r.prior_state);
    let seed = seedOf(r.type_name, planned);
    if (prior === null) {
      // A second object from the same configuration (a replacement) is a new object with a new id.
      const count = (this.creations.get(seed) ?? 0) + 1;
      this.creations.set(seed, count);
      seed = seedOf(r.type_name, planned, String(count));
    }
    const made = fillUnknowns(planned, type, { type: r.type_name, object: planned, seed, defaultTags: this.defaultTags }) as ObjectValue;
    // The apply wrote the object as planned: a console change made before it is gone.
    if (typeof made.id === 'string') this.world.applied(r.type_name, made.id);
    return { new_state: this.encode('resource', r.type_name, made), private: r.planned_private, diagnostics: [] };
  }

  private readData(r: Message): Message {
    const { block, type } = this.typeOf('data', r.type_name);
    const config = this.decode('data', r.type_name, r.config) as ObjectValue;
    const wanted = unknownComputed(config, block) as ObjectValue;
    const seed = seedOf(r.type_name, config, `generation ${this.world.generation(r.type_name)}`);
    const filled = fillUnknowns(wanted, type, { type: r.type_name, object: config, seed, defaultTags: {} }) as ObjectValue;
    return { state: this.encode('data', r.type_name, { ...filled, ...this.world.answerOf(r.type_name) }), diagnostics: [] };
  }
}

function error(summary: string): Message {
  return { severity: 1, summary, detail: '' };
}
