/**
 * Each cloud's image is pinned (lib/nodes/os-image.ts): one `terraform_data` per cloud keeps the
 * first answer of the cloud's image lookup (`input` in ignore_changes) until the user names a release
 * (`triggers_replace`), and every node and template of the cloud boots from its `output`. What a
 * newer published image or a named release then does to a plan is measured with terraform in
 * test/terraform/lifecycle; this pins the wiring and the bad input.
 */
import { Testing, TerraformStack } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { synthProblems } from '../cluster/synth-problems';
import { ALL_CLOUDS, Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { MeshMode } from '../../lib';
import { osImageProblems, type OsImageOptions } from '../../lib/nodes/os-image';
import { synthCluster } from './node-fixture';

/** The VM type, its image attribute's value as synthesized, and the template's, per cloud. */
const IMAGE_OF: Record<Cloud, { vm: string; image: (vm: any) => string; template: string; templateImage: (t: any) => string }> = {
  [Cloud.AWS]: { vm: 'aws_instance', image: (vm) => vm.ami, template: 'aws_launch_template', templateImage: (t) => t.image_id },
  [Cloud.GCP]: { vm: 'google_compute_instance', image: (vm) => vm.boot_disk.initialize_params.image, template: 'google_compute_instance_template', templateImage: (t) => t.disk[0].source_image },
  [Cloud.AZURE]: { vm: 'azurerm_linux_virtual_machine', image: (vm) => vm.source_image_reference.version, template: 'azurerm_linux_virtual_machine_scale_set', templateImage: (t) => t.source_image_reference.version },
  [Cloud.DIGITALOCEAN]: { vm: 'digitalocean_droplet', image: (vm) => vm.image, template: 'digitalocean_droplet_autoscale', templateImage: (t) => t.droplet_template.image },
};

/**
 * What each cloud's lookup asks, without and with a named release. The releases are published ones
 * (AMI ubuntu-noble-24.04-amd64-server-20250115, GCP ubuntu-2404-noble-amd64-v20250214 and Azure
 * 24.04.202411030, as named in public configurations; DigitalOcean image 386734086, the id in doctl's
 * own `compute image get` example); the stand-ins answer for any.
 */
const LOOKUP: Record<Cloud, { data: string; newest: Record<string, unknown>; named: [string, Record<string, unknown>] }> = {
  [Cloud.AWS]: {
    data: 'aws_ami',
    newest: { most_recent: true, owners: ['099720109477'], filter: [{ name: 'name', values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*'] }, { name: 'virtualization-type', values: ['hvm'] }] },
    named: ['20250115', { filter: [{ name: 'name', values: ['ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250115'] }, { name: 'virtualization-type', values: ['hvm'] }] }],
  },
  [Cloud.GCP]: {
    data: 'google_compute_image',
    newest: { project: 'ubuntu-os-cloud', family: 'ubuntu-2404-lts-amd64' },
    named: ['20250214', { project: 'ubuntu-os-cloud', name: 'ubuntu-2404-noble-amd64-v20250214' }],
  },
  [Cloud.AZURE]: {
    data: 'azurerm_platform_image',
    newest: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', location: 'eastus' },
    named: ['24.04.202411030', { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku: 'server', version: '24.04.202411030' }],
  },
  [Cloud.DIGITALOCEAN]: {
    data: 'digitalocean_image',
    newest: { slug: 'ubuntu-24-04-x64' },
    named: ['386734086', { id: 386734086 }],
  },
};

const FIELD: Record<Cloud, keyof OsImageOptions> = { [Cloud.AWS]: 'aws', [Cloud.GCP]: 'gcp', [Cloud.AZURE]: 'azure', [Cloud.DIGITALOCEAN]: 'digitalocean' };

/** Two static groups and an autoscaled one on `cloud` (a control plane on AWS for the AWS and Azure autoscalers). */
function cluster(cloud: Cloud, osImage?: OsImageOptions) {
  const clouds = cloud === Cloud.AWS ? [Cloud.AWS] : [Cloud.AWS, cloud];
  // Full mesh: AWS autoscaling needs it (a single-cloud cluster would default to the cloud network).
  return synthCluster(clouds, {
    cp: { cloud: cloud === Cloud.DIGITALOCEAN || cloud === Cloud.GCP ? Cloud.AWS : cloud, role: NodeRole.CONTROL_PLANE },
    a: { cloud, role: NodeRole.WORKER },
    b: { cloud, role: NodeRole.WORKER },
    scaled: { cloud, role: NodeRole.WORKER, autoscaling: { minNodes: 1, maxNodes: 3 } },
  }, { mesh: { mode: MeshMode.FULL_MESH }, ...(osImage ? { osImage } : {}) });
}

describe.each(ALL_CLOUDS)('%s: one pinned image', (cloud) => {
  const c = cluster(cloud);
  const pins = Object.entries(c.resources('terraform_data')).filter(([id]) => id.includes(`os-image-${cloud}`));
  const [pinId, pin] = pins[0];

  test('one terraform_data keeps the first lookup: input ignored, the release in triggers_replace', () => {
    expect(pins).toHaveLength(1);
    expect(pin.lifecycle).toEqual({ ignore_changes: ['input'] });
    expect(pin.triggers_replace).toEqual({ release: 'first-deployed' });
    const lookups = Object.entries(c.json.data?.[LOOKUP[cloud].data] ?? {}).filter(([id]) => id.includes(`os-image-${cloud}`));
    expect(lookups).toHaveLength(1);
    const [lookupId, lookup] = lookups[0];
    expect(lookup).toMatchObject(LOOKUP[cloud].newest);
    expect(JSON.stringify(pin.input)).toContain(`data.${LOOKUP[cloud].data}.${lookupId}.`);
  });

  test('every static VM and the autoscaled group boot from its output', () => {
    const reference = `\${terraform_data.${pinId}.output.image}`;
    const vms = Object.entries(c.resources(IMAGE_OF[cloud].vm)).filter(([id]) => !id.includes('cp-'));
    expect(vms.map(([, vm]) => IMAGE_OF[cloud].image(vm))).toEqual([reference, reference]);
    expect(IMAGE_OF[cloud].templateImage(c.resource(IMAGE_OF[cloud].template, 'scaled'))).toBe(reference);
  });

  test('a named release is what the lookup asks for, and what replaces the pin', () => {
    const [release, asked] = LOOKUP[cloud].named;
    const named = cluster(cloud, { [FIELD[cloud]]: release });
    const [, lookup] = Object.entries(named.json.data![LOOKUP[cloud].data]).find(([id]) => id.includes(`os-image-${cloud}`))!;
    expect(lookup).toMatchObject(asked);
    expect(named.resource('terraform_data', `os-image-${cloud}`).triggers_replace).toEqual({ release });
  });

  test("a group's image override boots its nodes, not the pin", () => {
    const own = synthCluster(cloud === Cloud.AWS ? [Cloud.AWS] : [Cloud.AWS, cloud], {
      cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE, image: cloud === Cloud.AWS ? 'ami-0123456789abcdef0' : undefined },
      a: { cloud, role: NodeRole.WORKER, image: IMAGE_OVERRIDE[cloud] },
    });
    const vm = Object.entries(own.resources(IMAGE_OF[cloud].vm)).find(([id]) => id.includes('-a-1'))![1];
    expect(IMAGE_OF[cloud].image(vm)).toBe(IMAGE_OVERRIDE[cloud].split(':').pop());
    expect(Object.keys(own.resources('terraform_data')).filter((id) => id.includes(`os-image-${cloud}`))).toEqual([]);
  });
});

const IMAGE_OVERRIDE: Record<Cloud, string> = {
  [Cloud.AWS]: 'ami-0123456789abcdef0',
  [Cloud.GCP]: 'projects/my-project/global/images/my-image',
  [Cloud.AZURE]: 'Canonical:ubuntu-24_04-lts:server:24.04.202411030',
  [Cloud.DIGITALOCEAN]: 'my-snapshot-slug',
};

describe('osImage: bad input', () => {
  test.each<[string, OsImageOptions, string]>([
    ['an AWS serial with letters', { aws: 'noble' }, `osImage.aws must be Canonical's build serial (8 digits) (got "noble"). Use e.g. "20250115", or leave it out to keep the image the cluster was deployed with.`],
    ['a GCP image name instead of its serial', { gcp: 'ubuntu-2404-noble-amd64-v20250214' }, `osImage.gcp must be the image's serial (8 digits) (got "ubuntu-2404-noble-amd64-v20250214"). Use e.g. "20250214", or leave it out to keep the image the cluster was deployed with.`],
    ['Azure "latest", which pins nothing', { azure: 'latest' }, 'osImage.azure must be a platform image version Major.Minor.Build (not "latest") (got "latest"). Use e.g. "24.04.202411030", or leave it out to keep the image the cluster was deployed with.'],
    ['a DigitalOcean slug instead of an image id', { digitalocean: 'ubuntu-24-04-x64' }, 'osImage.digitalocean must be a DigitalOcean image id (digits) (got "ubuntu-24-04-x64"). Use e.g. "386734086", or leave it out to keep the image the cluster was deployed with.'],
  ])('%s', (_what, osImage, message) => {
    expect(osImageProblems(osImage)).toEqual([message]);
  });

  test('every problem at once, with the cluster path', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [Cloud.AWS], osImage: { aws: 'x', azure: 'latest' } });
    expect(synthProblems(stack).join('\n')).toMatch(/^s\/c1: osImage\.aws must be .*\ns\/c1: osImage\.azure must name a release for a cloud the cluster spans /);
  });

  test('a release for a cloud the cluster does not span', () => {
    expect(osImageProblems({ azure: '24.04.202411030' }, [Cloud.AWS, Cloud.GCP])).toEqual([
      'osImage.azure must name a release for a cloud the cluster spans (got "24.04.202411030"; the cluster spans aws, gcp). Remove it, or add Azure to clouds.',
    ]);
  });

  test('good releases pass', () => {
    expect(osImageProblems({ aws: '20250115', gcp: '20250214', azure: '24.04.202411030', digitalocean: '386734086' })).toEqual([]);
    expect(osImageProblems(undefined)).toEqual([]);
  });
});
