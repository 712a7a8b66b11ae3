/**
 * The contract with CastCluster: what examples/multi-cloud really
 * synthesizes, "applied" (simulate-apply.ts), is in sync; and drift in that
 * state is found where it was made: each attachment of a node to its network
 * broken once. (Every resource type dropped once is proven on the state
 * terraform wrote: test/terraform/drift/applied-examples.test.ts.)
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'cdktf';
import { buildApp } from '../../examples/multi-cloud/app';
import { checkDrift } from '../../lib/drift/drift-check';
import { renderReport, ReportFormat } from '../../lib/drift/report/render-report';
import { exitCodeOf } from '../../lib/drift/report/report-summary';
import { simulateApply } from './simulate-apply';

type Json = Record<string, any>;

describe('a synthesized CastCluster stack', () => {
  let dir: string;
  let desiredFile: string;
  let stack: Json;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-cast-cluster-'));
    const app = new App({ outdir: dir });
    // cdktf warns about the node bootstrap templates (not this module's business); keep the test output readable.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      buildApp(app);
      app.synth();
    } finally {
      warn.mockRestore();
    }
    desiredFile = path.join(dir, 'stacks', 'multi-cloud', 'cdk.tf.json');
    stack = JSON.parse(fs.readFileSync(desiredFile, 'utf8')) as Json;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const check = async (state: Json) => {
    const file = path.join(dir, `state-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(file, JSON.stringify(state, null, 2));
    return checkDrift({ desired: [desiredFile], states: [file] });
  };

  test('applied as synthesized: in sync, and the description was found', async () => {
    const report = await check(simulateApply(stack));
    expect(report.findings).toEqual([]);
    expect(report.cluster).toEqual({ uuid: JSON.parse(stack.output.cast_cluster_prod.value).uuid, name: 'prod' });
  });

  test('a node removed from the state and a rule added to a firewall are found', async () => {
    const state = simulateApply(stack) as Json;
    const nodes = state.resources.filter((r: Json) => r.type === 'google_compute_instance');
    const removed = `${nodes[0].type}.${nodes[0].name}`;
    state.resources = state.resources.filter((r: Json) => r !== nodes[0]);
    const firewall = state.resources.find((r: Json) => r.type === 'google_compute_firewall');
    firewall.instances[0].attributes.allow = [...firewall.instances[0].attributes.allow, { protocol: 'tcp', ports: ['8080'] }];
    const report = await check(state);
    expect(report.findings.map((f) => [f.rule, f.address])).toEqual([
      ['network/firewall', `google_compute_firewall.${firewall.name}`],
      ['missing-nodes/absent-from-state', removed],
    ]);
  });

  describe('attachments broken once each', () => {
    const named = (state: Json, type: string, part: string): Json => {
      const found = state.resources.find((r: Json) => r.type === type && r.name.includes(part));
      if (!found) throw new Error(`no ${type} named like ${part}`);
      return found.instances[0].attributes;
    };
    const addressOf = (type: string, part: string) => `${type}.${Object.keys(stack.resource[type]).find((name) => name.includes(part))}`;
    const findingsAfter = async (change: (state: Json) => void) => {
      const state = simulateApply(stack) as Json;
      change(state);
      const report = await check(state);
      return { code: exitCodeOf(report), found: report.findings.map((f) => [f.rule, f.severity, f.address]), findings: report.findings };
    };

    test.each([
      ['an AWS control plane moved into the workers\' security group', 'aws_instance', 'aws-cp-1', 'attachments/firewall', (s: Json) => {
        named(s, 'aws_instance', 'aws-cp-1').vpc_security_group_ids = [named(s, 'aws_security_group', 'worker').id];
      }],
      ['an AWS node in another subnet', 'aws_instance', 'aws-workers-1', 'attachments/subnet', (s: Json) => {
        named(s, 'aws_instance', 'aws-workers-1').subnet_id = 'subnet-0other';
      }],
      ['the AWS default route through another gateway', 'aws_route', 'DefaultRoute', 'attachments/route', (s: Json) => {
        named(s, 'aws_route', 'DefaultRoute').gateway_id = 'nat-0123456789abcdef0';
      }],
      ['the AWS route table associated with another subnet', 'aws_route_table_association', 'RouteTableAssociation', 'attachments/route', (s: Json) => {
        named(s, 'aws_route_table_association', 'RouteTableAssociation').subnet_id = 'subnet-0other';
      }],
      ['an AWS elastic IP moved to another instance', 'aws_eip_association', 'aws-workers-1-ip', 'attachments/address', (s: Json) => {
        named(s, 'aws_eip_association', 'aws-workers-1-ip').instance_id = named(s, 'aws_instance', 'aws-workers-2').id;
      }],
      ['a GCP node without its network tags', 'google_compute_instance', 'gcp-workers-1', 'attachments/firewall', (s: Json) => {
        named(s, 'google_compute_instance', 'gcp-workers-1').tags = [];
      }],
      ['a GCP node in another subnet', 'google_compute_instance', 'gcp-cp-1', 'attachments/subnet', (s: Json) => {
        named(s, 'google_compute_instance', 'gcp-cp-1').network_interface[0].subnetwork = 'https://www.googleapis.com/compute/v1/projects/sim/regions/us-east1/subnetworks/other';
      }],
      ['an Azure network interface attached to the workers\' security group', 'azurerm_network_interface_security_group_association', 'azure-cp-1', 'attachments/firewall', (s: Json) => {
        named(s, 'azurerm_network_interface_security_group_association', 'azure-cp-1').network_security_group_id = named(s, 'azurerm_network_security_group', 'worker').id;
      }],
      ['an Azure network interface in another subnet', 'azurerm_network_interface', 'azure-workers-1', 'attachments/subnet', (s: Json) => {
        named(s, 'azurerm_network_interface', 'azure-workers-1').ip_configuration[0].subnet_id = '/subscriptions/0/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/v/subnets/s';
      }],
      ['a DigitalOcean firewall with its tags emptied', 'digitalocean_firewall', 'Firewall-worker', 'attachments/firewall', (s: Json) => {
        named(s, 'digitalocean_firewall', 'Firewall-worker').tags = [];
      }],
      ['a DigitalOcean droplet without its firewall\'s tag', 'digitalocean_droplet', 'do-workers-2', 'attachments/firewall', (s: Json) => {
        const droplet = named(s, 'digitalocean_droplet', 'do-workers-2');
        droplet.tags = droplet.tags.filter((tag: string) => tag !== 'prod-worker');
      }],
      ['a DigitalOcean droplet in another VPC', 'digitalocean_droplet', 'do-workers-1', 'attachments/subnet', (s: Json) => {
        named(s, 'digitalocean_droplet', 'do-workers-1').vpc_uuid = '0a1b2c3d-other';
      }],
    ])('%s: exit 2, one error on that resource', async (_name, type, part, rule, change) => {
      const { code, found } = await findingsAfter(change);
      expect({ code, found }).toEqual({ code: 2, found: [[rule, 'error', addressOf(type, part)]] });
    });

    test('another size is a warning; another image, which the stack keeps in ignore_changes, a note', async () => {
      const { code, found, findings } = await findingsAfter((s) => {
        named(s, 'aws_instance', 'aws-workers-2').instance_type = 't3.small';
        named(s, 'azurerm_linux_virtual_machine', 'azure-workers-1').size = 'Standard_B2s';
        named(s, 'digitalocean_droplet', 'do-workers-2').image = 'ubuntu-22-04-x64';
        // What the pin says the image is: the droplet above runs another.
        named(s, 'terraform_data', 'os-image-digitalocean').output = { image: 'ubuntu-24-04-x64' };
      });
      expect({ code, found }).toEqual({
        code: 2,
        found: [
          ['attachments/size', 'warning', addressOf('aws_instance', 'aws-workers-2')],
          ['attachments/size', 'warning', addressOf('azurerm_linux_virtual_machine', 'azure-workers-1')],
          ['attachments/image', 'note', addressOf('digitalocean_droplet', 'do-workers-1')],
          ['attachments/image', 'note', addressOf('digitalocean_droplet', 'do-workers-2')],
        ],
      });
      expect(findings[0].differences).toEqual([{ path: 'instance_type', desired: stack.resource.aws_instance[addressOf('aws_instance', 'aws-workers-2').split('.')[1]].instance_type, actual: 't3.small' }]);
      expect(findings[2].remediation).toMatch(/replacements/);
    });

    test('nothing cosmetic: full GCP links, Azure ids in other case, security groups in another order', async () => {
      const { found } = await findingsAfter((s) => {
        const gcp = named(s, 'google_compute_instance', 'gcp-cp-1');
        gcp.machine_type = `https://www.googleapis.com/compute/v1/projects/sim/zones/us-east1-b/machineTypes/${gcp.machine_type}`;
        gcp.network_interface[0].subnetwork = `https://www.googleapis.com/compute/v1/${gcp.network_interface[0].subnetwork}`;
        gcp.tags = [...gcp.tags].reverse();
        const association = named(s, 'azurerm_network_interface_security_group_association', 'azure-cp-1');
        association.network_security_group_id = association.network_security_group_id.toUpperCase();
        const aws = named(s, 'aws_instance', 'aws-cp-1');
        aws.vpc_security_group_ids = [...aws.vpc_security_group_ids].reverse();
      });
      expect(found).toEqual([]);
    });

    test('the security groups are named by their addresses in the difference', async () => {
      const { findings } = await findingsAfter((s) => {
        named(s, 'aws_instance', 'aws-cp-1').vpc_security_group_ids = [named(s, 'aws_security_group', 'worker').id];
      });
      expect(findings[0].differences[0].actual).toEqual([expect.stringContaining(`(${addressOf('aws_security_group', 'SecurityGroup-worker')})`)]);
      expect(findings[0].message).toMatch(/^node prod-aws-cp-1 of cluster prod \(aws_instance\.[^)]+\) has security groups other than configured/);
    });
  });

  test('with every attribute marked sensitive, drift is still found and no value of it is printed, in any format', async () => {
    const state = simulateApply(stack) as Json;
    for (const resource of state.resources) {
      for (const instance of resource.instances) instance.sensitive_attributes = Object.keys(instance.attributes).filter((key) => key !== 'id').map((key) => [{ type: 'get_attr', value: key }]);
    }
    const attributes = (type: string, part: string) => state.resources.find((r: Json) => r.type === type && r.name.includes(part)).instances[0].attributes;
    attributes('aws_instance', 'aws-cp-1').vpc_security_group_ids = ['sg-0leakedleaked01'];
    attributes('aws_instance', 'aws-workers-1').instance_type = 'leaked.metal';
    attributes('google_compute_instance', 'gcp-workers-1').tags = ['leaked-tag'];
    attributes('google_compute_subnetwork', 'Subnet').ip_cidr_range = '10.123.45.0/24';
    const firewall = attributes('google_compute_firewall', 'wireguard');
    firewall.source_ranges = ['198.51.100.99/32'];
    const report = await check(state);
    expect(report.findings.map((f) => f.rule).sort()).toEqual(['attachments/firewall', 'attachments/firewall', 'attachments/size', 'network/firewall', 'network/range']);
    const printed = report.findings.flatMap((f) => f.differences.flatMap((d) => [d.desired, d.actual])).filter((value) => value !== null && value !== '(sensitive)');
    expect(printed).toEqual([]);
    for (const format of Object.values(ReportFormat)) {
      const text = renderReport(report, format, { cwd: dir });
      for (const leaked of ['sg-0leakedleaked01', 'leaked.metal', 'leaked-tag', '10.123.45', '198.51.100.99']) expect({ format, leaked, printed: text.includes(leaked) }).toEqual({ format, leaked, printed: false });
    }
  });
});

