/**
 * Nothing reaches Grafana or Headlamp but the oauth2-proxy in its own pod: shown on a
 * model of the pods the charts render from the synthesized stack (console-pod-model.ts,
 * with its sources), from another pod, through the Gateway and the Services, and by the
 * kubelet's probes. This holds whether or not the cluster's network enforces NetworkPolicy.
 */
import { parse } from 'yaml';
import { checkCustomResource } from '../ingress/crd-schema';
import {
  Container, grafanaPod, headlampAcceptsHost, headlampPod, isLoopback, listeners, Pod, proxyConfigOf, reachedFromOutside, releaseValues, resolvePort,
} from './console-pod-model';
import { buildMiddleware, synthesizeInCluster } from './middleware-fixture';

const json = synthesizeInCluster(buildMiddleware({ allowedGroups: ['platform'] }));
const manifests: any[] = ['cast-middleware', 'cast-middleware-routes'].flatMap((id) => releaseValues(json, id).manifests.map((m: string) => parse(m)));
const configMaps: Record<string, Record<string, string>> = Object.fromEntries(manifests.filter((m) => m.kind === 'ConfigMap').map((m) => [m.metadata.name, m.data]));
const pods: Pod[] = [grafanaPod(releaseValues(json, 'grafana')), headlampPod(releaseValues(json, 'headlamp'))];
/** Each chart's Service: port 80 to the targetPort its template names (grafana: `podPortName`, headlamp: `http`). */
const SERVICE_TARGET: Record<string, string> = { grafana: 'grafana', headlamp: 'http' };
const proxyOf = (pod: Pod): Container => {
  const found = pod.containers.filter((c) => c.image.includes('oauth2-proxy'));
  expect(found).toHaveLength(1);
  return found[0];
};
const consoleOf = (pod: Pod) => listeners(pod, configMaps).find((l) => l.container === pod.console)!;

/** Every listener another pod reaches: not bound to loopback. */
function exposed(pod: Pod, maps = configMaps) {
  return listeners(pod, maps).filter((l) => !isLoopback(l.address)).map((l) => `${l.container} ${l.address || '*'}:${l.port}`);
}

describe.each(pods.map((pod) => [pod.console, pod] as const))('%s\'s pod', (name, pod) => {
  test('from another pod, only its oauth2-proxy answers; the console listens on the pod\'s loopback', () => {
    expect(exposed(pod)).toEqual([`oauth2-proxy 0.0.0.0:${resolvePort(pod, SERVICE_TARGET[name])}`]);
    expect(consoleOf(pod).address).toBe('127.0.0.1');
  });

  test('the Gateway\'s route leads through the Service to the proxy, never to the console', () => {
    const route = manifests.find((m) => m.kind === 'HTTPRoute' && m.spec.hostnames?.includes('ops.example.com') && m.spec.rules.some((r: any) => r.backendRefs));
    const backends = route.spec.rules.flatMap((r: any) => r.backendRefs ?? []);
    const mine = backends.filter((b: any) => b.name === name);
    expect(mine).toEqual([{ name, port: 80 }]);
    expect(reachedFromOutside(pod, resolvePort(pod, SERVICE_TARGET[name]), configMaps)?.container).toBe('oauth2-proxy');
  });

  test('the proxy\'s one upstream is the console\'s loopback listener, and the console takes what the proxy sends', () => {
    const config = proxyConfigOf(pod, proxyOf(pod), configMaps);
    const console = consoleOf(pod);
    expect(config.upstreams).toHaveLength(1);
    const upstream = new URL(config.upstreams[0]);
    expect([upstream.hostname, Number(upstream.port)]).toEqual([console.address, console.port]);
    expect(upstream.pathname).toBe(`/${name}/`);
    if (name === 'headlamp') {
      // oauth2-proxy sends the upstream's host when pass_host_header is false; Headlamp on loopback checks it.
      expect(config.pass_host_header).toBe(false);
      expect(headlampAcceptsHost(console.address, console.port, upstream.host)).toBe(true);
      expect(headlampAcceptsHost(console.address, console.port, 'ops.example.com')).toBe(false);
    } else {
      // Grafana trusts X-Forwarded-Email only from its whitelist: the proxy connects from the pod's loopback.
      expect(pod.containers[0].ini['auth.proxy']).toMatchObject({ enabled: true, header_name: 'X-Forwarded-Email', whitelist: '127.0.0.1' });
    }
  });

  test('the kubelet\'s probes reach the console through the proxy, on the one path it passes without a session', () => {
    const config = proxyConfigOf(pod, proxyOf(pod), configMaps);
    const routes = config.skip_auth_routes.map((route: string) => {
      const [method, pattern] = route.split('=', 2);
      return { method, pattern: new RegExp(pattern) };
    });
    const probes = [pod.containers[0].readinessProbe, pod.containers[0].livenessProbe].map((p) => p.httpGet);
    for (const probe of probes) {
      expect(reachedFromOutside(pod, resolvePort(pod, probe.port), configMaps)?.container).toBe('oauth2-proxy');
      expect(routes.some((r: any) => r.method === 'GET' && r.pattern.test(probe.path))).toBe(true);
    }
    // Nothing else passes: the same path under it, beside it, or another method.
    for (const path of [`${probes[0].path}x`, `${probes[0].path}/x`, `/${name}/api/dashboards/uid/x`, `/${name}/clusters/main/api/v1/secrets`, '/']) {
      expect(routes.filter((r: any) => r.pattern.test(path))).toEqual([]);
    }
    expect(routes.map((r: any) => r.method)).toEqual(['GET']);
  });

  test('the proxy\'s credentials come from the Terraform-made Secret, by keys it holds: the client secret as the file its configuration names', () => {
    const secret = json.resource.kubernetes_secret_v1['secret-cast-middleware-oauth2-proxy-client'];
    const proxy = proxyOf(pod);
    expect(proxy.env).toEqual([{ name: 'OAUTH2_PROXY_COOKIE_SECRET', valueFrom: { secretKeyRef: { name: 'oauth2-proxy-client', key: 'cookie-secret' } } }]);
    expect(Object.keys(secret.data)).toContain('cookie-secret');
    const file: string = proxyConfigOf(pod, proxy, configMaps).client_secret_file;
    const mount = proxy.volumeMounts.find((m: any) => file.startsWith(`${m.mountPath}/`));
    const volume = pod.volumes.find((v) => v.name === mount.name);
    expect(volume.secret.secretName).toBe('oauth2-proxy-client');
    const item = volume.secret.items.find((i: any) => i.path === file.slice(mount.mountPath.length + 1));
    expect(Object.keys(secret.data)).toContain(item.key);
    expect(item.key).toBe('client-secret');
  });

  test('the pod template is a valid Deployment pod template (Kubernetes\' apps/v1 schema)', () => {
    const containers = pod.containers.map(({ ini: _ini, ...container }) => container);
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'cast-middleware' },
      spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name }, annotations: pod.annotations }, spec: { containers, volumes: pod.volumes } } },
    };
    expect(checkCustomResource(deployment).problems).toEqual([]);
  });
});

test('the model catches a console on every address: the layout before the proxies moved into the pods', () => {
  const grafana = releaseValues(json, 'grafana');
  delete grafana['grafana.ini'].server.http_addr;
  expect(exposed(grafanaPod(grafana))).toContain('grafana *:3001');
  const headlamp = releaseValues(json, 'headlamp');
  headlamp.config.extraArgs = [];
  expect(exposed(headlampPod(headlamp))).toEqual(['headlamp *:4466', 'oauth2-proxy 0.0.0.0:4466']);
});

test('one sign-in serves both: the proxies share the cookie and differ only where each console differs', () => {
  const [grafana, headlamp] = pods.map((pod) => proxyConfigOf(pod, proxyOf(pod), configMaps));
  const differing = Object.keys(grafana).filter((key) => JSON.stringify(grafana[key]) !== JSON.stringify(headlamp[key]));
  expect(differing.sort()).toEqual(['http_address', 'pass_host_header', 'proxy_prefix', 'redirect_url', 'skip_auth_routes', 'upstreams']);
  expect(grafana.cookie_name).toBeUndefined();
  expect([grafana.redirect_url, headlamp.redirect_url]).toEqual(['https://ops.example.com/grafana/oauth2/callback', 'https://ops.example.com/headlamp/oauth2/callback']);
  // The callback is under the console's path, where the Gateway routes it to this proxy.
  expect(grafana.redirect_url.endsWith(`${grafana.proxy_prefix}/callback`)).toBe(true);
});

test('a change of a proxy\'s configuration rolls its console\'s pod once; a change of the emails reloads the list in place', () => {
  const annotations = (options: object) => {
    const other = synthesizeInCluster(buildMiddleware(options));
    return ['grafana', 'headlamp'].map((id) => releaseValues(other, id).podAnnotations['cast-cluster/oauth2-proxy-config']);
  };
  const base = annotations({ allowedGroups: ['platform'] });
  expect(base).toEqual(pods.map((pod) => pod.annotations['cast-cluster/oauth2-proxy-config']));
  expect(base.every((a) => /^[0-9a-f]{64}$/.test(a))).toBe(true);
  const groups = annotations({ allowedGroups: ['platform', 'sre'] });
  expect(groups.map((a, i) => a !== base[i])).toEqual([true, true]);
  expect(annotations({ allowedGroups: ['platform'], allowedEmails: ['ann@example.com', 'cat@example.com'] })).toEqual(base);
  expect(configMaps['oauth2-proxy']['authenticated-emails']).toBe('ann@example.com\n');
});
