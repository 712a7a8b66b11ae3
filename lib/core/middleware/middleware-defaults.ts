/**
 * The middleware defaults in one place: the namespace, the paths at the single
 * sign-on host, the pinned chart of each console and the pinned oauth2-proxy, and
 * the ports of the consoles' pods (docs/middleware.md lists the same versions).
 */
import { ChartSource } from '../ingress/ingress-defaults';

/** Where oauth2-proxy, Grafana and Headlamp run (created by the stack, with the cluster labels). */
export const MIDDLEWARE_NAMESPACE = 'cast-middleware';

/** The paths at the host: each a prefix oauth2-proxy sends to one upstream. */
export const GRAFANA_PATH = '/grafana/';
export const HEADLAMP_PATH = '/headlamp/';

/**
 * Each console's oauth2-proxy serves its own endpoints under the console's path
 * (`proxy_prefix`), so the IdP sends the browser back to `<path>oauth2/callback`
 * (oauth2-proxy docs, "OAuth Provider Configuration": the redirect URL is
 * `https://<host><proxy_prefix>/callback`). Neither console has paths of its own there.
 */
export const PROXY_PREFIX = 'oauth2';

/** The consoles, by key. Release names are the Service names (each chart's fullname when the release name holds the chart name). */
export const MIDDLEWARE_CHARTS = {
  // grafana-community/helm-charts charts/grafana (the grafana chart moved there from grafana/helm-charts, whose charts/ no longer holds it);
  // README: `helm repo add grafana-community https://grafana-community.github.io/helm-charts`.
  grafana: { release: 'grafana', repository: 'https://grafana-community.github.io/helm-charts', chart: 'grafana', namespace: MIDDLEWARE_NAMESPACE },
  // kubernetes-sigs/headlamp charts/headlamp (formerly headlamp-k8s/headlamp); README: `helm repo add headlamp https://kubernetes-sigs.github.io/headlamp/`.
  headlamp: { release: 'headlamp', repository: 'https://kubernetes-sigs.github.io/headlamp/', chart: 'headlamp', namespace: MIDDLEWARE_NAMESPACE },
} as const satisfies Record<string, ChartSource>;

/** The pinned versions; each is configurable: oauth2-proxy's release (its image tag), each console's chart. */
export interface MiddlewareChartVersions {
  readonly oauth2Proxy: string;
  readonly grafana: string;
  readonly headlamp: string;
}

/**
 * oauth2-proxy v7.15.3 (its latest release, tag v7.15.3 of oauth2-proxy/oauth2-proxy),
 * grafana chart 12.11.1 (Grafana 13.2.0), headlamp chart 0.45.0 (Headlamp 0.45.0):
 * the `version` and `appVersion` of each Chart.yaml on the default branch of its
 * repository (grafana-community/helm-charts 3386a11, kubernetes-sigs/headlamp
 * 6d2b42c). Each chart's image defaults to its appVersion.
 */
export const DEFAULT_MIDDLEWARE_CHART_VERSIONS: MiddlewareChartVersions = {
  oauth2Proxy: 'v7.15.3',
  grafana: '12.11.1',
  headlamp: '0.45.0',
};

/** oauth2-proxy's image (its README: `quay.io/oauth2-proxy/oauth2-proxy`); the tag is the release. */
export const OAUTH2_PROXY_IMAGE = 'quay.io/oauth2-proxy/oauth2-proxy';

/** A container image by tag and digest: what a pinned version runs. */
export interface PinnedImage {
  /** The version whose default image this is: the chart version (its `appVersion` is the tag), or oauth2-proxy's release. */
  readonly chartVersion: string;
  readonly tag: string;
  /** The multi-platform image index digest: the same bytes on every node, whatever the tag points to later. */
  readonly digest: string;
}

/**
 * The image each default chart version runs, pinned by digest. The registries were
 * not reachable from where these were recorded; each digest is the one public
 * repositories that pin these releases agree on (grafana/grafana:13.2.0 in five,
 * quay.io/oauth2-proxy/oauth2-proxy:v7.15.3 in eight, ghcr.io/headlamp-k8s/headlamp:v0.45.0
 * in three, found with a code search for `<image>:<tag>@sha256`). A chart version other
 * than these runs its own default tag, not a digest of another release.
 */
export const MIDDLEWARE_IMAGES: { readonly [K in keyof MiddlewareChartVersions]: PinnedImage } = {
  oauth2Proxy: { chartVersion: 'v7.15.3', tag: 'v7.15.3', digest: 'sha256:10a1165743a192e1940b4708fb9647027185ce11a681a1c5519b442ff7f1f561' },
  grafana: { chartVersion: '12.11.1', tag: '13.2.0', digest: 'sha256:3fd54ae1214669f8355f065ec9f6445d5279a3d77095ab048ca045685272429b' },
  headlamp: { chartVersion: '0.45.0', tag: 'v0.45.0', digest: 'sha256:db3f0e0fc58d358d41daa3fe7fc852437552c7ee873c3645470f7b86a8e0db49' },
};

/**
 * The ports of each console's pod. The chart's port (the one its Service targets, its
 * probes call and the NetworkPolicies open: a NetworkPolicy matches the port the packet
 * reaches, after the Service's DNAT) is oauth2-proxy's, on every address of the pod; the
 * console itself listens on the pod's loopback only, one port up, where only containers
 * of the same pod reach it (pods share one network namespace: kubernetes.io/docs/concepts/
 * workloads/pods/#pod-networking). The chart ports: Grafana's 3000 (charts/grafana/values.yaml
 * `service.targetPort`, named `grafana`), Headlamp's 4466 (charts/headlamp/templates/
 * deployment.yaml `containerPort`, named `http`).
 */
export const CONSOLE_PORTS = {
  grafana: { pod: 3000, portName: 'grafana', loopback: 3001 },
  headlamp: { pod: 4466, portName: 'http', loopback: 4467 },
} as const;

/** The loopback address the consoles bind. */
export const LOOPBACK = '127.0.0.1';

/** Every chart's Service port: 80 (grafana `service.port`, headlamp `service.port`). */
export const SERVICE_PORT = 80;

/**
 * The Service of the Prometheus the ingress installs: the prometheus chart's server
 * is `<release>-server` on port 80 (prometheus-community/helm-charts prometheus 27.23.0,
 * templates/_helpers.tpl `prometheus.server.fullname`, values.yaml `server.service.servicePort`).
 */
export const INSTALLED_PROMETHEUS_URL = 'http://prometheus-server.monitoring.svc.cluster.local';

/**
 * The ClusterRole Headlamp's ServiceAccount is bound to: Kubernetes' built-in `view`
 * (read-only access to most objects of every namespace, no Secrets, no
 * roles: kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles).
 */
export const HEADLAMP_CLUSTER_ROLE = 'view';
