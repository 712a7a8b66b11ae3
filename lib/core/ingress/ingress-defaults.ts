/**
 * The ingress defaults in one place: ports, names, and the pinned chart of each
 * in-cluster component (docs/ingress.md lists the same versions; a test checks it).
 */

/** The ports clients connect to on every cloud's load balancer. */
export const HTTP_PORT = 80;
export const HTTPS_PORT = 443;

/** Envoy's fixed NodePorts (the load balancers' targets), inside Kubernetes' default range 30000-32767. */
export const DEFAULT_HTTP_NODE_PORT = 30080;
export const DEFAULT_HTTPS_NODE_PORT = 30443;

/**
 * What every load balancer's health check asks for on the HTTP NodePort. The
 * Gateway's `http` listener answers it itself (a ClientTrafficPolicy turns on
 * Envoy's health_check filter for that path: 200 while Envoy serves, 503 while it
 * drains), so the check passes only where an Envoy pod runs and is not shutting
 * down: with `externalTrafficPolicy: Local` a worker without one leaves its load
 * balancer. The same path ingress-nginx answered, so the load balancers do not change.
 */
export const HEALTH_CHECK_PATH = '/healthz';

/**
 * Envoy's Prometheus endpoint on every proxy pod: `:19001/stats/prometheus`
 * (envoyproxy/gateway v1.9.0 internal/xds/bootstrap/bootstrap.go `EnvoyStatsPort`;
 * the proxy pods carry prometheus.io/scrape, port and path annotations,
 * internal/infrastructure/kubernetes/proxy/resource_provider.go).
 */
export const ENVOY_METRICS_PORT = 19001;
export const ENVOY_METRICS_PATH = '/stats/prometheus';

/** TTL of the round-robin records: short, so dropping a cloud's address takes effect soon. */
export const DEFAULT_RECORD_TTL = 60;

/** The ACME ClusterIssuer the Gateway's Certificates name (and your own Certificates or Gateways can). */
export const DEFAULT_CLUSTER_ISSUER = 'letsencrypt';

/**
 * The Gateway API contract every route of the cluster attaches to: HTTPRoutes name
 * the Gateway `cast` in namespace `cast-ingress` as their parent, with `sectionName`
 * `https` (or `http`, which cert-manager's HTTP-01 solver uses). Fixed names, not
 * props: apps and the library's own middleware depend on them.
 */
export const GATEWAY_CLASS_NAME = 'cast';
export const GATEWAY_NAME = 'cast';
export const GATEWAY_NAMESPACE = 'cast-ingress';
export const HTTP_LISTENER = 'http';
export const HTTPS_LISTENER = 'https';
/** The EnvoyProxy (Envoy Gateway's data-plane settings) the GatewayClass points to. */
export const ENVOY_PROXY_NAME = 'cast';

/** One Helm chart the in-cluster stack installs. */
export interface ChartSource {
  /** Helm release name. */
  readonly release: string;
  readonly repository: string;
  readonly chart: string;
  /** The namespace the release lives in (created by the stack, with the cluster labels). */
  readonly namespace: string;
}

/**
 * Envoy Gateway publishes its charts to an OCI registry, not a Helm repository
 * index: `oci://docker.io/envoyproxy/gateway-helm` and `.../gateway-crds-helm`
 * (envoyproxy/gateway v1.9.0 site/content/en/v1.9/install/install-helm.md;
 * tools/make/helm.mk pushes both, versioned by the release tag, `v` included).
 */
const ENVOY_CHARTS = 'oci://docker.io/envoyproxy';

/** The in-cluster components, by key. */
export const CHARTS = {
  // The CRDs as chart templates, not in the chart's crds/ directory: Helm installs
  // crds/ once and never upgrades it, so a chart upgrade would leave old CRDs
  // (install-helm.md, "Installing CRDs separately").
  envoyGatewayCrds: { release: 'envoy-gateway-crds', repository: ENVOY_CHARTS, chart: 'gateway-crds-helm', namespace: GATEWAY_NAMESPACE },
  envoyGateway: { release: 'envoy-gateway', repository: ENVOY_CHARTS, chart: 'gateway-helm', namespace: GATEWAY_NAMESPACE },
  certManager: { release: 'cert-manager', repository: 'https://charts.jetstack.io', chart: 'cert-manager', namespace: 'cert-manager' },
  prometheus: { release: 'prometheus', repository: 'https://prometheus-community.github.io/helm-charts', chart: 'prometheus', namespace: 'monitoring' },
} as const satisfies Record<string, ChartSource>;

/** Chart versions, pinned; each is configurable (`versions`). */
export interface ChartVersions {
  /** Both Envoy Gateway charts (they are released together, with one version). */
  readonly envoyGateway: string;
  readonly certManager: string;
  readonly prometheus: string;
}

/**
 * Envoy Gateway v1.9.0 (2026-08-15; Envoy 1.39, Gateway API v1.6.1, Kubernetes
 * 1.33-1.36 per site/content/en/news/releases/matrix.md); cert-manager v1.19.2;
 * prometheus 27.23.0 is Prometheus v3. Envoy Gateway's and cert-manager's chart
 * versions carry the `v`.
 */
export const DEFAULT_CHART_VERSIONS: ChartVersions = {
  envoyGateway: 'v1.9.0',
  certManager: 'v1.19.2',
  prometheus: '27.23.0',
};

/**
 * The Envoy image each Envoy Gateway version runs, by digest. v1.9.0's default is
 * docker.io/envoyproxy/envoy:distroless-v1.39.0 (api/v1alpha1/shared_types.go
 * `DefaultEnvoyProxyImage`); the digest is its multi-platform index, the one three public
 * repositories pinning that image agree on (the registry was not reachable from where it
 * was recorded). Another Envoy Gateway version runs its own default image, by tag.
 */
export const ENVOY_PROXY_IMAGES: Readonly<Record<string, string>> = {
  'v1.9.0': 'docker.io/envoyproxy/envoy:distroless-v1.39.0@sha256:7877ad87afd7459e1bd2a077ff601fec7c93aeecd62e71664560d96328c62cf4',
};

/**
 * The Gateway API release whose standard-channel CRDs Envoy Gateway v1.9.0's
 * gateway-crds-helm chart installs (its templates/standard-gatewayapi-crds.yaml carries
 * `gateway.networking.k8s.io/bundle-version: v1.6.1`; go.mod pins sigs.k8s.io/gateway-api
 * v1.6.1). The CRD schemas the tests validate against are from this tag of
 * kubernetes-sigs/gateway-api (test/fixtures/crds/SOURCES.md).
 */
export const GATEWAY_API_VERSION = 'v1.6.1';

/**
 * The Kubernetes minors each Envoy Gateway minor supports, from its compatibility
 * matrix (envoyproxy/gateway v1.9.0 site/content/en/news/releases/matrix.md).
 */
export const ENVOY_GATEWAY_KUBERNETES: Readonly<Record<string, { readonly oldest: number; readonly newest: number }>> = {
  'v1.7': { oldest: 32, newest: 35 },
  'v1.8': { oldest: 32, newest: 35 },
  'v1.9': { oldest: 33, newest: 36 },
};
