import * as fs from 'fs';
import * as path from 'path';
import { App, TerraformStack, Testing } from 'cdktf';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Vpc } from '@cdktf/provider-aws/lib/vpc';
import {
  ConformanceProblem, ProviderSchemas, VENDORED_SCHEMAS_DIR, checkStackConformance, formatProblems, loadVendoredSchemas,
} from './schema-conformance';

const schemas = loadVendoredSchemas();

/** A one-VPC AWS stack plus `resources`; the VPC is `aws_vpc.main`. */
function stackWith(resources: Record<string, Record<string, object>>, rest: object = {}): object {
  return {
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: { aws_vpc: { main: { cidr_block: '10.0.0.0/16' } }, ...resources },
    terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } } },
    ...rest,
  };
}

const validStack = {
  '//': { metadata: { version: '0.21.0', stackName: 'valid' } },
  provider: {
    aws: [{ region: 'eu-west-1' }, { alias: 'west2', region: 'eu-west-2' }],
    azurerm: [{ features: [{}], subscription_id: '${var.subscription}' }],
    digitalocean: [{ token: '${var.do_token}' }],
  },
  variable: { subscription: { type: 'string' }, do_token: { type: 'string', sensitive: true } },
  locals: { name: 'cast', zones: ['a', 'b'] },
  data: {
    aws_ami: { flatcar: { most_recent: true, owners: ['075585003325'], filter: [{ name: 'name', values: ['Flatcar-stable-*'] }] } },
    terraform_remote_state: { 'cross-stack-reference-input-net': { backend: 'local', config: { path: '../net/terraform.tfstate' } } },
  },
  resource: {
    aws_vpc: { main: { '//': { metadata: { path: 'valid/main' } }, cidr_block: '10.0.0.0/16', enable_dns_hostnames: true, tags: { Name: 'cast' } } },
    aws_subnet: {
      public: {
        count: 2,
        vpc_id: '${aws_vpc.main.id}',
        cidr_block: '${cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)}',
        availability_zone: '${local.zones[count.index]}',
        timeouts: { create: '5m' },
      },
    },
    aws_security_group: {
      nodes: {
        vpc_id: '${aws_vpc.main.id}',
        description: 'Cast nodes',
        ingress: [{ cidr_blocks: ['10.0.0.0/8'], description: null, from_port: 51820, ipv6_cidr_blocks: null, prefix_list_ids: null, protocol: 'udp', security_groups: null, self: null, to_port: '${var.port}' }],
        lifecycle: { create_before_destroy: true, ignore_changes: ['tags'] },
      },
    },
    aws_instance: {
      node: {
        provider: 'aws.west2',
        for_each: '${toset(local.zones)}',
        ami: '${data.aws_ami.flatcar.id}',
        instance_type: 't3.small',
        subnet_id: '${element(aws_subnet.public[*].id, 0)}',
        vpc_security_group_ids: ['${aws_security_group.nodes.id}'],
        root_block_device: { volume_size: 20, volume_type: 'gp3' },
        dynamic: { ebs_block_device: { for_each: '${local.zones}', iterator: 'zone', content: { device_name: '/dev/sd${zone.key}', volume_size: 10 } } },
        depends_on: ['aws_subnet.public', 'data.aws_ami.flatcar'],
        tags: { Net: '${data.terraform_remote_state.cross-stack-reference-input-net.outputs.id}' },
      },
    },
    aws_lb_listener: {
      api: {
        load_balancer_arn: 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/net/x/1',
        port: '6443',
        default_action: [{ type: 'forward', forward: { target_group: [{ arn: 'arn:tg' }] } }],
      },
    },
    helm_release: { cilium: { name: 'cilium', chart: 'cilium', set: [{ name: 'ipam.mode', value: 'kubernetes' }] } },
    random_id: { token: { byte_length: 8 } },
  },
  output: {
    wireguard_port: { value: '${tolist(aws_security_group.nodes.ingress).0.from_port}' },
    node_ips: { value: '${[for n in aws_instance.node : n.private_ip]}' },
  },
  terraform: { required_providers: { aws: { source: 'aws', version: '6.25.0' } }, backend: { local: { path: 'x.tfstate' } } },
};

describe('checkStackConformance', () => {
  test('a valid stack has no problem', () => {
    expect(formatProblems(checkStackConformance(validStack, schemas))).toBe('');
  });

  test.each<[string, object, ConformanceProblem[]]>([
    ['unknown resource type', stackWith({ aws_vpcc: { x: {} } }), [
      { address: 'aws_vpcc.x', path: '', message: 'resource type "aws_vpcc" is not in the vendored aws 6.25.0 schema (did you mean "aws_vpc"?). If it is a real aws resource, add aws_vpcc to test/fixtures/provider-schemas/extra-types.txt and run npm run vendor-schemas' },
    ]],
    ['unknown data source type', stackWith({}, { data: { aws_amis: { x: {} } } }), [
      { address: 'data.aws_amis.x', path: '', message: 'data source type "aws_amis" is not in the vendored aws 6.25.0 schema (did you mean "aws_ami"?). If it is a real aws data source, add data.aws_amis to test/fixtures/provider-schemas/extra-types.txt and run npm run vendor-schemas' },
    ]],
    ['type of a provider with no vendored schema', stackWith({ null_resource: { x: {} } }), [
      { address: 'null_resource.x', path: '', message: 'no vendored provider schema covers resource type "null_resource" (vendored: aws, azurerm, digitalocean, google, helm, kubernetes, random, terraform, tls); vendor its provider\'s schema with scripts/vendor-schemas.js or use a type from a vendored provider' },
    ]],
    ['unknown argument', stackWith({ aws_vpc: { main: { cidr: '10.0.0.0/16' } } }), [
      { address: 'aws_vpc.main', path: 'cidr', message: 'unknown argument "cidr" in aws_vpc (did you mean "cidr_block"?)' },
    ]],
    ['unknown argument in a nested block', stackWith({ aws_instance: { n: { root_block_device: [{ volume_sise: 20 }] } } }), [
      { address: 'aws_instance.n', path: 'root_block_device[0].volume_sise', message: 'unknown argument "volume_sise" in aws_instance block "root_block_device" (did you mean "volume_size"?)' },
    ]],
    ['read-only attribute', stackWith({ aws_vpc: { main: { cidr_block: '10.0.0.0/16', arn: 'arn:aws:ec2:x' } } }), [
      { address: 'aws_vpc.main', path: 'arn', message: '"arn" is read-only in aws_vpc (the provider computes it); remove it and read it from the resource instead' },
    ]],
    ['read-only nested attribute', stackWith({ helm_release: { c: { name: 'c', chart: 'c', metadata: { revision: 1 } } } }), [
      { address: 'helm_release.c', path: 'metadata', message: '"metadata" is read-only in helm_release (the provider computes it); remove it and read it from the resource instead' },
    ]],
    ['missing required argument', stackWith({ aws_subnet: { a: { cidr_block: '10.0.1.0/24' } } }), [
      { address: 'aws_subnet.a', path: 'vpc_id', message: 'missing required argument "vpc_id" in aws_subnet' },
    ]],
    ['required argument set to null', stackWith({ aws_subnet: { a: { vpc_id: null } } }), [
      { address: 'aws_subnet.a', path: 'vpc_id', message: 'missing required argument "vpc_id" in aws_subnet' },
    ]],
    ['missing required argument in a nested attribute', stackWith({ helm_release: { c: { name: 'c', chart: 'c', set: [{ value: 'x' }] } } }), [
      { address: 'helm_release.c', path: 'set[0].name', message: 'missing required argument "name" in helm_release attribute "set"' },
    ]],
    ['missing required block', stackWith({ aws_lb_listener: { l: { load_balancer_arn: 'arn:lb' } } }), [
      { address: 'aws_lb_listener.l', path: 'default_action', message: 'missing required block "default_action" in aws_lb_listener (needs at least 1)' },
    ]],
    ['too many blocks (list, max_items 1)', stackWith({ aws_instance: { n: { root_block_device: [{ volume_size: 10 }, { volume_size: 20 }] } } }), [
      { address: 'aws_instance.n', path: 'root_block_device', message: 'too many "root_block_device" blocks in aws_instance: at most 1 allowed (got 2)' },
    ]],
    ['too many blocks (single)', stackWith({ aws_subnet: { a: { vpc_id: 'vpc-1', timeouts: [{ create: '1m' }, { create: '2m' }] } } }), [
      { address: 'aws_subnet.a', path: 'timeouts', message: 'too many "timeouts" blocks in aws_subnet: at most 1 allowed (got 2)' },
    ]],
    ['too many blocks (set, max_items 5)', stackWith({ aws_lb_listener: { l: { load_balancer_arn: 'arn:lb', default_action: { type: 'forward', forward: { target_group: ['1', '2', '3', '4', '5', '6'].map((arn) => ({ arn })) } } } } }), [
      { address: 'aws_lb_listener.l', path: 'default_action.forward.target_group', message: 'too many "target_group" blocks in aws_lb_listener block "default_action" block "forward": at most 5 allowed (got 6)' },
    ]],
    ['too few blocks (set, min_items 1)', stackWith({ aws_lb_listener: { l: { load_balancer_arn: 'arn:lb', default_action: [{ type: 'forward', forward: [{ target_group: [] }] }] } } }), [
      { address: 'aws_lb_listener.l', path: 'default_action[0].forward[0].target_group', message: 'too few "target_group" blocks in aws_lb_listener block "default_action" block "forward": at least 1 needed (got 0)' },
    ]],
    ['a block written as an expression', stackWith({ aws_instance: { n: { root_block_device: '${var.disk}' } } }), [
      { address: 'aws_instance.n', path: 'root_block_device', message: '"root_block_device" is a block of aws_instance: write it as an object or a list of objects (got string "${var.disk}"); to build blocks from an expression use a dynamic block' },
    ]],
    ['dynamic block naming no block', stackWith({ aws_instance: { n: { dynamic: { ebs_block: { for_each: '${var.d}', content: {} } } } } }), [
      { address: 'aws_instance.n', path: 'dynamic.ebs_block', message: 'dynamic "ebs_block" names no block of aws_instance (did you mean "ebs_block_device"?)' },
    ]],
    ['number given a word', stackWith({ aws_vpc_security_group_ingress_rule: { r: { security_group_id: 'sg-1', ip_protocol: 'udp', from_port: 'eighty' } } }), [
      { address: 'aws_vpc_security_group_ingress_rule.r', path: 'from_port', message: 'from_port must be of type number (got string "eighty")' },
    ]],
    ['bool given a word', stackWith({ aws_vpc: { main: { enable_dns_hostnames: 'yes' } } }), [
      { address: 'aws_vpc.main', path: 'enable_dns_hostnames', message: 'enable_dns_hostnames must be of type bool (got string "yes")' },
    ]],
    ['string given an object', stackWith({ aws_vpc: { main: { cidr_block: { ip: '10.0.0.0', bits: 16 } } } }), [
      { address: 'aws_vpc.main', path: 'cidr_block', message: 'cidr_block must be of type string (got an object)' },
    ]],
    ['set given a plain string', stackWith({ aws_instance: { n: { vpc_security_group_ids: 'sg-1' } } }), [
      { address: 'aws_instance.n', path: 'vpc_security_group_ids', message: 'vpc_security_group_ids must be of type set(string) (got string "sg-1")' },
    ]],
    ['list element of the wrong type', stackWith({ aws_security_group: { s: { ingress: [{ from_port: 1, to_port: 2, protocol: 'tcp', cidr_blocks: [['10.0.0.0/8']] }] } } }), [
      { address: 'aws_security_group.s', path: 'ingress[0].cidr_blocks[0]', message: 'ingress[0].cidr_blocks[0] must be of type string (got a list of 1)' },
    ]],
    ['map given a list', stackWith({ aws_vpc: { main: { tags: ['Name=cast'] } } }), [
      { address: 'aws_vpc.main', path: 'tags', message: 'tags must be of type map(string) (got a list of 1)' },
    ]],
    ['object attribute of the wrong type', stackWith({ aws_security_group: { s: { ingress: [{ from_port: 'ssh', to_port: 22, protocol: 'tcp' }] } } }), [
      { address: 'aws_security_group.s', path: 'ingress[0].from_port', message: 'ingress[0].from_port must be of type number (got string "ssh")' },
    ]],
    ['unknown attribute in an object', stackWith({ aws_security_group: { s: { ingress: [{ port: 22, protocol: 'tcp' }] } } }), [
      { address: 'aws_security_group.s', path: 'ingress[0].port', message: 'unknown attribute "port" in ingress[0], of type object({cidr_blocks, from_port, ipv6_cidr_blocks, prefix_list_ids, protocol, security_groups, self, to_port})' },
    ]],
    ['nested attribute given an object instead of a list', stackWith({ helm_release: { c: { name: 'c', chart: 'c', set: { name: 'a', value: 'b' } } } }), [
      { address: 'helm_release.c', path: 'set', message: 'set must be a list of objects (got an object)' },
    ]],
    ['reference to an undeclared resource', stackWith({ aws_subnet: { a: { vpc_id: '${aws_vpc.primary.id}' } } }), [
      { address: 'aws_subnet.a', path: 'vpc_id', message: 'reference aws_vpc.primary.id: this stack declares no aws_vpc.primary (declared aws_vpc: main)' },
    ]],
    ['reference to an undeclared type', stackWith({ aws_subnet: { a: { vpc_id: 'vpc-1', tags: { Gw: '${aws_internet_gateway.gw.id}' } } } }), [
      { address: 'aws_subnet.a', path: 'tags.Gw', message: 'reference aws_internet_gateway.gw.id: this stack declares no aws_internet_gateway.gw' },
    ]],
    ['reference to an undeclared data source', stackWith({ aws_instance: { n: { ami: '${data.aws_ami.ubuntu.id}' } } }), [
      { address: 'aws_instance.n', path: 'ami', message: 'reference data.aws_ami.ubuntu.id: this stack declares no data.aws_ami.ubuntu' },
    ]],
    ['reference to an unknown attribute', stackWith({ aws_subnet: { a: { vpc_id: 'vpc-1', cidr_block: '${cidrsubnet(aws_vpc.main.cidr, 8, 1)}' } } }), [
      { address: 'aws_subnet.a', path: 'cidr_block', message: 'reference aws_vpc.main.cidr: aws_vpc has no attribute "cidr" (did you mean "cidr_block"?)' },
    ]],
    ['reference to an unknown attribute after an index', stackWith({ aws_subnet: { a: { count: 2, vpc_id: 'vpc-1' } } }, { output: { ids: { value: '${aws_subnet.a[0].subnet_id}' } } }), [
      { address: 'output.ids', path: 'value', message: 'reference aws_subnet.a[0].subnet_id: aws_subnet has no attribute "subnet_id"' },
    ]],
    ['depends_on an undeclared resource', stackWith({ aws_subnet: { a: { vpc_id: 'vpc-1', depends_on: ['aws_internet_gateway.gw'] } } }), [
      { address: 'aws_subnet.a', path: 'depends_on[0]', message: 'depends_on entry "aws_internet_gateway.gw": this stack declares no aws_internet_gateway.gw' },
    ]],
    ['provider alias that is not configured', stackWith({ aws_subnet: { a: { vpc_id: 'vpc-1', provider: 'aws.west2' } } }), [
      { address: 'aws_subnet.a', path: 'provider', message: 'provider "aws.west2" is not configured in this stack (configured: aws); add a provider block with alias "west2"' },
    ]],
    ['unknown argument in a provider block', stackWith({}, { provider: { digitalocean: [{ tokn: 'x' }] } }), [
      { address: 'provider.digitalocean', path: 'tokn', message: 'unknown argument "tokn" in provider digitalocean (did you mean "token"?)' },
    ]],
  ])('%s', (_name, stack, expected) => {
    expect(checkStackConformance(stack, schemas)).toEqual(expected);
  });

  test('map and group nesting, which the vendored providers do not use', () => {
    const block = { attributes: { size: { type: 'number', optional: true } } };
    const synthetic: ProviderSchemas = {
      'example.com/x/demo': {
        resource_schemas: {
          demo_thing: { block: { block_types: { disk: { nesting_mode: 'map', block }, opts: { nesting_mode: 'group', block } } } },
        },
      },
    };
    const stack = { resource: { demo_thing: { t: { disk: { root: { size: 1 }, data: { size: 'big' } }, opts: [{ size: 1 }, { size: 2 }] } } } };
    expect(checkStackConformance(stack, synthetic)).toEqual([
      { address: 'demo_thing.t', path: 'disk["data"].size', message: 'disk["data"].size must be of type number (got string "big")' },
      { address: 'demo_thing.t', path: 'opts', message: 'too many "opts" blocks in demo_thing: at most 1 allowed (got 2)' },
    ]);
  });

  test('finds an unknown argument, a read-only attribute and a dangling reference in a stack built with cdktf', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app as App, 'broken');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const vpc = new Vpc(stack, 'vpc', { cidrBlock: '10.0.0.0/16' });
    vpc.addOverride('enable_dns_hostname', true);
    vpc.addOverride('owner_id', '123456789012');
    new Instance(stack, 'node', { ami: 'ami-1', instanceType: 't3.small', subnetId: '${aws_subnet.missing.id}' });

    const problems = checkStackConformance(JSON.parse(Testing.synth(stack)), schemas);

    expect(problems).toEqual([
      { address: 'aws_instance.node', path: 'subnet_id', message: 'reference aws_subnet.missing.id: this stack declares no aws_subnet.missing' },
      { address: 'aws_vpc.vpc', path: 'enable_dns_hostname', message: 'unknown argument "enable_dns_hostname" in aws_vpc (did you mean "enable_dns_hostnames"?)' },
      { address: 'aws_vpc.vpc', path: 'owner_id', message: '"owner_id" is read-only in aws_vpc (the provider computes it); remove it and read it from the resource instead' },
    ]);
  });
});

describe('vendored provider schemas', () => {
  const extraTypes = fs.readFileSync(path.join(VENDORED_SCHEMAS_DIR, 'extra-types.txt'), 'utf8')
    .split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));

  test.each(['aws', 'google', 'azurerm', 'digitalocean', 'random', 'tls', 'helm', 'kubernetes'])('%s.json is in the repository', (name) => {
    expect(fs.existsSync(path.join(VENDORED_SCHEMAS_DIR, `${name}.json`))).toBe(true);
  });

  test('hold every type listed in extra-types.txt', () => {
    const vendored = new Set(Object.values(schemas).flatMap((provider) => [
      ...Object.keys(provider.resource_schemas ?? {}),
      ...Object.keys(provider.data_source_schemas ?? {}).map((type) => `data.${type}`),
    ]));
    expect(extraTypes.length).toBeGreaterThan(90);
    expect(extraTypes.filter((type) => !vendored.has(type))).toEqual([]);
  });

  test('are left as scripts/vendor-schemas.js writes them (sorted keys, 2-space indent)', () => {
    const sortKeys = (value: unknown): unknown => (Array.isArray(value) ? value.map(sortKeys)
      : value !== null && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]))
        : value);
    const edited = fs.readdirSync(VENDORED_SCHEMAS_DIR).filter((file) => file.endsWith('.json')).filter((file) => {
      const text = fs.readFileSync(path.join(VENDORED_SCHEMAS_DIR, file), 'utf8');
      return text !== `${JSON.stringify(sortKeys(JSON.parse(text)), null, 2)}\n`;
    });
    expect(edited).toEqual([]);
  });

  test('record their provider version', () => {
    expect(Object.entries(schemas).filter(([, provider]) => !provider.version).map(([address]) => address)).toEqual([]);
  });
});
