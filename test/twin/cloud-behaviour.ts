/**
 * How each cloud's network behaves, as the twin must model it: one row per cloud, every
 * fact with the documents it comes from. Where the documentation is silent the row says
 * so (`docsSilent`) and takes the conservative value: the one under which a cluster that
 * works in the twin also works on the cloud (fewer protocols, no fragments, a smaller MTU).
 *
 * `says` quotes or closely paraphrases the page as read for this table; the values the
 * stack itself decides (forwarding enabled on the VMs, the VPC MTU left at its default,
 * reserved IPs on DigitalOcean) are named in the fact's `note`.
 */
import { Cloud } from '../../lib/core/cloud';
import { formatAddress, parseCidr } from '../../lib/core/cidr';

/** A document a fact comes from. */
export interface Source {
  readonly title: string;
  readonly url: string;
  /** What the page says on this point, quoted or closely paraphrased. */
  readonly says: string;
}

/** One fact about a cloud's network and where it comes from. */
export interface Fact<T> {
  readonly value: T;
  /** At least one. */
  readonly sources: readonly Source[];
  /** How the value follows from the sources, or what the stack decides on top. */
  readonly note?: string;
  /** True when no source states the value: it is the conservative choice, explained in `note`. */
  readonly docsSilent?: boolean;
}

/** IANA protocol numbers (https://www.iana.org/assignments/protocol-numbers), or every protocol. */
export type Protocols = 'all' | readonly number[];

/** Where a VM's public address lives. */
export interface PublicAddressModel {
  /**
   * `nat`: the VM holds only its private address and the network translates its public
   * address one to one, both ways. `interface`: the public address is on a VM interface.
   */
  readonly kind: 'nat' | 'interface';
  /** The interface holding the VPC address (the only one on `nat` clouds). */
  readonly privateInterface: 'eth0' | 'eth1';
  /** The interface a public address arrives on. */
  readonly publicInterface: 'eth0';
  /**
   * The source address of a VM's own outbound connections to the internet: its static public
   * address (EIP, static external IP, public IP, …), or, on DigitalOcean, the droplet's own
   * public IPv4, not the reserved IP the stack gives it.
   */
  readonly outboundSource: 'static-public-address' | 'droplet-public-ipv4';
}

/** MTU (bytes of IP packet) of the paths a VM's packets take. */
export interface MtuModel {
  /** Between two VMs of the VPC, by private addresses. */
  readonly vpc: number;
  /** To and from the internet, so between clouds. */
  readonly internet: number;
}

/** The DNS resolvers a VM of the cloud uses. */
export interface DnsModel {
  /** Fixed addresses. */
  readonly addresses: readonly string[];
  /** Also the VPC range's base address plus this (AWS's "VPC+2"), when set. */
  readonly vpcBasePlus?: number;
}

/** One cloud's network, as the twin models it. */
export interface CloudBehaviour {
  /** IP protocols the network carries between two VMs of the VPC. */
  readonly protocolsBetweenVms: Fact<Protocols>;
  /** IP protocols the network carries between a VM and the internet (so between clouds). */
  readonly protocolsToInternet: Fact<Protocols>;
  /** Whether the network delivers a packet to a VM that does not own its destination (a pod address), as the stack configures VMs. */
  readonly deliversForeignDestinations: Fact<boolean>;
  /** Whether the network lets a VM send a packet whose source it does not own (a pod address), as the stack configures VMs. */
  readonly sendsForeignSources: Fact<boolean>;
  readonly mtu: Fact<MtuModel>;
  /** Whether IP fragments arrive (the conservative value is false: the twin drops them). */
  readonly carriesFragments: Fact<boolean>;
  /** net.ipv4.conf.{all,default}.rp_filter of the stack's guest image (Ubuntu 24.04) on that cloud. */
  readonly guestRpFilter: Fact<0 | 1 | 2>;
  /** The instance metadata service's address. */
  readonly metadataAddress: Fact<string>;
  readonly dnsResolvers: Fact<DnsModel>;
  readonly publicAddress: Fact<PublicAddressModel>;
}

const TCP = 6;
const UDP = 17;
const ICMP = 1;
const ESP = 50;
const AH = 51;

const UBUNTU_RP_FILTER: readonly Source[] = [
  {
    title: 'Ubuntu procps: /etc/sysctl.d/10-network-security.conf',
    url: 'https://git.launchpad.net/ubuntu/+source/procps/tree/debian/sysctl.d/10-network-security.conf',
    says: 'Turn on Source Address Verification in all interfaces: net.ipv4.conf.default.rp_filter=2, net.ipv4.conf.all.rp_filter=2 (loose).',
  },
  {
    title: 'systemd: sysctl.d/50-default.conf',
    url: 'https://github.com/systemd/systemd/blob/main/sysctl.d/50-default.conf',
    says: 'Source route verification: rp_filter = 2.',
  },
];

/** The four rows; the compiler makes sure every cloud has one. */
export const CLOUD_BEHAVIOUR: Readonly<Record<Cloud, CloudBehaviour>> = {
  [Cloud.AWS]: {
    protocolsBetweenVms: {
      value: 'all',
      sources: [
        {
          title: 'Security group rules',
          url: 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html',
          says: 'A rule allows a protocol by its standard protocol number (the most common are 6 TCP, 17 UDP, 1 ICMP) or all protocols (-1).',
        },
        {
          title: 'Calico: Amazon Web Services',
          url: 'https://docs.tigera.io/calico/latest/reference/public-cloud/aws',
          says: 'Across VPC subnets, enable IPIP encapsulation (with src/dst checks disabled); within a subnet no overlay is needed.',
        },
      ],
      note: 'No AWS page lists protocols the VPC refuses; security groups allow any protocol number, and IP-in-IP (4) between instances is common practice.',
    },
    protocolsToInternet: {
      value: [ICMP, TCP, UDP],
      sources: [
        {
          title: 'Enable internet access for a VPC using an internet gateway',
          url: 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html',
          says: 'An internet gateway performs network address translation for instances with public IPv4 addresses; the page names no protocols.',
        },
      ],
      docsSilent: true,
      note: 'Which protocols pass the internet gateway is not documented: the twin carries TCP, UDP and ICMP only.',
    },
    deliversForeignDestinations: {
      value: true,
      sources: [
        {
          title: 'NAT instances: disable source/destination checks',
          url: 'https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html',
          says: 'Each EC2 instance performs source/destination checks by default: it must be the source or destination of any traffic it sends or receives. Disable the check to let it handle other traffic.',
        },
        {
          title: 'Calico: Amazon Web Services',
          url: 'https://docs.tigera.io/calico/latest/reference/public-cloud/aws',
          says: 'With src/dst checks disabled, Calico routes pod traffic natively within a single VPC subnet without an overlay.',
        },
      ],
      note: 'The stack sets source_dest_check = false on every aws_instance; a packet reaches a VM when the sender addresses it to that VM (next hop in the subnet).',
    },
    sendsForeignSources: {
      value: true,
      sources: [{ title: 'NAT instances: disable source/destination checks', url: 'https://docs.aws.amazon.com/vpc/latest/userguide/work-with-nat-instances.html', says: 'The source/destination check applies to traffic an instance sends as well as receives.' }],
      note: 'Allowed because the stack disables the check (source_dest_check = false).',
    },
    mtu: {
      value: { vpc: 9001, internet: 1500 },
      sources: [
        {
          title: 'Network maximum transmission unit (MTU) for your EC2 instance',
          url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/network_mtu.html',
          says: 'Jumbo frames (9001 MTU) within a VPC; traffic over an internet gateway is limited to 1500 bytes.',
        },
      ],
    },
    carriesFragments: {
      value: true,
      sources: [
        {
          title: 'Network maximum transmission unit (MTU) for your EC2 instance',
          url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/network_mtu.html',
          says: 'If packets are over their MTU limit, they are fragmented, or they are dropped if the Don\'t Fragment flag is set in the IP header.',
        },
      ],
    },
    guestRpFilter: { value: 2, sources: UBUNTU_RP_FILTER, note: 'No AWS-specific override of Ubuntu\'s default was found: loose (2).' },
    metadataAddress: {
      value: '169.254.169.254',
      sources: [{ title: 'Access instance metadata for an EC2 instance', url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html', says: 'The IPv4 address of the instance metadata service is 169.254.169.254.' }],
    },
    dnsResolvers: {
      value: { addresses: ['169.254.169.253'], vpcBasePlus: 2 },
      sources: [
        {
          title: 'Amazon DNS server',
          url: 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html',
          says: 'The Route 53 Resolver runs at the base of the VPC IPv4 network range plus two, and is also reachable at 169.254.169.253.',
        },
      ],
      note: 'DHCP gives instances the VPC+2 address (the stack keeps the default DHCP options).',
    },
    publicAddress: {
      value: { kind: 'nat', privateInterface: 'eth0', publicInterface: 'eth0', outboundSource: 'static-public-address' },
      sources: [
        {
          title: 'Amazon EC2 instance IP addressing',
          url: 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html',
          says: 'A public IPv4 address is mapped to the primary private IPv4 address through network address translation (NAT); the instance\'s operating system sees only the private address.',
        },
      ],
      note: 'The stack gives each node an Elastic IP (aws_eip + aws_eip_association): the same one-to-one NAT, both ways.',
    },
  },

  [Cloud.GCP]: {
    protocolsBetweenVms: {
      value: 'all',
      sources: [{ title: 'VPC networks', url: 'https://cloud.google.com/vpc/docs/vpc', says: 'Supported protocols: IPv4 data packets between VMs: all IPv4 protocols.' }],
    },
    protocolsToInternet: {
      value: [ICMP, 4, TCP, UDP, 47, ESP, AH, 132],
      sources: [{ title: 'VPC networks', url: 'https://cloud.google.com/vpc/docs/vpc', says: 'IPv4 data packets between VMs and the internet: the ICMP, IPIP, TCP, UDP, GRE, ESP, AH, and SCTP protocols.' }],
    },
    deliversForeignDestinations: {
      value: false,
      sources: [
        {
          title: 'Enable IP forwarding for instances',
          url: 'https://cloud.google.com/vpc/docs/using-routes#canipforward',
          says: 'Without IP forwarding a VM receives only packets whose destination is one of its own addresses; with it, the VM can receive packets routed to it by a route whose next hop is the VM.',
        },
        { title: 'Routes', url: 'https://cloud.google.com/vpc/docs/routes', says: 'Packets are delivered by the VPC\'s routes (subnet routes, custom static routes with a next-hop instance, …), by destination address.' },
      ],
      note: 'The stack sets can_ip_forward = true but creates no route sending pod ranges to a node: a packet to a pod address is not delivered.',
    },
    sendsForeignSources: {
      value: true,
      sources: [{ title: 'Enable IP forwarding for instances', url: 'https://cloud.google.com/vpc/docs/using-routes#canipforward', says: 'IP forwarding lets a VM send packets whose source address is not one of its own.' }],
      note: 'Allowed because the stack sets can_ip_forward = true.',
    },
    mtu: {
      value: { vpc: 1460, internet: 1460 },
      sources: [
        { title: 'Maximum transmission unit', url: 'https://cloud.google.com/vpc/docs/mtu', says: 'Virtual Private Cloud (VPC) networks use a default MTU of 1,460 bytes; configure each VM NIC\'s MTU to match.' },
      ],
      note: 'The stack sets no mtu on google_compute_network, so every path leaving a VM starts at 1460, the internet included.',
    },
    carriesFragments: {
      value: false,
      sources: [
        {
          title: 'VPC firewall rules',
          url: 'https://cloud.google.com/firewall/docs/firewalls',
          says: 'Firewall rules do not reassemble fragmented TCP packets: a rule for the TCP protocol applies only to the first fragment, which holds the TCP header.',
        },
      ],
      note: 'Fragments after the first do not match port rules (the stack\'s API, WireGuard and NodePort rules): the twin drops fragments.',
    },
    guestRpFilter: {
      value: 1,
      sources: [
        {
          title: 'GoogleCloudPlatform/guest-configs: src/etc/sysctl.d/60-gce-network-security.conf',
          url: 'https://github.com/GoogleCloudPlatform/guest-configs/blob/master/src/etc/sysctl.d/60-gce-network-security.conf',
          says: 'Turn on Source Address Verification in all interfaces: net.ipv4.conf.all.rp_filter=1, net.ipv4.conf.default.rp_filter=1 (strict); also net.ipv4.ip_forward=0.',
        },
        {
          title: 'GoogleCloudPlatform/guest-configs: packaging/ubuntu/install',
          url: 'https://github.com/GoogleCloudPlatform/guest-configs/blob/master/packaging/ubuntu/install',
          says: 'The Ubuntu package installs src/etc/sysctl.d/* into /etc/sysctl.d.',
        },
        ...UBUNTU_RP_FILTER,
      ],
      note: '60-gce-network-security.conf sorts after Ubuntu\'s 10- and systemd\'s 50- files, so strict (1) wins for all and for interfaces created later (tunnels, pod veths).',
    },
    metadataAddress: {
      value: '169.254.169.254',
      sources: [{ title: 'About VM metadata', url: 'https://cloud.google.com/compute/docs/metadata/overview', says: 'The metadata server is at 169.254.169.254 (metadata.google.internal).' }],
    },
    dnsResolvers: {
      value: { addresses: ['169.254.169.254'] },
      sources: [{ title: 'Internal DNS', url: 'https://cloud.google.com/compute/docs/internal-dns', says: 'VMs use the metadata server, 169.254.169.254, as their name server (set by DHCP).' }],
    },
    publicAddress: {
      value: { kind: 'nat', privateInterface: 'eth0', publicInterface: 'eth0', outboundSource: 'static-public-address' },
      sources: [
        {
          title: 'IP addresses',
          url: 'https://cloud.google.com/compute/docs/ip-addresses',
          says: 'Each network interface has a required internal IPv4 address and an optional external IPv4 address, used to communicate with the internet.',
        },
        {
          title: 'Compute Engine API: instances (accessConfigs[].type)',
          url: 'https://cloud.google.com/compute/docs/reference/rest/v1/instances',
          says: 'The type of configuration; in accessConfigs (IPv4) the default and only option is ONE_TO_ONE_NAT.',
        },
      ],
      note: 'One-to-one NAT: the VM\'s interface holds only the internal address. The stack sets access_config.nat_ip to a google_compute_address per node.',
    },
  },

  [Cloud.AZURE]: {
    protocolsBetweenVms: {
      value: [ICMP, TCP, UDP, ESP, AH],
      sources: [
        {
          title: 'Azure Virtual Network frequently asked questions (FAQ)',
          url: 'https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq',
          says: 'You can use TCP, UDP, ESP, AH, and ICMP TCP/IP protocols in virtual networks. Multicast, broadcast, IP-in-IP encapsulated packets, and Generic Routing Encapsulation (GRE) packets are blocked in virtual networks.',
        },
      ],
      note: 'Older versions of the FAQ list TCP, UDP and ICMP only; either way IP-in-IP (4) and GRE (47) are blocked.',
    },
    protocolsToInternet: {
      value: [ICMP, TCP, UDP],
      sources: [{ title: 'Azure Virtual Network frequently asked questions (FAQ)', url: 'https://learn.microsoft.com/azure/virtual-network/virtual-networks-faq', says: 'The protocol answer covers virtual networks; traffic through public IPs is not listed separately.' }],
      docsSilent: true,
      note: 'Not documented for public IPs: the twin carries TCP, UDP and ICMP only.',
    },
    deliversForeignDestinations: {
      value: false,
      sources: [
        {
          title: 'Virtual network traffic routing',
          url: 'https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview',
          says: 'Azure routes by destination address; traffic for a range goes to a VM only through a user-defined route with next hop type VirtualAppliance, and the VM\'s NIC must have IP forwarding enabled.',
        },
      ],
      note: 'The stack enables IP forwarding on the NICs but creates no route table: a packet to a pod address is not delivered.',
    },
    sendsForeignSources: {
      value: true,
      sources: [
        {
          title: 'Create, change, or delete a network interface: IP forwarding',
          url: 'https://learn.microsoft.com/azure/virtual-network/virtual-network-network-interface',
          says: 'IP forwarding enables the VM a network interface is attached to to receive and send traffic not destined for, or sent from, one of its own IP addresses.',
        },
      ],
      note: 'Allowed because the stack sets ip_forwarding_enabled = true on every NIC.',
    },
    mtu: {
      value: { vpc: 1500, internet: 1500 },
      sources: [
        {
          title: 'Configure the maximum transmission unit (MTU) for virtual machines in Azure',
          url: 'https://learn.microsoft.com/azure/virtual-network/how-to-virtual-machine-mtu',
          says: 'The default value MTU setting in Azure is 1500 bytes.',
        },
        {
          title: 'TCP/IP performance tuning for Azure VMs',
          url: 'https://learn.microsoft.com/azure/virtual-network/virtual-network-tcpip-performance-tuning',
          says: 'The Azure Virtual Network stack will attempt to fragment a packet at 1,400 bytes, but allows packets up to the VM MTU when the Don\'t Fragment bit is set.',
        },
      ],
      note: 'With DF set (ping -M do, PMTU discovery) 1500 passes; a packet over 1400 without DF is fragmented by the host, and fragments are not reliable (carriesFragments).',
    },
    carriesFragments: {
      value: false,
      sources: [
        {
          title: 'TCP/IP performance tuning for Azure VMs',
          url: 'https://learn.microsoft.com/azure/virtual-network/virtual-network-tcpip-performance-tuning',
          says: 'Virtual Network stack is set up to drop "out of order fragments," that is, fragmented packets that don\'t arrive in their original fragmented order.',
        },
      ],
      note: 'In-order fragments may pass; the twin drops fragments so that nothing relies on them.',
    },
    guestRpFilter: { value: 2, sources: UBUNTU_RP_FILTER, note: 'No Azure-specific override of Ubuntu\'s default was found: loose (2).' },
    metadataAddress: {
      value: '169.254.169.254',
      sources: [{ title: 'Azure Instance Metadata Service', url: 'https://learn.microsoft.com/azure/virtual-machines/instance-metadata-service', says: 'IMDS is a REST API available at a well-known, non-routable IP address (169.254.169.254).' }],
    },
    dnsResolvers: {
      value: { addresses: ['168.63.129.16'] },
      sources: [
        {
          title: 'What is IP address 168.63.129.16?',
          url: 'https://learn.microsoft.com/azure/virtual-network/what-is-ip-address-168-63-129-16',
          says: 'A virtual public IP address of the host; it provides DNS (the Azure-provided recursive resolver), DHCP, health probes and the VM agent\'s wire server.',
        },
      ],
      note: 'The stack sets no custom DNS servers on the VNet, so VMs use Azure-provided DNS.',
    },
    publicAddress: {
      value: { kind: 'nat', privateInterface: 'eth0', publicInterface: 'eth0', outboundSource: 'static-public-address' },
      sources: [
        {
          title: 'Network security groups',
          url: 'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
          says: 'For inbound traffic, security rules are evaluated after the public IP address is translated to the private one; for outbound, before the private address is translated.',
        },
        {
          title: 'Configure IP addresses for an Azure network interface',
          url: 'https://learn.microsoft.com/azure/virtual-network/ip-services/virtual-network-network-interface-addresses',
          says: 'Never manually assign the public IP address assigned to an Azure virtual machine within the virtual machine\'s operating system.',
        },
      ],
      note: 'The stack puts a Standard public IP on each NIC\'s ip_configuration: one-to-one, both ways.',
    },
  },

  [Cloud.DIGITALOCEAN]: {
    protocolsBetweenVms: {
      value: [ICMP, TCP, UDP],
      sources: [
        {
          title: 'Firewalls Limits',
          url: 'https://docs.digitalocean.com/products/networking/firewalls/details/limits/',
          says: 'Firewalls affect both public and VPC network traffic. Firewalls only support ICMP, TCP, and UDP.',
        },
      ],
      note: 'The stack puts every droplet behind a Cloud Firewall, whose rules can allow only these three, on the VPC interface too. Without a firewall the docs do not say; the twin keeps the three.',
    },
    protocolsToInternet: {
      value: [ICMP, TCP, UDP],
      sources: [{ title: 'Firewalls Limits', url: 'https://docs.digitalocean.com/products/networking/firewalls/details/limits/', says: 'Firewalls only support ICMP, TCP, and UDP.' }],
    },
    deliversForeignDestinations: {
      value: false,
      sources: [
        {
          title: 'Droplet Limits',
          url: 'https://docs.digitalocean.com/products/droplets/details/limits/',
          says: 'Restricted: traffic not matching a Droplet\'s IP address/MAC address (which also prevents using Droplets as routers).',
        },
      ],
    },
    sendsForeignSources: {
      value: false,
      sources: [{ title: 'Droplet Limits', url: 'https://docs.digitalocean.com/products/droplets/details/limits/', says: 'Restricted: traffic not matching a Droplet\'s IP address/MAC address.' }],
      note: 'Read as applying both ways; DigitalOcean has no setting to lift it.',
    },
    mtu: {
      value: { vpc: 1500, internet: 1500 },
      sources: [
        {
          title: 'How to Enable IPv6 on Droplets',
          url: 'https://docs.digitalocean.com/products/networking/ipv6/how-to/enable/',
          says: 'The netplan file of a droplet sets eth0 (public addresses and the anchor address) to mtu: 1500.',
        },
      ],
      docsSilent: true,
      note: 'The docs show eth0\'s MTU only; the VPC interface (eth1) is taken to be 1500 too.',
    },
    carriesFragments: {
      value: false,
      sources: [{ title: 'Firewalls Limits', url: 'https://docs.digitalocean.com/products/networking/firewalls/details/limits/', says: 'The limits of Cloud Firewalls; nothing on IP fragments.' }],
      docsSilent: true,
      note: 'Not documented: the twin drops fragments.',
    },
    guestRpFilter: { value: 2, sources: UBUNTU_RP_FILTER, docsSilent: true, note: 'DigitalOcean documents no change to the Ubuntu image\'s sysctls: Ubuntu\'s loose (2).' },
    metadataAddress: {
      value: '169.254.169.254',
      sources: [{ title: 'Droplet Metadata API', url: 'https://docs.digitalocean.com/reference/api/metadata/', says: 'Base URL http://169.254.169.254.' }],
    },
    dnsResolvers: {
      value: { addresses: ['67.207.67.2', '67.207.67.3'] },
      sources: [
        {
          title: 'How to Enable IPv6 on Droplets',
          url: 'https://docs.digitalocean.com/products/networking/ipv6/how-to/enable/',
          says: 'A droplet\'s /etc/netplan/50-cloud-init.yaml lists nameservers 67.207.67.3 and 67.207.67.2 on eth0.',
        },
        { title: 'Droplet Metadata API: DNS', url: 'https://docs.digitalocean.com/reference/api/metadata/dns/', says: 'The nameserver entries that are added to a Droplet\'s /etc/resolv.conf file during creation.' },
      ],
      note: 'Public addresses, reached over eth0 (the metadata page\'s example values are placeholders).',
    },
    publicAddress: {
      value: { kind: 'interface', privateInterface: 'eth1', publicInterface: 'eth0', outboundSource: 'droplet-public-ipv4' },
      sources: [
        {
          title: 'Private Droplets',
          url: 'https://docs.digitalocean.com/products/droplets/details/private-droplets/',
          says: 'A traditional Droplet has two network interfaces: eth0 with its public IPv4, eth1 with its private (VPC) IPv4.',
        },
        {
          title: 'How to Find Information on Droplet Anchor IPs',
          url: 'https://docs.digitalocean.com/products/networking/reserved-ips/how-to/find-anchor-ips/',
          says: 'Network traffic between a reserved IP and a Droplet flows through an anchor IP, an IP address aliased to the Droplet\'s public network interface (eth0).',
        },
        {
          title: 'Reserved IP Features',
          url: 'https://docs.digitalocean.com/products/networking/reserved-ips/details/features/',
          says: 'Assigning a reserved IP to a Droplet doesn\'t replace or change its original public IP address.',
        },
        {
          title: 'How to Send Outbound Traffic Over a Reserved IP',
          url: 'https://docs.digitalocean.com/products/networking/reserved-ips/how-to/outbound-traffic/',
          says: 'Outbound traffic uses the reserved IP only after the default route is changed to the anchor gateway.',
        },
      ],
      note: 'The stack gives each droplet a reserved IP: inbound it is translated to the anchor address on eth0; the droplet\'s own connections leave from its public IPv4 (ipv4_address) on eth0.',
    },
  },
};

/** The DNS resolvers of a VM of `cloud` in a VPC with range `vpcCidr`. */
export function dnsResolverAddresses(cloud: Cloud, vpcCidr: string): string[] {
  const dns = CLOUD_BEHAVIOUR[cloud].dnsResolvers.value;
  const vpcResolver = dns.vpcBasePlus === undefined ? [] : [formatAddress(parseCidr(vpcCidr).network + dns.vpcBasePlus)];
  return [...vpcResolver, ...dns.addresses];
}

/** Whether `cloud`'s network carries IP protocol `protocol` between VMs of the VPC. */
export function carriesBetweenVms(cloud: Cloud, protocol: number): boolean {
  const protocols = CLOUD_BEHAVIOUR[cloud].protocolsBetweenVms.value;
  return protocols === 'all' || protocols.includes(protocol);
}
