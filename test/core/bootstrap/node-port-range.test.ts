import { renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { fakeInput } from './bootstrap-fixtures';
import { contentOf, fileAt, parseDocuments, parseUserData } from './user-data-files';

type ExtraArgs = { name: string; value: string }[];

/** kube-apiserver's extra arguments in a control plane's ClusterConfigurations: the founder's (kubeadm-init.yaml) and its own certificate's. */
function apiServerArgs(nodePortRange?: string): Record<string, ExtraArgs> {
  const config = parseUserData(renderNodeUserData(fakeInput('control-plane', undefined, { nodePortRange })));
  const args = (path: string) => {
    const cluster = parseDocuments(contentOf(fileAt(config, path))).find((d) => d.kind === 'ClusterConfiguration')!;
    return (cluster as unknown as { apiServer: { extraArgs: ExtraArgs } }).apiServer.extraArgs;
  };
  return { init: args('/etc/cast/kubeadm-init.yaml'), cert: args('/etc/cast/apiserver-cert.yaml') };
}

describe('NodePort range', () => {
  test('kube-apiserver allocates NodePorts from the range the firewalls open', () => {
    const { init, cert } = apiServerArgs('31000-31999');
    expect(init).toContainEqual({ name: 'service-node-port-range', value: '31000-31999' });
    // The same ClusterConfiguration on every control plane, whichever founds the cluster.
    expect(cert).toEqual(init);
  });

  test("Kubernetes' own default when none is given", () => {
    expect(apiServerArgs().init).toContainEqual({ name: 'service-node-port-range', value: '30000-32767' });
  });
});
