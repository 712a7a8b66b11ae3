/**
 * A model of the consoles' pods as the cluster runs them: the pod spec each chart
 * renders from the stack's values, who listens on which address and port inside the
 * pod, and where a connection lands, from another pod or through the Gateway and a
 * Service. It stands in for Helm, the kubelet and the programs, which are not
 * installable here; each rule says where it comes from.
 *
 * Sources:
 * - Charts at the pinned versions: grafana-community/helm-charts charts/grafana 12.11.1
 *   (templates/_pod.tpl: the grafana container's ports `podPortName`/`service.targetPort`,
 *   probes from `readinessProbe`/`livenessProbe`, `extraContainers` joined to `containers`
 *   after `tpl`, `extraContainerVolumes` to `volumes`; templates/service.yaml: targetPort
 *   `podPortName`); kubernetes-sigs/headlamp charts/headlamp 0.45.0 (templates/deployment.yaml:
 *   args, `config.extraArgs` appended, port `http` 4466, probes `<baseURL>/` on `http`,
 *   `extraContainers`, `volumes`; templates/service.yaml: targetPort `http`).
 * - Listeners: Grafana's configuration reference, `[server] http_addr` (empty: every
 *   address) and `http_port` (default 3000); Headlamp backend/pkg/config/config.go
 *   `-listen-addr` (default empty: every address) and `-port` (default 4466); oauth2-proxy
 *   pkg/apis/options/legacy_options.go `http_address` (default 127.0.0.1:4180).
 * - Linux and Kubernetes: a pod's containers share one network namespace
 *   (kubernetes.io/docs/concepts/workloads/pods/#pod-networking), so a socket bound to
 *   127.0.0.1 is reached from the pod's own containers only, and one bound to 0.0.0.0
 *   from anywhere that routes to the pod's IP; a Service sends to its targetPort, a name
 *   resolved against the pod's declared container ports.
 * - Headlamp on a loopback address accepts a request only with a loopback Host
 *   (backend/cmd/headlamp.go `isLoopbackAddr`, `allowedHosts`); oauth2-proxy sends the
 *   upstream's host when `pass_host_header` is false (pkg/upstream/http.go).
 * - Grafana's auth proxy takes the identity header only from addresses in `whitelist`
 *   (configure-authentication/auth-proxy).
 */
import { parse } from 'yaml';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';

export interface Container { name: string; image: string; args?: string[]; ports?: { name?: string; containerPort: number }[]; [key: string]: any }
export interface Pod { readonly console: string; readonly containers: Container[]; readonly volumes: any[]; readonly annotations: Record<string, string> }
export interface Listener { readonly container: string; readonly address: string; readonly port: number }

/** `key = value` lines of oauth2-proxy's configuration file; each value is JSON (TOML's strings, arrays and booleans). */
export function parseProxyConfig(text: string): Record<string, any> {
  return Object.fromEntries(text.split('\n').filter((line) => line.trim() && !line.startsWith('#')).map((line) => {
    const match = /^([a-z_]+) = (.+)$/.exec(line);
    if (!match) throw new Error(`not a key = value line: ${line}`);
    return [match[1], JSON.parse(match[2])];
  }));
}

/** The grafana chart's pod from its values. */
export function grafanaPod(values: any): Pod {
  const targetPort = values.service?.targetPort ?? 3000;
  const grafana: Container = {
    name: 'grafana',
    image: 'grafana',
    ports: [{ name: values.podPortName ?? 'grafana', containerPort: targetPort }],
    readinessProbe: values.readinessProbe ?? { httpGet: { path: '/api/health', port: 'grafana' } },
    livenessProbe: values.livenessProbe ?? { httpGet: { path: '/api/health', port: 'grafana' } },
    ini: values['grafana.ini'] ?? {},
  };
  // `containers:` then the grafana container, then `tpl extraContainers | nindent 2`: parse them as one YAML sequence.
  const extra = values.extraContainers ? parse(`- {}\n${values.extraContainers}`).slice(1) : [];
  return { console: 'grafana', containers: [grafana, ...extra], volumes: values.extraContainerVolumes ?? [], annotations: values.podAnnotations ?? {} };
}

/** The headlamp chart's pod from its values. */
export function headlampPod(values: any): Pod {
  const config = values.config ?? {};
  const base = config.baseURL ?? '';
  const args = ['-in-cluster', ...(config.unsafeUseServiceAccountToken ? ['-unsafe-use-service-account-token'] : []), ...(base ? [`-base-url=${base}`] : []), ...(config.extraArgs ?? [])];
  const probe = { httpGet: { path: `${base}/`, port: 'http' } };
  const headlamp: Container = { name: 'headlamp', image: 'headlamp', args, ports: [{ name: 'http', containerPort: 4466 }], readinessProbe: probe, livenessProbe: probe };
  return { console: 'headlamp', containers: [headlamp, ...(values.extraContainers ?? [])], volumes: values.volumes ?? [], annotations: values.podAnnotations ?? {} };
}

/** `--name=value` or `-name=value` of a container's args. */
function flag(container: Container, name: string): string | undefined {
  const found = (container.args ?? []).map((arg) => /^--?([a-z-]+)=(.*)$/.exec(arg)).find((m) => m?.[1] === name);
  return found?.[2];
}

/** The configuration file an oauth2-proxy container reads: its `--config`, looked up in the pod's ConfigMap volumes. */
export function proxyConfigOf(pod: Pod, container: Container, configMaps: Record<string, Record<string, string>>): Record<string, any> {
  const file = flag(container, 'config');
  if (!file) return {};
  const mount = (container.volumeMounts ?? []).find((m: any) => file.startsWith(`${m.mountPath}/`));
  if (!mount) throw new Error(`${pod.console}/${container.name}: no volume is mounted where --config=${file} is`);
  const volume = pod.volumes.find((v) => v.name === mount.name);
  if (!volume?.configMap) throw new Error(`${pod.console}/${container.name}: volume ${mount.name} is not a ConfigMap of the pod`);
  const text = configMaps[volume.configMap.name]?.[file.slice(mount.mountPath.length + 1)];
  if (text === undefined) throw new Error(`${pod.console}/${container.name}: ConfigMap ${volume.configMap.name} has no key for ${file}`);
  return parseProxyConfig(text);
}

/** Who listens where in the pod. */
export function listeners(pod: Pod, configMaps: Record<string, Record<string, string>>): Listener[] {
  return pod.containers.map((container) => {
    if (container.name === 'grafana') {
      const server = container.ini.server ?? {};
      return { container: container.name, address: server.http_addr ?? '', port: Number(server.http_port ?? 3000) };
    }
    if (container.name === 'headlamp') {
      return { container: container.name, address: flag(container, 'listen-addr') ?? '', port: Number(flag(container, 'port') ?? 4466) };
    }
    if (container.image.includes('oauth2-proxy')) {
      const [address, port] = splitHostPort(proxyConfigOf(pod, container, configMaps).http_address ?? '127.0.0.1:4180');
      return { container: container.name, address, port };
    }
    throw new Error(`no listener rule for container ${container.name}`);
  });
}

export const isLoopback = (address: string) => address === 'localhost' || /^127\./.test(address) || address === '::1';

/** The listener a connection to the pod's IP at `port` from outside the pod reaches, if any. */
export function reachedFromOutside(pod: Pod, port: number, configMaps: Record<string, Record<string, string>>): Listener | undefined {
  return listeners(pod, configMaps).find((l) => l.port === port && !isLoopback(l.address));
}

/** A container port name or number of the pod, as a Service's targetPort or a probe's port resolves it. */
export function resolvePort(pod: Pod, port: number | string): number {
  if (typeof port === 'number') return port;
  const found = pod.containers.flatMap((c) => c.ports ?? []).filter((p) => p.name === port);
  if (found.length !== 1) throw new Error(`${pod.console}: port name ${port} names ${found.length} container ports`);
  return found[0].containerPort;
}

export function splitHostPort(address: string): [string, number] {
  const match = /^(?:(.*):)?(\d+)$/.exec(address);
  if (!match) throw new Error(`not host:port: ${address}`);
  return [match[1] ?? '', Number(match[2])];
}

/** Headlamp's Host check on a loopback listen address (backend/cmd/headlamp.go allowedHosts), IPv4 part. */
export function headlampAcceptsHost(listenAddress: string, port: number, host: string): boolean {
  if (!isLoopback(listenAddress)) return true;
  const allowed = new Set(['localhost', '127.0.0.1', listenAddress].flatMap((h) => [h, `${h}:${port}`]));
  return allowed.has(host.toLowerCase());
}

/** A release's values as Helm gets them from the synthesized stack. */
export function releaseValues(json: any, id: string): any {
  return parse(unescapeTerraformTemplate(json.resource.helm_release[id].values[0]));
}
