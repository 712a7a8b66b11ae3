/**
 * The state a cluster's apply by the library version before pinned images and replacement stamps
 * left, so that "Upgrade the library" can plan this version against it. It is made from this
 * version's applied state of the same cluster (one apply fewer), with what that version wrote
 * differently put back, and nothing else:
 * - every node and template booted the image its cloud named at that apply: the newest Canonical
 *   AMI (the same `aws_ami` lookup's answer, so no AWS value changes), GCP's image family
 *   `ubuntu-os-cloud/ubuntu-2404-lts-amd64`, Azure's version `latest`, DigitalOcean's slug
 *   `ubuntu-24-04-x64`; there was no `terraform_data` holding the image;
 * - no node had a replacement stamp (`terraform_data` `<node>-replacement`);
 * - every node's and template's user data differed from this version's (any library upgrade may
 *   change the bootstrap);
 * - the AWS agent archive object was uploaded from `content_base64` (the archive's bytes inline),
 *   with no `source` file and no `source_hash`.
 */
import * as fs from 'fs';
import { meshAgentArchive } from '../../../lib/core/bootstrap/mesh-agent-archive';

type Json = { [key: string]: any };

/** What the previous version wrote where this one writes a pinned image, per cloud (undefined: the same value). */
const PREVIOUS_IMAGE: Readonly<Record<string, string | undefined>> = {
  aws: undefined,
  gcp: 'ubuntu-os-cloud/ubuntu-2404-lts-amd64',
  azure: 'latest',
  digitalocean: 'ubuntu-24-04-x64',
};

/** Where each VM and template type keeps its user data in state: an attribute path, '*' for every element of a list. */
const USER_DATA: Readonly<Record<string, readonly string[]>> = {
  aws_instance: ['user_data_base64'],
  aws_launch_template: ['user_data'],
  google_compute_instance: ['metadata', 'user-data'],
  google_compute_instance_template: ['metadata', 'user-data'],
  azurerm_linux_virtual_machine: ['custom_data'],
  azurerm_linux_virtual_machine_scale_set: ['custom_data'],
  digitalocean_droplet: ['user_data'],
  digitalocean_droplet_autoscale: ['droplet_template', '*', 'user_data'],
};

const PIN = /os-image-(aws|gcp|azure|digitalocean)/;
const STAMP = /-replacement_/;

/** Rewrites the local state `file` in place, as the previous version's apply of the same cluster left it. */
export function asPreviousLibraryState(file: string): void {
  const state = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  const resources = state.resources as Json[];
  // The value each pin gave out, and what the previous version had there instead.
  const previous = new Map<string, string>();
  for (const pin of resources.filter((r) => r.mode === 'managed' && r.type === 'terraform_data' && PIN.test(r.name))) {
    const image = pin.instances[0].attributes.output.value.image as string;
    const was = PREVIOUS_IMAGE[PIN.exec(pin.name)![1]];
    if (was !== undefined) previous.set(image, was);
  }
  const gone = (r: Json) => r.mode === 'managed' && r.type === 'terraform_data' && (PIN.test(r.name) || STAMP.test(r.name));
  const goneAddresses = new Set(resources.filter(gone).map((r) => `${r.type}.${r.name}`));
  state.resources = resources.filter((r) => !gone(r)).map((r) => r.mode !== 'managed' ? r : ({
    ...r,
    instances: r.instances.map((instance: Json) => {
      const attributes = replaceStrings(instance.attributes, previous) as Json;
      const userData = USER_DATA[r.type];
      if (userData) changeAt(attributes, userData, (value) => `${value}\n# written by the previous library version\n`);
      if (r.type === 'aws_s3_object' && attributes.content_type === 'application/x-tar') {
        Object.assign(attributes, { content_base64: meshAgentArchive().bytes.toString('base64'), source: null, source_hash: null });
      }
      const dependencies = (instance.dependencies as string[] | undefined)?.filter((d) => !goneAddresses.has(d));
      return { ...instance, attributes, ...(dependencies ? { dependencies } : {}) };
    }),
  }));
  state.serial = (state.serial ?? 0) + 1;
  fs.writeFileSync(file, JSON.stringify(state, null, 2));
}

function replaceStrings(value: unknown, replacements: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return replacements.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => replaceStrings(v, replacements));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceStrings(v, replacements)]));
  }
  return value;
}

function changeAt(value: Json, path: readonly string[], change: (value: string) => string): void {
  const [step, ...rest] = path;
  const targets = step === '*' ? (Array.isArray(value) ? value.map((_, i) => i) : []) : [step];
  for (const key of targets) {
    const inner = (value as any)?.[key];
    if (rest.length === 0) {
      if (typeof inner !== 'string') throw new Error(`no user data at ${path.join('.')} (got ${JSON.stringify(inner)?.slice(0, 80)})`);
      (value as any)[key] = change(inner);
    } else {
      changeAt(inner, rest, change);
    }
  }
}
