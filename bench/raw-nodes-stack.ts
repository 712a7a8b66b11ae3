/**
 * The comparison for the node benchmark: a hand-written cdktf stack that emits
 * the same per-node resources as NodeGroup (static address, instance, and what
 * ties them, with the same user-data, and the control planes' addresses in the
 * same in-place tag or metadata key), using provider classes directly. No
 * CastCluster, no planners, no validation: what the library's wiring costs is
 * the difference.
 */
import { Eip } from '@cdktf/provider-aws/lib/eip';
import { EipAssociation } from '@cdktf/provider-aws/lib/eip-association';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { LinuxVirtualMachine } from '@cdktf/provider-azurerm/lib/linux-virtual-machine';
import { NetworkInterface } from '@cdktf/provider-azurerm/lib/network-interface';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { PublicIp } from '@cdktf/provider-azurerm/lib/public-ip';
import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { ReservedIp } from '@cdktf/provider-digitalocean/lib/reserved-ip';
import { ReservedIpAssignment } from '@cdktf/provider-digitalocean/lib/reserved-ip-assignment';
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeInstance } from '@cdktf/provider-google/lib/compute-instance';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { Fn, Lazy, TerraformLocal, TerraformStack, TerraformVariable, Token } from 'cdktf';
import { Construct } from 'constructs';
import { meshAgentArchive } from '../lib/core/bootstrap/mesh-agent-archive';
import { renderNodeUserData } from '../lib/core/bootstrap/node-bootstrap';
import { MeshMode } from '../lib/core/mesh/mesh-mode';
import { Cloud } from '../lib/core/cloud';


// The same mesh settings as the library's nodes: the agent inline, except on AWS, which downloads it.
const AGENT = meshAgentArchive();

interface Inputs {
  readonly credentials: { caCertB64: string; bootstrapTokenId: string; bootstrapTokenSecret: string };
  readonly agentHost: string;
}

function userData(scope: Construct, inputs: Inputs, cloud: Cloud, name: string, publicAddress: string): string {
  const text = renderNodeUserData({
    kind: 'worker', nodeName: name, cloud, clusterName: 'raw', kubernetesVersion: '1.34.2', podCidr: '10.217.0.0/16', serviceCidr: '10.96.0.0/12',
    publicAddress, meshAddress: '10.4.0.9', nodeLabels: {}, nodeTaints: [], credentials: inputs.credentials,
    nodePortRange: '30000-32767',
    mesh: {
      mode: MeshMode.FULL_MESH, meshCidr: '10.4.0.0/16', listenPort: 51820, mtu: 1420, persistentKeepalive: 25, gatewaysPerCloud: 1,
      privateCidr: cloud === Cloud.DIGITALOCEAN ? '10.150.16.0/20' : undefined,
      agentUrl: cloud === Cloud.AWS ? `https://${inputs.agentHost}/cast-mesh-agent.tar` : undefined,
      agentSha256: cloud === Cloud.AWS ? AGENT.sha256 : undefined,
    },
  });
  // Lazy, as the library does: cdktf scans a plain string for tokens again at every step.
  return new TerraformLocal(scope, `${name}-user-data`, Lazy.stringValue({ produce: () => text })).asString;
}

/** `perCloud` workers on each of the four clouds. */
export class RawNodesStack extends TerraformStack {
  constructor(scope: Construct, id: string, perCloud: number) {
    super(scope, id);
    new AwsProvider(this, 'aws', { region: 'us-east-1' });
    new GoogleProvider(this, 'google', { region: 'us-east4' });
    new AzurermProvider(this, 'azurerm', { features: [{}] });
    new DigitaloceanProvider(this, 'digitalocean');
    // References, as the library's user-data holds (the CA, the token, the agent's host).
    const variable = (id: string) => new TerraformVariable(this, id, { type: 'string' }).stringValue;
    const inputs: Inputs = {
      credentials: { caCertB64: variable('ca'), bootstrapTokenId: variable('token_id'), bootstrapTokenSecret: variable('token_secret') },
      agentHost: variable('agent_host'),
    };
    const sshKey = variable('ssh');
    // The API seeds every node carries in place, one local as in the library; DigitalOcean's
    // tags are made from it once (cast-api:<index>:<a-b-c-d>).
    const seeds = new TerraformLocal(this, 'api-servers', `${variable('cp_1')} ${variable('cp_2')} ${variable('cp_3')}`).asString;
    const dashed = Fn.compact(Fn.split(' ', Fn.replace(seeds, '.', '-')));
    const seedTags = Fn.formatlist('cast-api:%d:%s', [Fn.range(0, Fn.lengthOf(dashed)), dashed]);
    for (let i = 1; i <= perCloud; i++) {
      const aws = `raw-aws-${i}`;
      const eip = new Eip(this, `${aws}-ip`, { domain: 'vpc', tags: { Name: aws } });
      const instance = new Instance(this, aws, {
        ami: 'ami-0123456789abcdef0', instanceType: 'm6i.large', subnetId: 'subnet-1', vpcSecurityGroupIds: ['sg-1'], sourceDestCheck: false,
        userDataBase64: Fn.base64gzip(userData(this, inputs, Cloud.AWS, aws, eip.publicIp)),
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1, instanceMetadataTags: 'enabled' },
        rootBlockDevice: { volumeSize: 50, volumeType: 'gp3', encrypted: true, deleteOnTermination: true }, tags: { Name: aws, 'cast-api-servers': seeds },
      });
      new EipAssociation(this, `${aws}-ip-association`, { instanceId: instance.id, allocationId: eip.allocationId });

      const gcp = `raw-gcp-${i}`;
      const address = new ComputeAddress(this, `${gcp}-ip`, { name: gcp, region: 'us-east4', addressType: 'EXTERNAL' });
      new ComputeInstance(this, gcp, {
        name: gcp, machineType: 'e2-standard-2', zone: 'us-east4-a', tags: ['raw-worker'], canIpForward: true,
        bootDisk: { initializeParams: { image: 'ubuntu-os-cloud/ubuntu-2404-lts-amd64', size: 50, type: 'pd-balanced' } },
        networkInterface: [{ subnetwork: 'nodes', accessConfig: [{ natIp: address.address }] }],
        metadata: { 'user-data': userData(this, inputs, Cloud.GCP, gcp, address.address), 'cast-api-servers': seeds },
      });

      const azure = `raw-azure-${i}`;
      const ip = new PublicIp(this, `${azure}-ip`, { name: azure, resourceGroupName: 'raw', location: 'eastus', allocationMethod: 'Static', sku: 'Standard' });
      const nic = new NetworkInterface(this, `${azure}-nic`, {
        name: azure, resourceGroupName: 'raw', location: 'eastus', ipForwardingEnabled: true,
        ipConfiguration: [{ name: 'primary', subnetId: 'subnet', privateIpAddressAllocation: 'Dynamic', publicIpAddressId: ip.id }],
      });
      new LinuxVirtualMachine(this, azure, {
        name: azure, resourceGroupName: 'raw', location: 'eastus', size: 'Standard_D2s_v5', networkInterfaceIds: [nic.id], adminUsername: 'cast',
        adminSshKey: [{ username: 'cast', publicKey: sshKey }], osDisk: { caching: 'ReadWrite', storageAccountType: 'StandardSSD_LRS', diskSizeGb: 50 },
        sourceImageReference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' },
        customData: Fn.base64encode(userData(this, inputs, Cloud.AZURE, azure, ip.ipAddress)),
        tags: { 'cast-api-servers': seeds },
      });

      const digitalocean = `raw-do-${i}`;
      const reserved = new ReservedIp(this, `${digitalocean}-ip`, { region: 'nyc1' });
      const droplet = new Droplet(this, digitalocean, {
        name: digitalocean, image: 'ubuntu-24-04-x64', region: 'nyc1', size: 'g-2vcpu-8gb', vpcUuid: 'vpc', tags: Token.asList(Fn.concat([['raw-worker'], seedTags])),
        userData: userData(this, inputs, Cloud.DIGITALOCEAN, digitalocean, reserved.ipAddress),
      });
      new ReservedIpAssignment(this, `${digitalocean}-ip-assignment`, { ipAddress: reserved.ipAddress, dropletId: Token.asNumber(droplet.id) });
    }
  }
}
