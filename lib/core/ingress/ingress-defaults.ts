/**
 * The ingress defaults in one place: ports, names, and the pinned chart of each
 * in-cluster component (docs/ingress.md lists the same versions; a test checks it).
 */

/** The ports clients connect to on every cloud's load balancer. */
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;

/** The controller's fixed NodePorts, inside Kubernetes' default range 30000-32767. */
export const DEFAULT_HTTP_NODE_PORT = 30080;
export const DEFAULT_HTTPS_NODE_PORT = 30443;

/**
 * What every load balancer's health check asks for on the HTTP NodePort.
 * ingress-nginx's default server answers `/healthz` with 200 when the controller
 * is up; with `externalTrafficPolicy: Local` the NodePort answers only on nodes
 * that run a controller pod, so a worker without one leaves its load balancer.
 */
export const HEALTH_CHECK_PATH = '/healthz';

/** The controller's Prometheus metrics port (ingress-nginx `controller.metrics.port`). */
export const METRICS_PORT = 10254;

/** TTL of the round-robin records: short, so dropping a cloud's address takes effect soon. */
export const DEFAULT_RECORD_TTL = 60;

/** The ClusterIssuer name Ingress resources refer to (`cert-manager.io/cluster-issuer`). */
export const DEFAULT_CLUSTER_ISSUER = 'letsencrypt';

/** The IngressClass the controller serves; it is the cluster's default class. */
export const INGRESS_CLASS = 'nginx';

/** One Helm chart the in-cluster stack installs. */
export interface ChartSource {
  /** Helm release name. */
  readonly release: string;
  readonly repository: string;
  readonly chart: string;
  /** The namespace the release lives in (created by the stack, with the cluster labels). */
  readonly namespace: string;
}

/** The in-cluster components, by key. */
export const CHARTS = {
  ingressNginx: { release: 'ingress-nginx', repository: 'https://kubernetes.github.io/ingress-nginx', chart: 'ingress-nginx', namespace: 'ingress-nginx' },
  certManager: { release: 'cert-manager', repository: 'https://charts.jetstack.io', chart: 'cert-manager', namespace: 'cert-manager' },
  prometheus: { release: 'prometheus', repository: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus', namespace: 'monitoring' },
} as const satisfies Record<string, ChartSource>;

/** Chart versions, pinned; each is configurable (`versions`). */
export interface ChartVersions {
  readonly ingressNginx: string;
  readonly certManager: string;
  readonly prometheus: string;
}

/**
 * ingress-nginx 4.14.1 is controller v1.14.1; cert-manager v1.19.2; prometheus
 * 27.23.0 is Prometheus v3. cert-manager's chart version carries the `v`.
 */
export const DEFAULT_CHART_VERSIONS: ChartVersions = {
  ingressNginx: '4.14.1',
  certManager: 'v1.19.2',
  prometheus: '27.23.0',
};
