/**
 * The "cloud" behind a set of stand-in providers: what a test may change between two
 * Terraform runs, as a person would in a console. Objects are found by resource type
 * and id; a changed attribute or a deleted object shows on the next refresh
 * (ReadResource), and a data source can be told that something newer was published.
 */
import type { Value } from './cty';

type ObjectValue = { [name: string]: Value };

export class CloudWorld {
  private readonly changes = new Map<string, ObjectValue | 'deleted'>();
  private readonly generations = new Map<string, number>();
  private readonly answers = new Map<string, ObjectValue>();

  /** Changes attributes of one object, as a console edit would (e.g. a node's security groups). */
  change(type: string, id: string, attributes: ObjectValue): void {
    const previous = this.changes.get(key(type, id));
    this.changes.set(key(type, id), { ...(previous === 'deleted' ? {} : previous), ...attributes });
  }

  /** Deletes one object outside Terraform. */
  remove(type: string, id: string): void {
    this.changes.set(key(type, id), 'deleted');
  }

  /** A data source of this type now answers with newer values (e.g. a newer AMI was published). */
  publishNewer(dataType: string): void {
    this.generations.set(dataType, this.generation(dataType) + 1);
  }

  /**
   * A data source of this type answers with these attributes (computed ones: what the
   * cloud or cluster holds, e.g. a ConfigMap's data), the rest as before.
   */
  answer(dataType: string, attributes: ObjectValue): void {
    this.answers.set(dataType, attributes);
  }

  /** What the test said a data source of this type answers, if anything. */
  answerOf(dataType: string): ObjectValue | undefined {
    return this.answers.get(dataType);
  }

  /** How many times something newer of this data source type was published. */
  generation(dataType: string): number {
    return this.generations.get(dataType) ?? 0;
  }

  /** The object as the cloud has it now: the given state with the test's changes, or null when deleted. */
  read(type: string, state: ObjectValue): ObjectValue | null {
    const id = typeof state.id === 'string' ? state.id : undefined;
    const change = id === undefined ? undefined : this.changes.get(key(type, id));
    if (change === 'deleted') return null;
    return change ? { ...state, ...change } : state;
  }

  /** An applied object (created, replaced or updated in place) is as its configuration says: earlier changes are forgotten. */
  applied(type: string, id: string): void {
    this.changes.delete(key(type, id));
  }
}

function key(type: string, id: string): string {
  return `${type}\n${id}`;
}
