/** secret-reach.ts on hand-written stacks: every exposed field of every VM type, and what counts as reaching a secret. */
import { EXPOSED_FIELDS, exposingResources, findReachableSecrets, formatReach, uncoveredVmResources } from './secret-reach';

const KEY = 'tls_private_key.k.private_key_pem';

/** A stack with one VM `type.vm` of `body`, the key `tls_private_key.k` and `local.key` holding it; plus `extra`, merged by type. */
function stack(type: string, body: object, extra: { resource?: Record<string, object>; locals?: object; [section: string]: object | undefined } = {}): object {
  const { resource: more = {}, locals = {}, ...rest } = extra;
  const resource: Record<string, object> = { tls_private_key: { k: { algorithm: 'ED25519' } }, [type]: { vm: body } };
  for (const [t, named] of Object.entries(more)) resource[t] = { ...resource[t], ...named };
  return { resource, locals: { key: `\${base64encode(${KEY})}`, ...locals }, ...rest };
}

/** The findings, formatted. */
const reach = (config: object) => findReachableSecrets(config).map(formatReach);

describe('findReachableSecrets', () => {
  // One body per field of EXPOSED_FIELDS, each with `${local.key}` in that field only.
  const bodies: [type: string, body: object, field: string][] = [
    ['aws_instance', { user_data: '${local.key}' }, 'user_data'],
    ['aws_instance', { user_data_base64: '${base64gzip(local.key)}' }, 'user_data_base64'],
    ['aws_instance', { tags: { Name: 'n', note: '${local.key}' } }, 'tags.note'],
    ['aws_launch_template', { user_data: '${base64encode(local.key)}' }, 'user_data'],
    ['aws_launch_template', { tags: { note: '${local.key}' } }, 'tags.note'],
    ['aws_launch_template', { tag_specifications: [{ resource_type: 'instance', tags: { note: '${local.key}' } }] }, 'tag_specifications[0].tags.note'],
    ['google_compute_instance', { metadata: { 'user-data': 'x', 'any-key': '${local.key}' } }, 'metadata.any-key'],
    ['google_compute_instance', { metadata_startup_script: 'echo ${local.key}' }, 'metadata_startup_script'],
    ['google_compute_instance', { labels: { note: '${local.key}' } }, 'labels.note'],
    ['google_compute_instance', { tags: ['${local.key}'] }, 'tags[0]'],
    ['google_compute_instance_template', { metadata: { 'user-data': '${local.key}' } }, 'metadata.user-data'],
    ['google_compute_instance_template', { metadata_startup_script: '${local.key}' }, 'metadata_startup_script'],
    ['google_compute_instance_template', { labels: { note: '${local.key}' } }, 'labels.note'],
    ['google_compute_instance_template', { tags: ['${local.key}'] }, 'tags[0]'],
    ['azurerm_linux_virtual_machine', { custom_data: '${base64encode(local.key)}' }, 'custom_data'],
    ['azurerm_linux_virtual_machine', { user_data: '${base64encode(local.key)}' }, 'user_data'],
    ['azurerm_linux_virtual_machine', { tags: { note: '${local.key}' } }, 'tags.note'],
    ['azurerm_linux_virtual_machine_scale_set', { custom_data: '${base64encode(local.key)}' }, 'custom_data'],
    ['azurerm_linux_virtual_machine_scale_set', { user_data: '${base64encode(local.key)}' }, 'user_data'],
    ['azurerm_linux_virtual_machine_scale_set', { tags: { note: '${local.key}' } }, 'tags.note'],
    ['digitalocean_droplet', { user_data: '${local.key}' }, 'user_data'],
    ['digitalocean_droplet', { tags: '${concat(["a"], [local.key])}' }, 'tags'],
    ['digitalocean_droplet_autoscale', { droplet_template: { user_data: '${local.key}' } }, 'droplet_template.user_data'],
    ['digitalocean_droplet_autoscale', { droplet_template: [{ tags: ['${local.key}'] }] }, 'droplet_template[0].tags[0]'],
  ];

  test.each(bodies)('%s %j: found at its field, through the local', (type, body, field) => {
    expect(reach(stack(type, body))).toEqual([`${type}.vm.${field} ← local.key ← ${KEY}`]);
  });

  test('the table above covers every field of EXPOSED_FIELDS', () => {
    const covered = new Set(bodies.map(([type, body]) => `${type} ${Object.keys(body)[0]}`));
    const fields = Object.entries(EXPOSED_FIELDS).flatMap(([type, spec]) => spec.fields.map((f) => `${type} ${f.split('.')[0]}`));
    expect(fields.filter((f) => !covered.has(f))).toEqual([]);
  });

  test('arguments that expose nothing are not followed', () => {
    expect(reach(stack('aws_instance', { ami: '${local.key}', vpc_security_group_ids: ['${local.key}'] }))).toEqual([]);
    expect(reach(stack('google_compute_instance', { boot_disk: { initialize_params: { image: '${local.key}' } } }))).toEqual([]);
  });

  test('private keys, passwords and whatever the schemas mark sensitive; public halves and random strings are not secrets', () => {
    const config = stack('aws_instance', {
      tags: {
        openssh: '${tls_private_key.k.private_key_openssh}',
        pkcs8: '${tls_private_key.k.private_key_pem_pkcs8}',
        indexed: '${tls_private_key.k[0].private_key_pem}',
        password: '${random_password.p.result}',
        public: '${tls_private_key.k.public_key_pem}',
        id: '${random_string.s.result}',
        cert: '${tls_self_signed_cert.c.cert_pem}',
      },
    }, { resource: { random_password: { p: { length: 16 } }, random_string: { s: { length: 6 } }, tls_self_signed_cert: { c: { private_key_pem: `\${${KEY}}` } } } });
    expect(reach(config)).toEqual([
      'aws_instance.vm.tags.indexed ← tls_private_key.k.private_key_pem',
      'aws_instance.vm.tags.openssh ← tls_private_key.k.private_key_openssh',
      'aws_instance.vm.tags.password ← random_password.p.result',
      'aws_instance.vm.tags.pkcs8 ← tls_private_key.k.private_key_pem_pkcs8',
    ]);
  });

  test('a whole resource holds every sensitive attribute it has', () => {
    expect(reach(stack('aws_instance', { user_data: '${jsonencode(tls_private_key.k)}' }))).toEqual([
      'aws_instance.vm.user_data ← tls_private_key.k.private_key_openssh',
      'aws_instance.vm.user_data ← tls_private_key.k.private_key_pem',
      'aws_instance.vm.user_data ← tls_private_key.k.private_key_pem_pkcs8',
    ]);
  });

  test('through locals of locals, the shortest path first, cycles and all', () => {
    const config = stack('aws_instance', { user_data: '${local.a}' }, {
      locals: { a: '${local.b}${local.c}', b: '${local.c}', c: '${local.key}${local.a}' },
    });
    expect(reach(config)).toEqual([`aws_instance.vm.user_data ← local.a ← local.c ← local.key ← ${KEY}`]);
  });

  test('through what a resource is configured with, and terraform_data\'s output; not through computed attributes', () => {
    const config = stack('aws_instance', {
      tags: {
        csr: '${tls_cert_request.r.private_key_pem}',
        data: '${terraform_data.d.output}',
        other: '${aws_instance.other.user_data}',
        eip: '${aws_eip.e.public_ip}',
      },
    }, {
      resource: {
        tls_cert_request: { r: { private_key_pem: `\${${KEY}}` } },
        terraform_data: { d: { input: '${local.key}' } },
        aws_instance: { other: { user_data: '${local.key}' } },
        aws_eip: { e: { instance: '${local.key}' } },
      },
    });
    expect(reach(config).filter((line) => line.startsWith('aws_instance.vm.'))).toEqual([
      'aws_instance.vm.tags.csr ← tls_cert_request.r.private_key_pem',
      `aws_instance.vm.tags.csr ← tls_cert_request.r.private_key_pem ← ${KEY}`,
      `aws_instance.vm.tags.data ← terraform_data.d.output ← local.key ← ${KEY}`,
      `aws_instance.vm.tags.other ← aws_instance.other.user_data ← local.key ← ${KEY}`,
    ]);
  });

  test('sensitive variables are secrets; escapes, string literals and for-expression variables are no references', () => {
    const config = stack('aws_instance', {
      tags: {
        variable: '${var.secret}',
        plain: '${var.name}',
        escaped: `$\${${KEY}}`,
        literal: `\${upper("${KEY}")}`,
        iterator: '${[for local in ["a"] : local]}',
      },
    }, { variable: { secret: { type: 'string', sensitive: true }, name: { type: 'string' } } });
    expect(reach(config)).toEqual(['aws_instance.vm.tags.variable ← var.secret']);
  });

  test('what the finder cannot see behind is opaque: module outputs, remote state, types without a schema', () => {
    const config = stack('aws_instance', {
      tags: { module: '${module.m.out}', remote: '${local.remote}', unknown: '${acme_thing.t.value}' },
    }, {
      locals: { remote: '${data.terraform_remote_state.s.outputs.key}' },
      data: { terraform_remote_state: { s: { backend: 'local' } } },
      resource: { acme_thing: { t: {} } },
      module: { m: { source: './m' } },
    });
    expect(reach(config)).toEqual([
      'aws_instance.vm.tags.module ← module.m.out (opaque: cannot see what it holds)',
      'aws_instance.vm.tags.remote ← local.remote ← data.terraform_remote_state.s.outputs.key (opaque: cannot see what it holds)',
      'aws_instance.vm.tags.unknown ← acme_thing.t.value (opaque: cannot see what it holds)',
    ]);
  });
});

describe('exposingResources and uncoveredVmResources', () => {
  test('the role comes from the cast-node-role tag or label, or a DigitalOcean tag; templates are marked', () => {
    const config = {
      resource: {
        aws_instance: { a: { tags: { 'cast-node-role': 'control-plane' }, user_data: 'cast-node-role:worker' } },
        google_compute_instance_template: { g: { labels: { 'cast-node-role': 'worker' } } },
        digitalocean_droplet: { d: { tags: '${concat([digitalocean_tag.t.name, "cast-node-role:worker"], [])}' } },
        aws_launch_template: { l: { tag_specifications: [{ tags: { 'cast-node-role': 'worker' } }] } },
        azurerm_linux_virtual_machine: { z: {} },
      },
    };
    expect(exposingResources(config).map((r) => `${r.address} ${r.role} ${r.template}`)).toEqual([
      'aws_instance.a control-plane false',
      'aws_launch_template.l worker true',
      'azurerm_linux_virtual_machine.z undefined false',
      'digitalocean_droplet.d worker false',
      'google_compute_instance_template.g worker true',
    ]);
  });

  test('resources that carry data onto a VM but are not covered', () => {
    const config = {
      resource: {
        aws_instance: { a: { user_data: 'x' } },
        aws_spot_instance_request: { s: { user_data: 'x' } },
        azurerm_windows_virtual_machine: { w: { custom_data: 'x' } },
        google_compute_project_metadata: { p: { metadata: { k: 'v' } } },
        kubernetes_namespace_v1: { n: { metadata: { name: 'x' } } },
      },
    };
    expect(uncoveredVmResources(config)).toEqual(['aws_spot_instance_request.s', 'azurerm_windows_virtual_machine.w', 'google_compute_project_metadata.p']);
  });
});
