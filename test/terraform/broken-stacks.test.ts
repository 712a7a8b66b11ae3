/**
 * The judge must be able to say no. Each stack here is broken in one way that
 * schema-shaped checks have let through before (a cycle) or that the real provider
 * refuses; terraform itself must refuse it, with its own message, against the
 * stand-ins' schemas.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startStandIns, type StandIns } from './stand-in/stand-ins';
import { describeWithTerraform, quietEnvironment, terraform } from './terraform-cli';

const PROVIDERS = {
  terraform: {
    required_providers: {
      aws: { source: 'hashicorp/aws', version: '6.25.0' },
      azurerm: { source: 'hashicorp/azurerm', version: '4.54.0' },
    },
  },
  provider: { aws: [{ region: 'us-east-1' }], azurerm: [{ features: [{}] }] },
};

const VPC = { cidr_block: '10.10.0.0/16' };
const VM = {
  name: 'vm', resource_group_name: 'rg', location: 'eastus', size: 'Standard_B2s', admin_username: 'cast',
  network_interface_ids: ['nic-id'], admin_ssh_key: [{ username: 'cast', public_key: 'ssh-ed25519 AAAA' }],
  source_image_reference: [{ publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: 'latest' }],
};

/** name → [resources, what terraform must say] */
const BROKEN: Readonly<Record<string, [object, RegExp]>> = {
  'a reference cycle': [
    {
      aws_vpc: { a: { ...VPC, tags: { peer: '${aws_subnet.b.id}' } } },
      aws_subnet: { b: { vpc_id: '${aws_vpc.a.id}', cidr_block: '10.10.1.0/24' } },
    },
    /Error: Cycle: aws_(vpc\.a|subnet\.b), aws_(vpc\.a|subnet\.b)/,
  ],
  'a reference to an attribute that does not exist': [
    { aws_vpc: { a: VPC }, aws_subnet: { b: { vpc_id: '${aws_vpc.a.vpc_identifier}', cidr_block: '10.10.1.0/24' } } },
    /Unsupported attribute[\s\S]*This object has no argument, nested block, or exported attribute named "vpc_identifier"/,
  ],
  'a value of the wrong type': [
    { aws_vpc: { a: { ...VPC, enable_dns_hostnames: 'sometimes' } } },
    /Incorrect attribute value type[\s\S]*a bool is required/,
  ],
  'an unknown argument': [
    { aws_vpc: { a: { ...VPC, cidr: '10.0.0.0/8' } } },
    /Extraneous JSON object property[\s\S]*No argument or block type is named "cidr"/,
  ],
  'a missing required argument': [
    { aws_subnet: { b: { cidr_block: '10.10.1.0/24' } } },
    /Missing required argument[\s\S]*The argument "vpc_id" is required/,
  ],
  'a missing required block': [
    { azurerm_linux_virtual_machine: { vm: VM } },
    /Insufficient os_disk blocks[\s\S]*At least 1 "os_disk" blocks? (is|are) required/,
  ],
  'too many blocks': [
    {
      azurerm_linux_virtual_machine: {
        vm: { ...VM, os_disk: [{ caching: 'ReadWrite', storage_account_type: 'Standard_LRS' }, { caching: 'None', storage_account_type: 'Standard_LRS' }] },
      },
    },
    /Too many os_disk blocks[\s\S]*No more than 1 "os_disk" blocks? (is|are) allowed/,
  ],
};

describeWithTerraform('terraform refuses broken stacks against the stand-ins', () => {
  let standIns: Promise<StandIns> | undefined;
  const attached = () => (standIns ??= startStandIns());
  afterAll(async () => (await standIns)?.close());

  test.concurrent.each(Object.keys(BROKEN))('%s', async (name) => {
    const [resource, message] = BROKEN[name];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-broken-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ ...PROVIDERS, resource }, null, 2));
      const env = quietEnvironment({ TF_REATTACH_PROVIDERS: (await attached()).reattach });
      const init = await terraform(dir, ['init', '-input=false'], env);
      expect(init.code).toBe(0);
      const validate = await terraform(dir, ['validate'], env);
      expect(validate.code).toBe(1);
      // terraform wraps its messages at 78 columns: compare with the line breaks folded.
      expect(validate.stderr.replace(/\s+/g, ' ')).toMatch(message);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same stack without the fault is valid (the faults above are the only problems)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-valid-'));
    try {
      const resource = {
        aws_vpc: { a: VPC },
        aws_subnet: { b: { vpc_id: '${aws_vpc.a.id}', cidr_block: '10.10.1.0/24' } },
        azurerm_linux_virtual_machine: { vm: { ...VM, os_disk: [{ caching: 'ReadWrite', storage_account_type: 'Standard_LRS' }] } },
      };
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify({ ...PROVIDERS, resource }, null, 2));
      const env = quietEnvironment({ TF_REATTACH_PROVIDERS: (await attached()).reattach });
      expect((await terraform(dir, ['init', '-input=false'], env)).code).toBe(0);
      const validate = await terraform(dir, ['validate'], env);
      expect(validate.stderr).toBe('');
      expect(validate.code).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
