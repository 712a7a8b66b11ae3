/**
 * Reduces one resource instance, however it was read (state file, show-json,
 * plan), to a StateResource: address, cloud, taint, cluster UUID, tags and
 * only the attributes the checks compare.
 */
import { asText } from './json-shapes';
import { instanceAddress } from './instance-address';
import { projectSensitivePaths } from './sensitive-paths';
import { clusterUuidOf, tagsOf } from '../../catalog/cluster-tags';
import { keptAttributes, projectAttributes } from '../../catalog/kept-attributes';
import { cloudOfProvider, cloudOfType } from '../../catalog/resource-types';
import { AttributePath, StateResource } from '../../model';

/** The facts every reader extracts before reduction. */
export interface StateInstanceFields {
  readonly module: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly indexKey?: number | string;
  readonly provider: string;
  readonly tainted: boolean;
  /** The deposed key of a deposed object; undefined for the current object. */
  readonly deposedKey?: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly sensitivePaths: readonly AttributePath[];
  readonly file: string;
}

/** Builds the reduced record of one instance. */
export function buildStateResource(fields: StateInstanceFields): StateResource {
  const tags = tagsOf(fields.attributes);
  return {
    address: instanceAddress(fields.module, fields.mode, fields.type, fields.name, fields.indexKey),
    module: fields.module,
    mode: fields.mode,
    type: fields.type,
    name: fields.name,
    indexKey: fields.indexKey,
    provider: fields.provider,
    cloud: cloudOfType(fields.type) ?? cloudOfProvider(fields.provider),
    tainted: fields.tainted,
    ...(fields.deposedKey === undefined ? {} : { deposedKey: fields.deposedKey }),
    clusterUuid: clusterUuidOf(tags),
    id: asText(fields.attributes.id),
    tags,
    attributes: projectAttributes(fields.type, fields.attributes),
    sensitivePaths: projectSensitivePaths(fields.sensitivePaths, keptAttributes(fields.type)),
    file: fields.file,
  };
}
