/**
 * `aws ec2 describe-instances` output: `{"Reservations": [{"Instances": [{…}]}]}`
 * (or the flat instance list of `--query 'Reservations[].Instances[]'`).
 *
 *   { "InstanceId": "i-0abc…", "State": {"Name": "running"}, "VpcId": "vpc-…",
 *     "Placement": {"AvailabilityZone": "eu-west-1a"}, "PrivateIpAddress": "10.10.1.5",
 *     "Tags": [{"Key": "cast-cluster-uuid", "Value": "…"}] }
 */
import { Cloud } from '../../../core/cloud';
import { clusterUuidOf } from '../../catalog/cluster-tags';
import { InventoryItem, InventoryKind } from '../../model';
import { asArray, asRecord, asString } from '../state/json-shapes';

/** True when `raw` looks like one EC2 instance. */
export function isAwsInventoryItem(raw: unknown): boolean {
  return typeof asRecord(raw)?.InstanceId === 'string';
}

/** The instances of one reservation (`Reservations[i]`). */
export function readAwsReservation(raw: unknown, file: string): InventoryItem[] {
  return asArray(asRecord(raw)?.Instances).flatMap((instance) => readAwsInventoryItem(instance, file));
}

/** One EC2 instance; empty when it is not one. */
export function readAwsInventoryItem(raw: unknown, file: string): InventoryItem[] {
  const instance = asRecord(raw);
  const id = asString(instance?.InstanceId);
  if (!instance || !id) return [];
  const tags: Record<string, string> = {};
  for (const tag of asArray(instance.Tags)) {
    const key = asString(asRecord(tag)?.Key);
    const value = asString(asRecord(tag)?.Value);
    if (key !== undefined) tags[key] = value ?? '';
  }
  const statusText = asString(asRecord(instance.State)?.Name) ?? 'unknown';
  const zone = asString(asRecord(instance.Placement)?.AvailabilityZone);
  const region = zone?.replace(/[a-z]$/, '');
  const vpc = asString(instance.VpcId);
  const ip = asString(instance.PrivateIpAddress);
  return [
    {
      cloud: Cloud.AWS,
      kind: InventoryKind.VM,
      resourceType: 'aws_instance',
      id,
      aliases: [],
      name: tags.Name ?? id,
      clusterUuid: clusterUuidOf(tags),
      tags,
      networks: vpc ? [vpc] : [],
      privateIps: ip ? [ip] : [],
      status: awsStatus(statusText),
      statusText,
      scope: region,
      location: region ? { region } : {},
      file,
    },
  ];
}

function awsStatus(name: string): InventoryItem['status'] {
  if (name === 'running' || name === 'pending') return 'running';
  if (name === 'stopped' || name === 'stopping') return 'stopped';
  if (name === 'terminated' || name === 'shutting-down') return 'terminated';
  return 'other';
}
