/**
 * One `resources[]` entry of a state file, read member by member: its header
 * (`module`, `mode`, `type`, `name`, `provider`) as values, its `instances[]`
 * one at a time. A resource with a hundred thousand instances (one `count`)
 * then never exists as one string or one parsed value: Node cannot hold a
 * string over ~512 MiB, and such a resource of `aws_instance`s is 500 MB.
 *
 * Each instance goes through readStateV4Resource as a resource of its own
 * (the header and that one instance), so both ways of reading agree.
 * Terraform writes the header before `instances` (the field order of
 * `resourceStateV4` in internal/states/statefile/version4.go), and then each
 * instance is reduced as it arrives. Another order (`jq -S` sorts the keys:
 * `instances` first) keeps the instances until the header is complete, as
 * reading the entry whole did; a `module` after them re-addresses those
 * already reduced.
 */
import { instanceAddress } from './instance-address';
import { asString } from './json-shapes';
import { readStateV4Resource } from './state-v4-resource';
import { DriftInputError } from '../../errors';
import { StateResource } from '../../model';

/** The members of a `resources[]` entry the reader uses besides `instances`. */
export const STATE_RESOURCE_HEADER_KEYS: ReadonlySet<string> = new Set(['module', 'mode', 'type', 'name', 'provider']);

/** Reduces one `resources[index]` member by member into `out`. */
export class StreamedStateResource {
  private readonly header: Record<string, unknown> = {};
  private readonly pending: unknown[] = [];
  /** Where this resource's records start in `out`. */
  private readonly start: number;
  private reduced = false;

  constructor(
    private readonly index: number,
    private readonly file: string,
    private readonly out: StateResource[],
  ) {
    this.start = out.length;
  }

  /** A header member (one of STATE_RESOURCE_HEADER_KEYS), or `instances` when it is not a list. */
  public setField(key: string, value: unknown): void {
    if (this.reduced) {
      if (key !== 'module') throw new DriftInputError(`resources[${this.index}] has "${key}" after instances read with another one: each key of a resource appears once in a state`, this.file);
      this.readdress(asString(value) ?? '');
    }
    this.header[key] = value;
  }

  /** One `instances[j]`. */
  public addInstance(raw: unknown): void {
    if (!this.headerComplete()) {
      this.pending.push(raw);
      return;
    }
    this.reduced = true;
    for (const resource of readStateV4Resource({ ...this.header, instances: [raw] }, this.index, this.file)) this.out.push(resource);
  }

  /** The entry has ended: reduces what waited for the header, and refuses an entry that is no resource. */
  public end(): void {
    const instances = this.pending.splice(0, this.pending.length);
    for (const resource of readStateV4Resource({ ...this.header, instances }, this.index, this.file)) this.out.push(resource);
  }

  /** `module` is the one header member Terraform may leave out (root resources), so it cannot be waited for. */
  private headerComplete(): boolean {
    const header = this.header;
    return typeof header.type === 'string' && typeof header.name === 'string' && 'mode' in header && 'provider' in header;
  }

  private readdress(module: string): void {
    for (let i = this.start; i < this.out.length; i++) {
      const resource = this.out[i];
      this.out[i] = { ...resource, module, address: instanceAddress(module, resource.mode, resource.type, resource.name, resource.indexKey) };
    }
  }
}
