import { buildReferenceGraph, findCycles, formatCycle } from './terraform-graph';

type Config = Parameters<typeof buildReferenceGraph>[0];

/** Each cycle as `a → b → a`. */
const rings = (config: Config) => findCycles(buildReferenceGraph(config)).map((c) => [...c.vertices, c.vertices[0]].join(' → '));

describe('buildReferenceGraph', () => {
  test('vertices: resources, data sources, locals, outputs, variables, modules, providers', () => {
    const graph = buildReferenceGraph({
      provider: { aws: [{ region: 'us-east-1' }, { alias: 'west', region: 'us-west-2' }] },
      variable: { name: { type: 'string' } },
      data: { aws_ami: { ubuntu: { most_recent: true } } },
      resource: { aws_instance: { n1: { ami: '${data.aws_ami.ubuntu.id}' } } },
      locals: { tag: '${var.name}' },
      output: { ip: { value: '${aws_instance.n1.private_ip}' } },
      module: { vpc: { source: './vpc', providers: { aws: 'aws.west' } } },
    });
    expect(graph.vertices).toEqual(['aws_instance.n1', 'data.aws_ami.ubuntu', 'local.tag', 'module.vpc', 'output.ip', 'provider.aws', 'provider.aws.west', 'var.name']);
    expect(graph.edges.map((e) => `${e.from} -> ${e.to} (${e.text} at ${e.at})`)).toEqual([
      'aws_instance.n1 -> data.aws_ami.ubuntu (data.aws_ami.ubuntu.id at ami)',
      'aws_instance.n1 -> provider.aws ((default provider) at provider)',
      'data.aws_ami.ubuntu -> provider.aws ((default provider) at provider)',
      'local.tag -> var.name (var.name at )',
      'output.ip -> aws_instance.n1 (aws_instance.n1.private_ip at value)',
      'module.vpc -> provider.aws.west (aws.west at providers.aws)',
    ]);
  });

  test('edges from depends_on and replace_triggered_by (bare addresses), and from a named provider', () => {
    const graph = buildReferenceGraph({
      provider: { aws: [{ alias: 'a' }] },
      resource: {
        aws_s3_bucket: { b: {} },
        aws_instance: { n: { provider: 'aws.a', depends_on: ['aws_s3_bucket.b'], lifecycle: { replace_triggered_by: ['aws_s3_bucket.b.id'], ignore_changes: ['tags'] } } },
      },
    });
    expect(graph.edges.filter((e) => e.from === 'aws_instance.n').map((e) => `${e.to} at ${e.at}`)).toEqual([
      'aws_s3_bucket.b at depends_on',
      'aws_s3_bucket.b at lifecycle.replace_triggered_by',
      'provider.aws.a at provider',
    ]);
  });

  test('for iterators, each, count, self and undeclared names are no edges', () => {
    const graph = buildReferenceGraph({
      resource: {
        aws_subnet: { a: { count: 2, cidr_block: '${cidrsubnet("10.0.0.0/16", 8, count.index)}' } },
        aws_route_table: { r: { for_each: '${{ for s in aws_subnet.a : s.id => s }}', tags: { name: '${each.key}-${self.id}-${aws_vpc.missing.id}' } } },
      },
    });
    expect(graph.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual(['aws_route_table.r -> aws_subnet.a']);
  });
});

describe('findCycles', () => {
  test('no cycle: an acyclic stack', () => {
    expect(
      rings({
        resource: { aws_eip: { ip: {} }, aws_instance: { n: { user_data: '${local.ud}' } } },
        locals: { ud: 'endpoint=${aws_eip.ip.public_ip}' },
      }),
    ).toEqual([]);
  });

  test("a node's user-data reading its own VM: instance → local → instance, named with where each reference is", () => {
    const cycles = findCycles(
      buildReferenceGraph({
        resource: { aws_instance: { n: { user_data_base64: '${base64gzip(local.n-user-data)}' } } },
        locals: { 'n-user-data': "CAST_MESH_ADDRESS='${aws_instance.n.private_ip}'" },
      }),
    );
    expect(cycles.map(formatCycle)).toEqual([
      [
        'cycle: aws_instance.n → local.n-user-data → aws_instance.n',
        '  aws_instance.n reads local.n-user-data (at user_data_base64)',
        '  local.n-user-data reads aws_instance.n.private_ip (at its value)',
      ].join('\n'),
    ]);
  });

  test.each<[string, Config, string[]]>([
    ['a resource reading itself', { resource: { aws_instance: { n: { tags: { id: '${aws_instance.n.id}' } } } } }, ['aws_instance.n → aws_instance.n']],
    ['depends_on both ways', { resource: { aws_s3_bucket: { a: { depends_on: ['aws_s3_bucket.b'] }, b: { depends_on: ['${aws_s3_bucket.a}'] } } } }, ['aws_s3_bucket.a → aws_s3_bucket.b → aws_s3_bucket.a']],
    [
      'a provider configured from a resource it manages',
      { provider: { aws: [{ alias: 'x', region: '${aws_ssm_parameter.region.value}' }] }, resource: { aws_ssm_parameter: { region: { provider: 'aws.x', name: 'r' } } } },
      ['aws_ssm_parameter.region → provider.aws.x → aws_ssm_parameter.region'],
    ],
    [
      'a data source and a local',
      { data: { aws_ami: { a: { name_regex: '${local.pattern}' } } }, locals: { pattern: '${data.aws_ami.a.name}' } },
      ['data.aws_ami.a → local.pattern → data.aws_ami.a'],
    ],
    [
      'two separate cycles, in code-point order',
      {
        resource: { b_thing: { x: { v: '${local.bx}' } }, a_thing: { y: { v: '${local.ay}' } } },
        locals: { bx: '${b_thing.x.id}', ay: '${a_thing.y.id}' },
      },
      ['a_thing.y → local.ay → a_thing.y', 'b_thing.x → local.bx → b_thing.x'],
    ],
  ])('%s', (_what, config, expected) => {
    expect(rings(config)).toEqual(expected);
  });

  test('a larger tangle: the shortest cycle through its first vertex, and every vertex of it', () => {
    const cycles = findCycles(
      buildReferenceGraph({
        resource: { r: { a: { v: '${r.b.id}' }, b: { v: '${r.c.id}' }, c: { v: '${r.a.id} ${r.d.id}' }, d: { v: '${r.b.id}' } } },
      }),
    );
    expect(cycles).toHaveLength(1);
    expect(cycles[0].vertices).toEqual(['r.a', 'r.b', 'r.c']);
    expect(cycles[0].component).toEqual(['r.a', 'r.b', 'r.c', 'r.d']);
    expect(formatCycle(cycles[0])).toContain('(one cycle of 4 entangled: r.a, r.b, r.c, r.d)');
  });
});
