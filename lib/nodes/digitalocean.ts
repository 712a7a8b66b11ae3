/** DigitalOcean node: reserved IP, droplet tagged with its role's firewall tag, IP assignment. */
import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';
import { ReservedIp } from '@cdktf/provider-digitalocean/lib/reserved-ip';
import { ReservedIpAssignment } from '@cdktf/provider-digitalocean/lib/reserved-ip-assignment';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { digitalOceanTags } from '../core/cluster-labels';
import { NodeAttachment, NodeSpec, resourceAddress } from './node-spec';

const UBUNTU_IMAGE = 'ubuntu-24-04-x64';

export function buildNode(scope: Construct, spec: NodeSpec): NodeAttachment {
  const address = createAddress(scope, spec);
  const droplet = createInstance(scope, spec, address.ipAddress);
  new ReservedIpAssignment(scope, `${spec.name}-ip-assignment`, { provider: spec.provider, ipAddress: address.ipAddress, dropletId: Token.asNumber(droplet.id) });
  return { publicAddress: address.ipAddress, privateAddress: droplet.ipv4AddressPrivate, instanceAddress: resourceAddress(droplet), targetId: droplet.id };
}

/** The current Ubuntu LTS image: a slug needs no lookup. */
export function lookupImage(_scope: Construct, _provider: NodeSpec['provider']): string {
  return UBUNTU_IMAGE;
}

function createAddress(scope: Construct, spec: NodeSpec): ReservedIp {
  return new ReservedIp(scope, `${spec.name}-ip`, { provider: spec.provider, region: spec.location.region });
}

function createInstance(scope: Construct, spec: NodeSpec, publicAddress: string): Droplet {
  return new Droplet(scope, spec.name, {
    provider: spec.provider,
    name: spec.name,
    image: spec.image!,
    region: spec.location.region,
    size: spec.instanceType,
    vpcUuid: spec.network.networkId,
    // The role tag puts the droplet behind its role's firewall.
    tags: [spec.network.roleFirewall[spec.role], ...digitalOceanTags(spec.labels), `cast-node-role:${spec.role}`],
    userData: spec.userData(publicAddress),
    monitoring: true,
    dependsOn: spec.dependsOn,
  });
}
