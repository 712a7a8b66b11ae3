/**
 * Builds Terraform state files (format version 4, as Terraform 1.x writes
 * them: two-space indentation, `provider["registry.terraform.io/..."]`,
 * `index_key`, `dependencies`, `sensitive_attributes`, modules) and the
 * matching `cdk.tf.json`, for the drift benchmark and the test fixtures.
 *
 * States are written resource by resource, so a 1 GB state never exists as one
 * string. Deterministic: the same seed and size give the same bytes.
 *
 *   npx tsx bench/make-state.ts <out-dir> <size, e.g. 10MB|100MB|1GB>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const BENCH_CLUSTER_UUID = '6f1c2a9e-0b7d-4c55-9a1e-3d2f8c4b7e10';
export const BENCH_CLUSTER_NAME = 'bench';
export const AWS_PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';

/** The largest `count` cast-drift expands into instance keys (MAX_EXPANDED_COUNT in lib/drift/read/desired/read-desired.ts). */
const MAX_COUNT = 100_000;

/** Changes whenever writeBenchStack writes other files for the same arguments (the benchmark then makes them again). */
export const BENCH_STACK_LAYOUT = 3;

/** Instances per module resource (count) in the generated state. */
const WORKERS_PER_POOL = 8;

/** A tiny deterministic PRNG (mulberry32), so generated files are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hex(random: () => number, length: number): string {
  let out = '';
  while (out.length < length) out += Math.floor(random() * 0xffffffff).toString(16).padStart(8, '0');
  return out.slice(0, length);
}

/** The tags CastCluster puts on every AWS resource. */
export function clusterTags(name: string, uuid = BENCH_CLUSTER_UUID): Record<string, string> {
  return { Name: name, 'cast-cluster-name': BENCH_CLUSTER_NAME, 'cast-cluster-uuid': uuid };
}

/** `attributes` of an aws_instance as the AWS provider v5 stores them. */
export function awsInstanceAttributes(random: () => number, name: string, subnetId: string, sgId: string): Record<string, unknown> {
  const id = `i-${hex(random, 17)}`;
  const ip = `10.10.${1 + Math.floor(random() * 3)}.${10 + Math.floor(random() * 240)}`;
  return {
    ami: 'ami-0c1a7f89451184c8b',
    arn: `arn:aws:ec2:eu-west-1:123456789012:instance/${id}`,
    associate_public_ip_address: false,
    availability_zone: 'eu-west-1a',
    capacity_reservation_specification: [{ capacity_reservation_preference: 'open', capacity_reservation_target: [] }],
    cpu_core_count: 2,
    cpu_options: [{ amd_sev_snp: '', core_count: 2, threads_per_core: 2 }],
    cpu_threads_per_core: 2,
    credit_specification: [],
    disable_api_stop: false,
    disable_api_termination: false,
    ebs_block_device: [],
    ebs_optimized: true,
    enclave_options: [{ enabled: false }],
    ephemeral_block_device: [],
    get_password_data: false,
    hibernation: false,
    host_id: '',
    iam_instance_profile: `${name}-profile`,
    id,
    instance_initiated_shutdown_behavior: 'stop',
    instance_lifecycle: '',
    instance_market_options: [],
    instance_state: 'running',
    instance_type: 'm6i.xlarge',
    ipv6_address_count: 0,
    ipv6_addresses: [],
    key_name: 'cast-admin',
    launch_template: [],
    maintenance_options: [{ auto_recovery: 'default' }],
    metadata_options: [{ http_endpoint: 'enabled', http_protocol_ipv6: 'disabled', http_put_response_hop_limit: 2, http_tokens: 'required', instance_metadata_tags: 'disabled' }],
    monitoring: false,
    network_interface: [],
    outpost_arn: '',
    password_data: '',
    placement_group: '',
    placement_partition_number: 0,
    primary_network_interface_id: `eni-${hex(random, 17)}`,
    private_dns: `ip-${ip.replace(/\./g, '-')}.eu-west-1.compute.internal`,
    private_dns_name_options: [{ enable_resource_name_dns_a_record: false, enable_resource_name_dns_aaaa_record: false, hostname_type: 'ip-name' }],
    private_ip: ip,
    public_dns: '',
    public_ip: '',
    root_block_device: [
      {
        delete_on_termination: true,
        device_name: '/dev/xvda',
        encrypted: true,
        iops: 3000,
        kms_key_id: `arn:aws:kms:eu-west-1:123456789012:key/${hex(random, 8)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 4)}-${hex(random, 12)}`,
        tags: {},
        tags_all: {},
        throughput: 125,
        volume_id: `vol-${hex(random, 17)}`,
        volume_size: 80,
        volume_type: 'gp3',
      },
    ],
    secondary_private_ips: [],
    security_groups: [],
    source_dest_check: false,
    spot_instance_request_id: '',
    subnet_id: subnetId,
    tags: clusterTags(name),
    tags_all: clusterTags(name),
    tenancy: 'default',
    timeouts: null,
    user_data: hex(random, 40),
    user_data_base64: null,
    user_data_replace_on_change: false,
    volume_tags: null,
    vpc_security_group_ids: [sgId],
  };
}

/**
 * JSON as Terraform writes it (Go's json.MarshalIndent with two spaces):
 * like JSON.stringify, but `<`, `>` and `&` escaped as \u003c, \u003e, \u0026
 * (those characters only occur inside strings, so a plain replace is exact).
 */
export function goJson(value: unknown, indent = 2): string {
  return JSON.stringify(value, null, indent).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

/** One `resources[]` entry of a state v4. */
export interface StateResourceV4 {
  readonly module?: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly each?: 'list' | 'map';
  readonly provider: string;
  readonly instances: readonly Record<string, unknown>[];
}

/** One `instances[]` entry of a state v4. */
export function stateInstance(attributes: Record<string, unknown>, options: { indexKey?: number | string; tainted?: boolean; sensitive?: string[]; dependencies?: string[] } = {}): Record<string, unknown> {
  return {
    ...(options.indexKey === undefined ? {} : { index_key: options.indexKey }),
    ...(options.tainted ? { status: 'tainted' } : {}),
    schema_version: 1,
    attributes,
    sensitive_attributes: (options.sensitive ?? []).map((name) => [{ type: 'get_attr', value: name }]),
    private: 'eyJlMmJmYjczMC1lY2FhLTExZTYtOGY4OC0zNDM2M2JjN2M0YzAiOnsiY3JlYXRlIjo2MDAwMDAwMDAwMDAsImRlbGV0ZSI6MTIwMDAwMDAwMDAwMH19',
    ...(options.dependencies && options.dependencies.length > 0 ? { dependencies: options.dependencies } : {}),
  };
}

/** Writes a state v4 resource by resource, indented as Terraform indents it. */
export class StateWriter {
  private readonly fd: number;
  private first = true;
  private pending: string[] = [];
  private pendingLength = 0;
  public bytes = 0;

  constructor(file: string, header: { terraformVersion: string; outputs: Record<string, unknown> }) {
    this.fd = fs.openSync(file, 'w');
    const outputs = goJson(header.outputs).replace(/\n/g, '\n  ');
    this.write(`{\n  "version": 4,\n  "terraform_version": ${JSON.stringify(header.terraformVersion)},\n  "serial": 42,\n  "lineage": "5b0e6d1c-1f0a-8c9e-2d4b-7a3c9e1f0b2d",\n  "outputs": ${outputs},\n  "resources": [`);
  }

  public add(resource: StateResourceV4): void {
    this.write(`${this.first ? '' : ','}\n    ${goJson(resource).replace(/\n/g, '\n    ')}`);
    this.first = false;
  }

  /**
   * Adds a resource whose `count` instances are made one at a time by `instance(i)`, so a
   * resource larger than a string can hold (100,000 VMs: 500 MB) is written all the same.
   * The bytes are those `add` writes.
   */
  public addCounted(resource: Omit<StateResourceV4, 'instances'>, count: number, instance: (i: number) => Record<string, unknown>): void {
    if (count === 0) {
      this.add({ ...resource, instances: [] });
      return;
    }
    // The resource with one placeholder instance, cut where the instances go.
    const placeholder = '\u0000instances';
    const [head, tail] = goJson({ ...resource, instances: [placeholder] }).replace(/\n/g, '\n    ').split(`\n        ${goJson(placeholder)}`);
    this.write(`${this.first ? '' : ','}\n    ${head}`);
    for (let i = 0; i < count; i++) this.write(`${i === 0 ? '' : ','}\n        ${goJson(instance(i)).replace(/\n/g, '\n        ')}`);
    this.write(tail);
    this.first = false;
  }

  public close(): number {
    this.write(`${this.first ? '' : '\n  '}],\n  "check_results": null\n}\n`);
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }

  private write(text: string): void {
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength > 4 * 2 ** 20) this.flush();
  }

  private flush(): void {
    const chunk = Buffer.from(this.pending.join(''), 'utf8');
    fs.writeSync(this.fd, chunk);
    this.bytes += chunk.length;
    this.pending = [];
    this.pendingLength = 0;
  }
}

/** The `cast_cluster` output value CastCluster emits (a JSON string). */
export function clusterDescription(extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    schema: 'cast-cluster/v1',
    uuid: BENCH_CLUSTER_UUID,
    name: BENCH_CLUSTER_NAME,
    clouds: ['aws'],
    networks: [{ cloud: 'aws', address: 'aws_vpc.cluster', cidr: '10.10.0.0/16', subnets: ['10.10.1.0/24'] }],
    ...extra,
  });
}

/** `attributes` of the IAM role a worker pool's instance profile carries (AWS provider v5). */
function iamRoleAttributes(random: () => number, name: string): Record<string, unknown> {
  return {
    arn: `arn:aws:iam::123456789012:role/${name}`,
    assume_role_policy: '{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"}}],"Version":"2012-10-17"}',
    create_date: '2026-11-02T09:14:27Z',
    description: '',
    force_detach_policies: false,
    id: name,
    inline_policy: [],
    managed_policy_arns: WORKER_POLICIES.map(([, arn]) => arn),
    max_session_duration: 3600,
    name,
    name_prefix: '',
    path: '/',
    permissions_boundary: '',
    tags: clusterTags(name),
    tags_all: clusterTags(name),
    unique_id: `AROA${hex(random, 17).toUpperCase()}`,
  };
}

/** `attributes` of a worker pool's instance profile. */
function iamInstanceProfileAttributes(random: () => number, name: string): Record<string, unknown> {
  return {
    arn: `arn:aws:iam::123456789012:instance-profile/${name}-profile`,
    create_date: '2026-11-02T09:14:29Z',
    id: `${name}-profile`,
    name: `${name}-profile`,
    name_prefix: '',
    path: '/',
    role: name,
    tags: clusterTags(`${name}-profile`),
    tags_all: clusterTags(`${name}-profile`),
    unique_id: `AIPA${hex(random, 17).toUpperCase()}`,
  };
}

/** The managed policies every worker role has attached (for_each key, ARN). */
const WORKER_POLICIES: readonly (readonly [string, string])[] = [
  ['ssm', 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'],
  ['ecr', 'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly'],
];

/** Resource instances in one worker pool module: the workers, the role, its profile and its policy attachments. */
export const INSTANCES_PER_POOL = WORKERS_PER_POOL + 2 + WORKER_POLICIES.length;

/** The module call name of pool `pool`. */
function poolName(pool: number): string {
  return `pool_${String(pool).padStart(6, '0')}`;
}

/** The `resources[]` entries of one worker pool module, in the order Terraform writes them (sorted by type, then name). */
function poolResources(random: () => number, pool: number, subnetId: string, sgId: string): StateResourceV4[] {
  const module = `module.${poolName(pool)}`;
  const role = `bench-pool-${pool}`;
  const managed = { module, mode: 'managed' as const, provider: AWS_PROVIDER };
  return [
    { ...managed, type: 'aws_iam_instance_profile', name: 'node', instances: [stateInstance(iamInstanceProfileAttributes(random, role), { dependencies: [`${module}.aws_iam_role.node`] })] },
    { ...managed, type: 'aws_iam_role', name: 'node', instances: [stateInstance(iamRoleAttributes(random, role))] },
    {
      ...managed,
      type: 'aws_iam_role_policy_attachment',
      name: 'node',
      each: 'map',
      instances: WORKER_POLICIES.map(([key, arn]) =>
        stateInstance({ id: `${role}-${hex(random, 26)}`, policy_arn: arn, role }, { indexKey: key, dependencies: [`${module}.aws_iam_role.node`] }),
      ),
    },
    {
      ...managed,
      type: 'aws_instance',
      name: 'worker',
      each: 'list',
      instances: Array.from({ length: WORKERS_PER_POOL }, (_, i) =>
        stateInstance(awsInstanceAttributes(random, `bench-pool-${pool}-${i}`, subnetId, sgId), {
          indexKey: i,
          sensitive: ['user_data'],
          dependencies: ['aws_security_group.nodes', 'aws_subnet.nodes', `${module}.aws_iam_instance_profile.node`],
        }),
      ),
    },
  ];
}

/** What writeBenchStack wrote. */
export interface BenchStack {
  readonly statePath: string;
  /** The stack the state was applied from: checking the state against it finds nothing. */
  readonly desiredPath: string;
  /** By number of undeclared instances: stacks that no longer call as many worker pools (see `undeclared`). */
  readonly undeclaredDesiredPaths: Readonly<Record<number, string>>;
  readonly bytes: number;
  /** Resource instances in the state. */
  readonly instances: number;
  /** Worker pool modules (the first `poolCount` of `pool_000000`, `pool_000001`…). */
  readonly poolCount: number;
  /** Instances of the root `aws_instance.node`. */
  readonly nodeCount: number;
}

/** The path of the stack that leaves `undeclared` instances of the state in `dir` undeclared. */
export function undeclaredDesiredPath(dir: string, undeclared: number): string {
  return path.join(dir, `cdk.${undeclared}-undeclared.tf.json`);
}

/**
 * Writes `terraform.tfstate` of roughly `targetBytes` and the `cdk.tf.json`
 * it was applied from into `dir`: a VPC, a subnet, a security group, root
 * nodes, and module pools (each WORKERS_PER_POOL workers with `count`, an IAM
 * role, its instance profile and policy attachments with `for_each`).
 *
 * Sized like a real state of such resources: a 1 GB file holds about 277,000
 * instances (3.6 kB each on average; an aws_instance alone is 4.9 kB).
 *
 * For each count in `undeclared`, also a stack that no longer calls the last
 * pools holding that many instances (rounded up to whole pools): `terraform
 * apply` would destroy them, and the check reports each one.
 *
 * `oneResource`: no pools; the root nodes make up the size, as one resource
 * with `count` (at most 100,000, the largest count cast-drift expands; that
 * many VMs are 500 MB of state).
 */
export function writeBenchStack(dir: string, targetBytes: number, options: { seed?: number; undeclared?: readonly number[]; oneResource?: boolean } = {}): BenchStack {
  fs.mkdirSync(dir, { recursive: true });
  const random = seededRandom(options.seed ?? 1);
  const statePath = path.join(dir, 'terraform.tfstate');
  const desiredPath = path.join(dir, 'cdk.tf.json');
  const writer = new StateWriter(statePath, {
    terraformVersion: '1.9.8',
    outputs: { cast_cluster: { value: clusterDescription(), type: 'string' } },
  });
  const vpcId = `vpc-${hex(random, 17)}`;
  const subnetId = `subnet-${hex(random, 17)}`;
  const sgId = `sg-${hex(random, 17)}`;
  // Size one pool to know how many fit; Terraform sorts resources by module, mode, type and name,
  // so the root nodes (whose count depends on the pool count) are written first.
  const poolBytes = poolResources(seededRandom(0), 0, subnetId, sgId).reduce((sum, resource) => sum + goJson(resource).length * 1.12, 0); // + indentation inside the resources list
  const nodeWith = (from: () => number, i: number) => stateInstance(awsInstanceAttributes(from, `bench-node-${i}`, subnetId, sgId), { indexKey: i, dependencies: ['aws_security_group.nodes', 'aws_subnet.nodes'] });
  const node = (i: number) => nodeWith(random, i);
  const nodeBytes = (goJson(nodeWith(seededRandom(0), 0)).length + 10) * 1.1; // + indentation inside the instances list
  const poolCount = options.oneResource ? 0 : Math.max(1, Math.round(targetBytes / (poolBytes * (1 + 1 / (8 * INSTANCES_PER_POOL)))));
  const nodeCount = options.oneResource ? Math.min(MAX_COUNT, Math.max(1, Math.round(targetBytes / nodeBytes))) : Math.max(1, Math.ceil(poolCount / 8));
  writer.addCounted({ mode: 'managed', type: 'aws_instance', name: 'node', each: 'list', provider: AWS_PROVIDER }, nodeCount, node);
  const ingress = [
    { cidr_blocks: ['0.0.0.0/0'], description: 'ssh', from_port: 22, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: 'tcp', security_groups: [], self: false, to_port: 22 },
    { cidr_blocks: ['10.10.0.0/16'], description: 'cluster', from_port: 0, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: '-1', security_groups: [], self: false, to_port: 0 },
  ];
  const egress = [{ cidr_blocks: ['0.0.0.0/0'], description: '', from_port: 0, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: '-1', security_groups: [], self: false, to_port: 0 }];
  writer.add({ mode: 'managed', type: 'aws_security_group', name: 'nodes', provider: AWS_PROVIDER, instances: [stateInstance({ id: sgId, vpc_id: vpcId, name: 'bench-nodes', ingress, egress, tags: clusterTags('bench-nodes'), tags_all: clusterTags('bench-nodes') }, { dependencies: ['aws_vpc.cluster'] })] });
  writer.add({ mode: 'managed', type: 'aws_subnet', name: 'nodes', provider: AWS_PROVIDER, instances: [stateInstance({ id: subnetId, vpc_id: vpcId, cidr_block: '10.10.1.0/24', tags: clusterTags('bench-nodes'), tags_all: clusterTags('bench-nodes') }, { dependencies: ['aws_vpc.cluster'] })] });
  writer.add({ mode: 'managed', type: 'aws_vpc', name: 'cluster', provider: AWS_PROVIDER, instances: [stateInstance({ id: vpcId, cidr_block: '10.10.0.0/16', tags: clusterTags('bench'), tags_all: clusterTags('bench') })] });
  for (let pool = 0; pool < poolCount; pool++) for (const resource of poolResources(random, pool, subnetId, sgId)) writer.add(resource);
  const bytes = writer.close();
  fs.writeFileSync(desiredPath, JSON.stringify(benchDesired(poolCount, nodeCount), null, 2));
  const undeclaredDesiredPaths: Record<number, string> = {};
  for (const undeclared of options.undeclared ?? []) undeclaredDesiredPaths[undeclared] = writeUndeclaredDesired(dir, { poolCount, nodeCount }, undeclared);
  return { statePath, desiredPath, undeclaredDesiredPaths, bytes, instances: nodeCount + 3 + poolCount * INSTANCES_PER_POOL, poolCount, nodeCount };
}

/** Writes the stack that no longer calls the last pools of the state in `dir`, holding `undeclared` instances (whole pools); returns its path. */
export function writeUndeclaredDesired(dir: string, stack: Pick<BenchStack, 'poolCount' | 'nodeCount'>, undeclared: number): string {
  const dropped = Math.min(stack.poolCount, Math.ceil(undeclared / INSTANCES_PER_POOL));
  const file = undeclaredDesiredPath(dir, undeclared);
  fs.writeFileSync(file, JSON.stringify(benchDesired(stack.poolCount - dropped, stack.nodeCount), null, 2));
  return file;
}

/** The `cdk.tf.json` the bench state was applied from, calling the first `poolCount` pools. */
function benchDesired(poolCount: number, nodeCount: number): Record<string, unknown> {
  const pools = Array.from({ length: poolCount }, (_, pool) => poolName(pool));
  const tags = (name: string) => clusterTags(name);
  return {
    '//': { metadata: { backend: 'local', stackName: 'bench', version: '0.21.0' } },
    terraform: { required_providers: { aws: { source: 'aws', version: '6.0.0' } } },
    provider: { aws: [{ region: 'eu-west-1' }] },
    resource: {
      aws_vpc: { cluster: { cidr_block: '10.10.0.0/16', tags: tags('bench'), '//': { metadata: { path: 'bench/cluster/aws/vpc', uniqueId: 'cluster' } } } },
      aws_subnet: { nodes: { vpc_id: '${aws_vpc.cluster.id}', cidr_block: '10.10.1.0/24', tags: tags('bench-nodes') } },
      aws_security_group: {
        nodes: {
          vpc_id: '${aws_vpc.cluster.id}',
          name: 'bench-nodes',
          ingress: [
            { cidr_blocks: ['0.0.0.0/0'], description: 'ssh', from_port: 22, to_port: 22, protocol: 'tcp' },
            { cidr_blocks: ['${aws_vpc.cluster.cidr_block}'], description: 'cluster', from_port: 0, to_port: 0, protocol: '-1' },
          ],
          egress: [{ cidr_blocks: ['0.0.0.0/0'], from_port: 0, to_port: 0, protocol: '-1' }],
          tags: tags('bench-nodes'),
        },
      },
      aws_instance: { node: { count: nodeCount, ami: 'ami-0c1a7f89451184c8b', instance_type: 'm6i.xlarge', subnet_id: '${aws_subnet.nodes.id}', tags: tags('bench-node-${count.index}') } },
    },
    module: Object.fromEntries(pools.map((name) => [name, { source: './modules/pool', subnet_id: '${aws_subnet.nodes.id}' }])),
    output: { cast_cluster: { value: clusterDescription() } },
  };
}

/** Parses "10MB", "1GB", "512KiB" into bytes. */
export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i.exec(text.trim());
  if (!match) throw new Error(`size must look like 10MB or 1GB (got ${text})`);
  const unit = (match[2] ?? 'B').toLowerCase();
  const scale: Record<string, number> = { b: 1, kb: 1e3, kib: 2 ** 10, mb: 1e6, mib: 2 ** 20, gb: 1e9, gib: 2 ** 30 };
  return Math.round(Number(match[1]) * scale[unit]);
}

// The file name check keeps the CLI from running when bench/drift.bench.ts bundles this module.
if (require.main === module && /make-state\.[jt]s$/.test(process.argv[1] ?? '')) {
  const [dir, size] = process.argv.slice(2);
  if (!dir || !size) {
    console.error('usage: npx tsx bench/make-state.ts <out-dir> <size, e.g. 10MB>');
    process.exit(1);
  }
  const result = writeBenchStack(dir, parseSize(size));
  console.log(`${result.statePath}: ${(result.bytes / 1e6).toFixed(1)} MB, ${result.instances} resource instances; ${result.desiredPath}`);
}
