/**
 * The attachment check on hand-built models: what it compares, how it
 * normalises per cloud, and what it never prints. The scenarios on a real
 * synthesized stack are in test/drift/cast-cluster-stack.test.ts.
 */
import { checkAttachments, watchedAttributes, watchedTypes } from '../../../lib/drift/check/attachment-check';
import { SENSITIVE } from '../../../lib/drift/check/finding';
import { keptAttributes } from '../../../lib/drift/catalog/kept-attributes';
import { actualState, desiredResource, desiredState, stateResource } from '../helpers';

describe('checkAttachments', () => {
  test('the reader keeps every attribute the check compares', () => {
    const dropped = watchedTypes().flatMap((type) => watchedAttributes(type).filter((name) => !keptAttributes(type).includes(name)).map((name) => `${type}.${name}`));
    expect(dropped).toEqual([]);
  });

  const gcpNode = (image: string) => desiredResource('google_compute_instance.n', { name: 'n', boot_disk: { initialize_params: { image } } });
  const gcpState = (image: string) => stateResource('google_compute_instance.n', { id: 'n', boot_disk: [{ initialize_params: [{ image }] }] });
  test.each([
    ['a family shorthand is not compared (the state holds the image it resolved to)', 'debian-cloud/debian-12', 'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20250212', []],
    ['a family path is not compared', 'projects/debian-cloud/global/images/family/debian-12', 'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20250212', []],
    ['the same image as path and self link', 'projects/debian-cloud/global/images/debian-12-bookworm-v20250212', 'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20250212', []],
    ['another image', 'projects/debian-cloud/global/images/debian-12-bookworm-v20250311', 'https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/debian-12-bookworm-v20250212', ['attachments/image error']],
  ])('GCP boot image: %s', (_name, want, have, expected) => {
    const findings = checkAttachments(desiredState([gcpNode(want)]), actualState([gcpState(have)]));
    expect(findings.map((f) => `${f.rule} ${f.severity}`)).toEqual(expected);
  });

  test('Azure image: publisher, offer and SKU in any case; version "latest" matches any', () => {
    const vm = (version: string, sku = 'server') => desiredResource('azurerm_linux_virtual_machine.n', { name: 'n', source_image_reference: { publisher: 'Canonical', offer: 'ubuntu-24_04-lts', sku, version } });
    const state = stateResource('azurerm_linux_virtual_machine.n', { id: '/x', source_image_reference: [{ publisher: 'canonical', offer: 'Ubuntu-24_04-LTS', sku: 'server', version: '24.04.202409120' }] });
    expect(checkAttachments(desiredState([vm('latest')]), actualState([state]))).toEqual([]);
    expect(checkAttachments(desiredState([vm('24.04.202409120')]), actualState([state]))).toEqual([]);
    expect(checkAttachments(desiredState([vm('latest', 'server-arm64')]), actualState([state])).map((f) => f.rule)).toEqual(['attachments/image']);
  });

  test('an unknown desired value (a variable, a resource not in state) is not compared', () => {
    const node = desiredResource('aws_instance.n', { tags: { Name: 'n' }, subnet_id: '${var.subnet}', vpc_security_group_ids: ['${aws_security_group.gone.id}'], instance_type: '${var.size}' });
    expect(checkAttachments(desiredState([node]), actualState([stateResource('aws_instance.n', { id: 'i-1', subnet_id: 'subnet-1', vpc_security_group_ids: ['sg-1'], instance_type: 't3.small' })]))).toEqual([]);
  });

  test('an attribute the state does not record is not compared; an emptied one is', () => {
    const node = desiredResource('google_compute_instance.n', { name: 'n', tags: ['prod-worker'] });
    expect(checkAttachments(desiredState([node]), actualState([stateResource('google_compute_instance.n', { id: '1' })]))).toEqual([]);
    const [finding] = checkAttachments(desiredState([node]), actualState([stateResource('google_compute_instance.n', { id: '1', tags: null })]));
    expect(finding).toMatchObject({ rule: 'attachments/firewall', severity: 'error', differences: [{ path: 'tags', desired: ['prod-worker'], actual: [] }] });
  });

  test('a value marked sensitive in the state is never printed', () => {
    const node = desiredResource('aws_instance.n', { tags: { Name: 'n' }, subnet_id: 'subnet-configured' });
    const state = stateResource('aws_instance.n', { id: 'i-1', subnet_id: 'subnet-secret' }, { sensitive: [['subnet_id']] });
    const [finding] = checkAttachments(desiredState([node]), actualState([state]));
    expect(finding.differences).toEqual([{ path: 'subnet_id', desired: SENSITIVE, actual: SENSITIVE }]);
    expect(JSON.stringify(finding)).not.toContain('subnet-secret');
  });

  test('an attribute kept in ignore_changes is a note that says how to roll the node', () => {
    const node = desiredResource('digitalocean_droplet.n', { name: 'n', image: '160000001', lifecycle: { ignore_changes: ['user_data', 'image'] } });
    const [finding] = checkAttachments(desiredState([node]), actualState([stateResource('digitalocean_droplet.n', { id: '1', image: '150000000' })]));
    expect(finding).toMatchObject({ rule: 'attachments/image', severity: 'note' });
    expect(finding.message).toContain('ignore_changes');
    expect(finding.remediation).toContain('terraform apply -replace=digitalocean_droplet.n');
  });
});
