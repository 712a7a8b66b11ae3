/** The secret scanner catches planted secrets (every example is scanned by test/conformance/examples.test.ts). */
import { TerraformResource, TerraformStack, Testing } from 'cdktf';
import { CastCluster } from '../../lib/cluster/cast-cluster';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { findSecrets } from './secret-scan';

describe('no secrets in synthesized JSON', () => {
  test('the scanner finds secrets planted in a stack', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 's');
    const cluster = new CastCluster(stack, 'c1', { name: 'c1', region: 'us-east', clouds: [Cloud.AWS] });
    const group = cluster.addNodeGroup('cp', { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE });
    const instance = group.node.findAll().find((c): c is TerraformResource => c instanceof TerraformResource && c.terraformResourceType === 'aws_instance')!;
    instance.addOverride('tags.leak', 'join with abcdef.0123456789abcdef please');
    instance.addOverride('tags.db_password', 'hunter2');
    instance.addOverride('tags.wg', 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=');
    instance.addOverride('tags.pem', '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----');
    const whys = findSecrets(JSON.parse(Testing.synth(stack))).map((f) => f.why).sort();
    expect(whys).toEqual(['a 32-byte base64 key (WireGuard)', 'a PEM block', 'a kubeadm bootstrap token', 'a literal value for "db_password"']);
  });
});
