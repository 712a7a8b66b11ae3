/**
 * DigitalOcean node: reserved IP, droplet tagged with its role's firewall tag, IP assignment.
 *
 * The API seeds ride on droplet tags, read from the metadata service's
 * `metadata/v1/tags/` ("An index of tags associated with the Droplet",
 * docs.digitalocean.com/reference/api/metadata/spec.yaml). A tag is a bare name of at
 * most 255 letters, digits, `:`, `-` and `_` (the provider's tag.ValidateTag), so each seed
 * is one tag, `cast-api:<index>:<a-b-c-d>`: the index keeps the cluster's order, which a
 * set of tags loses. Tags need no `digitalocean_tag` first: the provider creates each
 * new tag before it tags the droplet (digitalocean/terraform-provider-digitalocean,
 * digitalocean/tag/tags.go SetTags), and a droplet created with a tag that does not exist
 * creates it (digitalocean/doctl#754). `tags` is updated in place on digitalocean_droplet,
 * while a new `user_data` replaces it (test/terraform/stand-in/replace-rules/digitalocean.ts).
 */
import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';
import { ReservedIp } from '@cdktf/provider-digitalocean/lib/reserved-ip';
import { ReservedIpAssignment } from '@cdktf/provider-digitalocean/lib/reserved-ip-assignment';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { digitalOceanTags } from '../core/cluster-labels';
import { NodeAttachment, NodeSpec, resourceAddress, runningVmLifecycle } from './node-spec';

export function buildNode(scope: Construct, spec: NodeSpec): NodeAttachment {
  const address = createAddress(scope, spec);
  const droplet = createInstance(scope, spec, address.ipAddress);
  new ReservedIpAssignment(scope, `${spec.name}-ip-assignment`, { provider: spec.provider, ipAddress: address.ipAddress, dropletId: Token.asNumber(droplet.id) });
  return {
    publicAddress: address.ipAddress,
    // A reserved IP receives only: "Assigning a reserved IP to a Droplet doesn't replace or change
    // its original public IP address" (docs.digitalocean.com/products/networking/reserved-ips/details/features),
    // and outbound traffic leaves from that address unless routed through the anchor gateway
    // (reserved-ips/how-to/outbound-traffic), which nodes here are not.
    egressAddress: droplet.ipv4Address,
    privateAddress: droplet.ipv4AddressPrivate,
    instanceAddress: resourceAddress(droplet),
    targetId: droplet.id,
  };
}

/** What every seed tag starts with (api-seeds.sh reads the tags that do). */
export const API_SERVER_TAG_PREFIX = 'cast-api';

/**
 * The droplet's tags: `fixed`, and `cast-api:<index>:<a-b-c-d>` for each seed when there
 * are seeds, built by Terraform from the space-separated list (a token list then).
 */
export function dropletTags(fixed: string[], apiServers: string | undefined): string[] {
  if (apiServers === undefined) return fixed;
  return Token.asList(Fn.concat([fixed, seedTagsOf(apiServers)]));
}

/** The seed tags of one seeds expression, made once: every droplet of a cluster has the same (each token costs cdktf a stack trace). */
function seedTagsOf(apiServers: string): string[] {
  const known = SEED_TAGS.get(apiServers);
  if (known) return known;
  const seeds = Fn.compact(Fn.split(' ', Fn.replace(apiServers, '.', '-')));
  const tags = Fn.formatlist(`${API_SERVER_TAG_PREFIX}:%d:%s`, [Fn.range(0, Fn.lengthOf(seeds)), seeds]);
  SEED_TAGS.set(apiServers, tags);
  return tags;
}

const SEED_TAGS = new Map<string, string[]>();

function createAddress(scope: Construct, spec: NodeSpec): ReservedIp {
  return new ReservedIp(scope, `${spec.name}-ip`, { provider: spec.provider, region: spec.location.region });
}

function createInstance(scope: Construct, spec: NodeSpec, publicAddress: string): Droplet {
  return new Droplet(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    image: spec.image,
    region: spec.location.region,
    size: spec.instanceType,
    vpcUuid: spec.network.networkId,
    // The role tag puts the droplet behind its role's firewall.
    tags: dropletTags([spec.network.roleFirewall[spec.role], ...digitalOceanTags(spec.labels), `cast-node-role:${spec.role}`], spec.apiServers),
    userData: spec.userData(publicAddress),
    // A running node keeps its user data and its image (runningVmLifecycle): a change to either replaces
    // the droplet (ForceNew, test/terraform/stand-in/replace-rules/digitalocean.ts).
    lifecycle: runningVmLifecycle(spec, ['user_data', 'image']),
    monitoring: true,
    dependsOn: spec.dependsOn,
  });
}
