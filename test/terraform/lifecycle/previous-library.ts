/**
 * A synthesized cluster as the library version before pinned images and replacement stamps wrote
 * it, so that "Upgrade the library" can apply it and plan this version against its state. What
 * that version put into the state differently, and nothing else, is put back:
 * - every node and template booted the image its cloud named at that plan: the newest Canonical
 *   AMI (the same `aws_ami` lookup, read on every plan), GCP's image family
 *   `ubuntu-os-cloud/ubuntu-2404-lts-amd64`, Azure's version `latest`, DigitalOcean's slug
 *   `ubuntu-24-04-x64`; there was no `terraform_data` holding the image;
 * - no node had a replacement stamp (`terraform_data` `<node>-replacement`, `replace_triggered_by`);
 * - every node's user data differed from this version's (any library upgrade may change the
 *   bootstrap): each user-data local gets one more comment line.
 * Lifecycle blocks (ignore_changes) are left as they are: they are not in the state.
 */
import * as fs from 'fs';

type Json = { [key: string]: any };

/** What the previous version wrote where this one writes a pinned image's output, per cloud. */
const PREVIOUS_IMAGE: Readonly<Record<string, (config: Json, pin: string) => string>> = {
  // The pin's own lookup is the query the previous version ran per node group.
  aws: (config, pin) => `\${data.aws_ami.${lookupOf(config, 'aws_ami', pin)}.id}`,
  gcp: () => 'ubuntu-os-cloud/ubuntu-2404-lts-amd64',
  azure: () => 'latest',
  digitalocean: () => 'ubuntu-24-04-x64',
};

/** Rewrites the synthesized stack `file` (cdk.tf.json) in place, as the previous version synthesized it. */
export function asPreviousLibrary(file: string): void {
  const config = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
  let text = JSON.stringify(config);
  const data = (config.resource?.terraform_data ?? {}) as Json;
  for (const id of Object.keys(data)) {
    const cloud = /os-image-(aws|gcp|azure|digitalocean)/.exec(id)?.[1];
    if (cloud) text = text.split(`\${terraform_data.${id}.output.image}`).join(PREVIOUS_IMAGE[cloud](config, id));
  }
  const previous = JSON.parse(text) as Json;
  const kept = Object.fromEntries(Object.entries(previous.resource.terraform_data as Json).filter(([id]) => !/os-image-|-replacement_/.test(id)));
  if (Object.keys(kept).length > 0) previous.resource.terraform_data = kept;
  else delete previous.resource.terraform_data;
  for (const byName of Object.values<Json>(previous.resource)) {
    for (const body of Object.values<Json>(byName)) {
      if (!body.lifecycle?.replace_triggered_by) continue;
      delete body.lifecycle.replace_triggered_by;
    }
  }
  for (const name of Object.keys(previous.locals ?? {}).filter((local) => local.includes('user-data'))) {
    previous.locals[name] = `${previous.locals[name]}\n# written by the previous library version\n`;
  }
  fs.writeFileSync(file, JSON.stringify(previous, null, 2));
}

/** The logical id of the `dataType` lookup that the pin `pin` reads. */
function lookupOf(config: Json, dataType: string, pin: string): string {
  const id = Object.keys(config.data?.[dataType] ?? {}).find((name) => JSON.stringify(config.resource.terraform_data[pin].input).includes(`data.${dataType}.${name}.`));
  if (!id) throw new Error(`no ${dataType} lookup behind ${pin}`);
  return id;
}
