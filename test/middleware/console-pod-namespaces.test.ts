/**
 * The consoles' pods in network namespaces: the kernel, not the model, decides who reaches
 * what. Each listener the model finds in a pod (console-pod-model.ts: the charts' pods from
 * the synthesized values, each program's bind rule) becomes a real socket, bound where that
 * program would bind it, in a namespace standing for the pod (a pod's containers share one
 * network namespace). Another namespace, standing for any other pod on the pod network,
 * connects to every port of the pod's address: only the proxy answers. Inside the pod the
 * console answers on the loopback address, where its proxy calls it. The layout before the
 * proxies moved into the pods, run the same way, exposes the console: the lab can tell.
 *
 *   <prefix>-o (another pod) 10.244.<k>.1 ──veth── <prefix>-<k> (a console's pod) eth0 10.244.<k>.10
 */
import { ChildProcess, spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { startInNamespace } from '../support/namespace-process';
import { describeNeeding, missingBinaries, notRoot } from '../support/requirements';
import { grafanaPod, headlampPod, Listener, listeners, Pod, releaseValues } from './console-pod-model';
import { buildMiddleware, synthesizeInCluster } from './middleware-fixture';

const json = synthesizeInCluster(buildMiddleware({ allowedGroups: ['platform'] }));
const configMaps: Record<string, Record<string, string>> = Object.fromEntries(
  releaseValues(json, 'cast-middleware').manifests.map((m: string) => parse(m)).filter((m: any) => m.kind === 'ConfigMap').map((m: any) => [m.metadata.name, m.data]),
);
/** Each console's pod as the charts render it now, and as the grafana chart rendered it before (Grafana on every address). */
const legacyGrafana = releaseValues(json, 'grafana');
delete legacyGrafana['grafana.ini'].server.http_addr;
const PODS: readonly { readonly label: string; readonly pod: Pod }[] = [
  { label: 'grafana', pod: grafanaPod(releaseValues(json, 'grafana')) },
  { label: 'headlamp', pod: headlampPod(releaseValues(json, 'headlamp')) },
  { label: 'grafana, bound to every address', pod: grafanaPod(legacyGrafana) },
];

/** Binds every listener given (JSON: address, port, name), prints "ready", answers each connection with the listener's name. */
const SERVE = String.raw`
import json, socket, sys, threading
bound = []
for spec in json.loads(sys.argv[1]):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((spec['address'] or '0.0.0.0', spec['port']))
    s.listen(16)
    bound.append((s, spec['name']))
def serve(s, name):
    while True:
        c, _ = s.accept()
        c.sendall(name.encode())
        c.close()
for s, name in bound:
    threading.Thread(target=serve, args=(s, name), daemon=True).start()
print('ready', flush=True)
threading.Event().wait()
`;

/** Connects to each host:port given (JSON); prints JSON: the answer, or how the connection failed. */
const PROBE = String.raw`
import json, socket, sys
out = {}
for host, port in json.loads(sys.argv[1]):
    try:
        c = socket.create_connection((host, port), timeout=2)
        out['%s:%d' % (host, port)] = c.recv(64).decode()
        c.close()
    except ConnectionRefusedError:
        out['%s:%d' % (host, port)] = 'refused'
    except OSError as e:
        out['%s:%d' % (host, port)] = type(e).__name__
print(json.dumps(out))
`;

const missing = [...notRoot('network namespaces need it'), ...missingBinaries(['ip', 'python3'], 'apt-get install iproute2 python3')];

describeNeeding('the consoles\' pods in network namespaces: only the proxy is reachable from another pod', missing, () => {
  const prefix = `csl${process.pid.toString(36)}`;
  const other = `${prefix}-o`;
  const namespaces = [other, ...PODS.map((_, k) => `${prefix}-${k}`)];
  const servers: ChildProcess[] = [];
  const podAddress = (k: number) => `10.244.${k + 1}.10`;

  const ip = (ns: string, lines: readonly string[]) => {
    const run = spawnSync('ip', ['-n', ns, '-batch', '-'], { input: `${lines.join('\n')}\n`, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`${ns}: ${run.stderr}`);
  };
  const probe = (ns: string, targets: readonly [string, number][]): Record<string, string> => {
    const run = spawnSync('ip', ['netns', 'exec', ns, 'python3', '-c', PROBE, JSON.stringify(targets)], { encoding: 'utf8', timeout: 60_000 });
    if (run.status !== 0) throw new Error(`probe in ${ns}: ${run.stderr}`);
    return JSON.parse(run.stdout);
  };
  const portsOf = (pod: Pod) => [...new Set(listeners(pod, configMaps).map((l) => l.port))].sort((a, b) => a - b);

  beforeAll(async () => {
    for (const ns of namespaces) spawnSync('ip', ['netns', 'add', ns]);
    ip(other, ['link set lo up']);
    for (const [k] of PODS.entries()) {
      const ns = `${prefix}-${k}`;
      ip(other, [`link add v${k} type veth peer name eth0 netns ${ns}`, `address add 10.244.${k + 1}.1/24 dev v${k}`, `link set v${k} up`]);
      ip(ns, ['link set lo up', `address add ${podAddress(k)}/24 dev eth0`, 'link set eth0 up']);
    }
    await Promise.all(PODS.map(async ({ pod }, k) => {
      const specs = listeners(pod, configMaps).map((l: Listener) => ({ address: l.address, port: l.port, name: l.container }));
      servers.push(await startInNamespace(`${prefix}-${k}`, ['python3', '-c', SERVE, JSON.stringify(specs)], `the listeners of ${PODS[k].label}'s pod`));
    }));
  }, 120_000);

  afterAll(() => {
    for (const server of servers) server.kill('SIGKILL');
    for (const ns of namespaces) spawnSync('ip', ['netns', 'delete', ns]);
  });

  test.each(PODS.slice(0, 2).map(({ label, pod }, k) => [label, pod, k] as const))('%s: from another pod, every port of the pod\'s address is refused but the proxy\'s', (_label, pod, k) => {
    const ports = portsOf(pod);
    const seen = probe(other, ports.map((port) => [podAddress(k), port]));
    const answering = Object.entries(seen).filter(([, answer]) => answer !== 'refused');
    expect(answering).toEqual([[`${podAddress(k)}:${listeners(pod, configMaps).find((l) => l.container === 'oauth2-proxy')!.port}`, 'oauth2-proxy']]);
    expect(ports.length).toBe(2);
  });

  test.each(PODS.slice(0, 2).map(({ label, pod }, k) => [label, pod, k] as const))('%s: inside the pod, the console answers on the loopback address, where its proxy calls it', (_label, pod, k) => {
    const own = listeners(pod, configMaps).find((l) => l.container === pod.console)!;
    expect(probe(`${prefix}-${k}`, [['127.0.0.1', own.port]])).toEqual({ [`127.0.0.1:${own.port}`]: pod.console });
  });

  test('the layout before the proxies moved into the pods: another pod reaches Grafana itself', () => {
    const k = 2;
    const seen = probe(other, portsOf(PODS[k].pod).map((port) => [podAddress(k), port]));
    expect(Object.values(seen).sort()).toEqual(['grafana', 'oauth2-proxy']);
  });
});
