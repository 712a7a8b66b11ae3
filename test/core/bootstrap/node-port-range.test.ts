import { renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { fakeInput } from './bootstrap-fixtures';
import { contentOf, fileAt, parseDocuments, parseUserData } from './user-data-files';

/** kube-apiserver's extra arguments in the init node's ClusterConfiguration. */
function apiServerArgs(nodePortRange?: string): { name: string; value: string }[] {
  const config = parseUserData(renderNodeUserData(fakeInput('init', undefined, { nodePortRange })));
  const cluster = parseDocuments(contentOf(fileAt(config, '/etc/cast/kubeadm.yaml'))).find((d) => d.kind === 'ClusterConfiguration')!;
  return (cluster as unknown as { apiServer: { extraArgs: { name: string; value: string }[] } }).apiServer.extraArgs;
}

describe('NodePort range', () => {
  test('kube-apiserver allocates NodePorts from the range the firewalls open', () => {
    expect(apiServerArgs('31000-31999')).toContainEqual({ name: 'service-node-port-range', value: '31000-31999' });
  });

  test("Kubernetes' own default when none is given", () => {
    expect(apiServerArgs()).toContainEqual({ name: 'service-node-port-range', value: '30000-32767' });
  });
});
