/** Bad input: a synth-time error naming the construct path, the value and the fix. */
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { TerraformStack, Testing, Token } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { Cloud } from '../../lib/core/cloud';
import { DnsService } from '../../lib/core/ingress/dns-service';
import { NodeRole } from '../../lib/core/node-role';
import { IngressStack, IngressStackOptions } from '../../lib/ingress/ingress-stack';
import { BASE_OPTIONS } from './ingress-fixture';

/** An AWS and GCP cluster with workers on both, in stack `platform`. */
function cluster(workers = true): { stack: TerraformStack; cluster: CastCluster } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'platform');
  const c = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS, Cloud.GCP] });
  c.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
  if (workers) c.addNodeGroup('w', { cloud: Cloud.GCP, role: NodeRole.WORKER });
  return { stack, cluster: c };
}

function errorOf(options: Partial<IngressStackOptions>, workers = true): string {
  const built = cluster(workers);
  try {
    new IngressStack(built.stack, 'ingress', { cluster: built.cluster, ...BASE_OPTIONS, ...options });
  } catch (error) {
    const e = error as Error;
    // No stack trace: the frames would point into the library, not at the mistake.
    expect(e.stack).toBe(`CastValidationError: ${e.message}`);
    return e.message;
  }
  throw new Error('expected an error');
}

const dns = (more: Partial<IngressStackOptions['dns']>) => ({ dns: { ...BASE_OPTIONS.dns, ...more } });

describe('IngressStack bad input', () => {
  test.each<[string, Partial<IngressStackOptions>, string]>([
    ['invalid zone name', dns({ zoneName: 'example_com' }),
      'platform/ingress: dns.zoneName must be a public domain name like example.com (got "example_com": it has the label "example_com", which is not 1-63 letters, digits or inner dashes). Use the zone\'s domain as your registrar shows it.'],
    ['invalid record name', dns({ recordName: 'in gress' }),
      'platform/ingress: dns.recordName must be a name relative to the zone, like ingress.prod (got "in gress": it has the label "in gress", which is not 1-63 letters, digits or inner dashes). Leave out the zone\'s own name.'],
    ['invalid ACME email', { acmeEmail: 'ops-at-example.com' },
      'platform/ingress: acmeEmail must be an email address like ops@example.com (got "ops-at-example.com": it has no local part and "@"). Let\'s Encrypt sends expiry notices there: use a mailbox you read.'],
    ['NodePort outside the NodePort range', { httpNodePort: 80 },
      'platform/ingress: httpNodePort must be a whole port inside the cluster\'s NodePort range 30000-32767 (got 80). Pick one in that range, or move the range with the cluster\'s firewall.nodePortRange.'],
    ['NodePorts colliding', { httpNodePort: 30443, httpsNodePort: 30443 },
      'platform/ingress: httpsNodePort must differ from httpNodePort (got 30443 for both): one NodePort serves one Service port. Use e.g. 30080 and 30443.'],
    ['DNS service on a cloud the cluster does not span, without a provider', dns({ service: DnsService.AZURE_DNS, azureResourceGroupName: 'dns' }),
      'platform/ingress: dns.provider must be given for Azure DNS when the cluster does not span Azure (got none; the cluster spans AWS, GCP). Pass dns.provider: a provider for Azure with credentials for the zone, or pick the DNS service of a cloud the cluster spans.'],
    ['Azure DNS without a resource group, the cluster not on Azure', dns({ service: DnsService.AZURE_DNS }),
      'platform/ingress: dns.provider must be given for Azure DNS when the cluster does not span Azure (got none; the cluster spans AWS, GCP). Pass dns.provider: a provider for Azure with credentials for the zone, or pick the DNS service of a cloud the cluster spans.\n'
      + 'platform/ingress: dns.azureResourceGroupName must be given for Azure DNS when the cluster does not span Azure (got none; the cluster spans AWS, GCP). Name the resource group the zone is (or is to be created) in.'],
    ['Route 53 zone id for a zone to create', dns({ zoneId: 'Z0123456789ABC', createZone: true }),
      'platform/ingress: dns.zoneId must be left out when dns.createZone is true on Route 53 (got "Z0123456789ABC"): AWS assigns a new zone its id. Remove zoneId, or use that zone by leaving createZone false.'],
    ['Route 53 zone id with its prefix', dns({ zoneId: '/hostedzone/Z0123456789ABC' }),
      'platform/ingress: dns.zoneId must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ (got "/hostedzone/Z0123456789ABC"). Copy the id without the /hostedzone/ prefix, or leave it out to look the zone up by name.'],
    ['Cloud DNS zone given by its DNS name', dns({ service: DnsService.CLOUD_DNS, zoneId: 'example.com.' }),
      'platform/ingress: dns.zoneId must be a Cloud DNS managed zone name: lowercase letters, digits and dashes, at most 63 (got "example.com."). Use the zone\'s name, not its DNS name.'],
    ['a Token where a literal must be parsed', { acmeEmail: Token.asString({ resolve: () => 'x' }) },
      'platform/ingress: acmeEmail must be a concrete value (got a Token): it is checked and rendered at synth time. Pass a literal.'],
  ])('%s', (_name, options, message) => {
    expect(errorOf(options)).toBe(message);
  });

  test('no workers at all is an error: nothing would serve the name', () => {
    expect(errorOf({}, false)).toBe(
      'platform/ingress: cluster must have worker nodes before an IngressStack is created (got none: only workers carry ingress traffic). Add a node group with role NodeRole.WORKER, then create the IngressStack.',
    );
  });

  test('every problem at once', () => {
    // The plan's problems and the DNS service's together.
    expect(errorOf({ acmeEmail: 'nobody', httpNodePort: 1, ...dns({ zoneName: 'x', service: DnsService.AZURE_DNS }) }).split('\n')).toHaveLength(5);
  });

  test('workers added after the IngressStack fail the synth, by name', () => {
    const built = cluster();
    new IngressStack(built.stack, 'ingress', { cluster: built.cluster, ...BASE_OPTIONS });
    built.cluster.addNodeGroup('late', { cloud: Cloud.AWS, role: NodeRole.WORKER });
    expect(() => Testing.synth(built.stack, true)).toThrow(
      'platform/ingress: cluster must get no worker nodes after its IngressStack is created (got prod-late-1, which no load balancer targets). Create the IngressStack after the last addNodeGroup with workers.',
    );
  });

  test('the IngressStack must live in the cluster\'s stack', () => {
    const built = cluster();
    const other = new TerraformStack(built.stack.node.scope!, 'other');
    expect(() => new IngressStack(other, 'ingress', { cluster: built.cluster, ...BASE_OPTIONS })).toThrow(
      'other/ingress: scope must be in the cluster\'s stack (got stack "other", the cluster is in "platform"). Create the IngressStack under platform: its load balancers use the cluster\'s providers.',
    );
  });

  test('a provider you pass makes a DNS service on another cloud fine; a zone id Azure ignores is a warning', () => {
    const built = cluster();
    const provider = new GoogleProvider(built.stack, 'dns-google', { alias: 'dns' });
    expect(() => new IngressStack(built.stack, 'a', { cluster: built.cluster, ...BASE_OPTIONS, dns: { service: DnsService.CLOUD_DNS, zoneName: 'example.com', provider } })).not.toThrow();
    const ingress = new IngressStack(built.stack, 'b', {
      cluster: built.cluster,
      ...BASE_OPTIONS,
      dns: { service: DnsService.DIGITALOCEAN, zoneName: 'example.com', zoneId: 'example-com', provider: new DigitaloceanProvider(built.stack, 'dns-do', { alias: 'dns' }), recordName: 'b' },
    });
    const warnings = ingress.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data);
    expect(warnings).toEqual(['platform/b: dns.zoneId is ignored by DigitalOcean domains (got "example-com"), whose zones are named by their domain. Remove it.']);
  });

  test('a cluster on a Kubernetes version the pinned Envoy Gateway does not support is a warning with the fix', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'platform');
    const old = new CastCluster(stack, 'prod', { name: 'prod', region: 'us-east', clouds: [Cloud.AWS], kubernetesVersion: '1.32.4' });
    old.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    old.addNodeGroup('w', { cloud: Cloud.AWS, role: NodeRole.WORKER });
    const ingress = new IngressStack(stack, 'ingress', { cluster: old, ...BASE_OPTIONS });
    expect(ingress.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => m.data)).toEqual([
      'platform/ingress: cluster.kubernetesVersion 1.32.4 is outside what Envoy Gateway v1.9.0 supports (Kubernetes 1.33 to 1.36). Upgrade the cluster to 1.33 or later (docs/upgrades.md), or pin versions.envoyGateway to a release that supports it.',
    ]);
    expect(cluster().cluster.kubernetesVersion).toBe('1.34.2');
  });

  test('TLS names must be concrete', () => {
    expect(errorOf({ tlsHostnames: [Token.asString({ Ref: 'x' })] })).toMatch(/tlsHostnames\[0\] must be a concrete value \(got a Token\)/);
  });
});
