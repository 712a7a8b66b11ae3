/**
 * cast-node-gc's read grant on GCP (lib/keys/gcp.ts), as a cluster synthesizes it: the control
 * planes' service account holds Compute Viewer on the project only for Compute Engine instances
 * (an IAM condition on resource.type), and nothing wider: no unconditioned project role, no
 * custom role, no other project-level binding.
 */
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { COMPUTE_VIEWER_ROLE, INSTANCES_ONLY } from '../../lib/keys/gcp';
import { logicalId, synthCluster } from '../nodes/node-fixture';
import { checkStackConformance, formatProblems, loadVendoredSchemas } from '../support/schema-conformance';

const ref = (type: string, id: string, attribute: string) => `\${${type}.${id}.${attribute}}`;

describe('GCP: the control planes may read Compute Engine instances, and only those', () => {
  const c = synthCluster([Cloud.GCP], { cp: { cloud: Cloud.GCP, role: NodeRole.CONTROL_PLANE }, workers: { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 1 } });
  const account = logicalId(c.json, 'google_service_account', 'control-planes');
  const grant = logicalId(c.json, 'google_project_iam_member', 'control-planes-inventory');
  const member = ref('google_service_account', account, 'member');

  test('one project binding: Compute Viewer, to the account, on its project, conditioned on the instance resource type', () => {
    expect(c.resources('google_project_iam_member')).toEqual({
      [grant]: {
        provider: 'google.c1_gcp',
        project: ref('google_service_account', account, 'project'),
        role: 'roles/compute.viewer',
        member,
        condition: {
          title: 'cast-node-gc instances only',
          description: 'cast-node-gc on the control planes of c1 reads whether a Node\'s instance exists (compute.instances.get).',
          expression: 'resource.type == "compute.googleapis.com/Instance"',
        },
      },
    });
    expect([COMPUTE_VIEWER_ROLE, INSTANCES_ONLY]).toEqual(['roles/compute.viewer', 'resource.type == "compute.googleapis.com/Instance"']);
  });

  test('no other project-, folder- or organization-level IAM resource and no custom role exists', () => {
    const types = Object.keys(c.json.resource).filter((type) => /^google_(project|folder|organization)_iam_|^google_.*custom_role$/.test(type));
    expect(types).toEqual(['google_project_iam_member']);
  });

  test('the account holds exactly these grants: the bundle\'s, the join token\'s (read, manage versions) and this one', () => {
    const holding = Object.entries(c.json.resource)
      .filter(([type]) => type.includes('iam'))
      .flatMap(([type, named]) => Object.keys(named).filter((id) => JSON.stringify(named[id]).includes(member)).map((id) => `${type}.${id}`))
      .sort();
    const secretGrants = ['control-planes-read', 'control-planes-join-token-read', 'control-planes-join-token-write'].map((id) => `google_secret_manager_secret_iam_member.${logicalId(c.json, 'google_secret_manager_secret_iam_member', id)}`);
    expect(holding).toEqual([`google_project_iam_member.${grant}`, ...secretGrants].sort());
  });

  test('control planes do not wait for it (cast-node-gc reads a 403 as unknown until it is in effect)', () => {
    const controlPlane = c.resource('google_compute_instance', 'c1-cp-1_');
    expect(JSON.stringify(controlPlane.depends_on ?? [])).not.toContain('google_project_iam_member');
  });

  test('the stack conforms to the vendored provider schemas', () => {
    expect(formatProblems(checkStackConformance(c.json, loadVendoredSchemas()))).toBe('');
  });
});

describe('GCP: no grant without GCP control planes', () => {
  test('GCP workers under AWS control planes: no project binding', () => {
    const c = synthCluster([Cloud.AWS, Cloud.GCP], { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE }, workers: { cloud: Cloud.GCP, role: NodeRole.WORKER, count: 1 } });
    expect(c.json.resource.google_project_iam_member).toBeUndefined();
  });
});
