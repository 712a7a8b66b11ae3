/** Option structs of the single sign-on middleware. */
import { GrafanaRole } from '../core/middleware/middleware-plan';

/** Versions of the middleware: exact versions, never ranges. */
export interface MiddlewareVersions {
  /**
   * The oauth2-proxy release (its image tag at `quay.io/oauth2-proxy/oauth2-proxy`),
   * which runs in the pod of each console. Not a chart version: oauth2-proxy runs
   * without its chart.
   * @default "v7.15.3"
   */
  readonly oauth2Proxy?: string;
  /**
   * The grafana chart (https://grafana-community.github.io/helm-charts).
   * @default "12.11.1" (Grafana 13.2.0)
   */
  readonly grafana?: string;
  /**
   * The headlamp chart (https://kubernetes-sigs.github.io/headlamp/).
   * @default "0.45.0" (Headlamp 0.45.0)
   */
  readonly headlamp?: string;
}

/**
 * Grafana and Headlamp at one host, each behind an oauth2-proxy in its own pod:
 * nothing of them is reachable before the user signs in at your OpenID Connect
 * identity provider, from outside the cluster or from another pod. Register a
 * client there with the redirect URLs `https://<host>/grafana/oauth2/callback`
 * and `https://<host>/headlamp/oauth2/callback`.
 */
export interface MiddlewareOptions {
  /**
   * The host Grafana (`https://<host>/grafana/`) and Headlamp
   * (`https://<host>/headlamp/`) are served at. It must be one of the
   * IngressStack's `tlsHostnames` (the Gateway's certificate for it), and a DNS
   * name you point at the ingress name (a CNAME).
   */
  readonly host: string;
  /**
   * The identity provider's OIDC issuer URL, as its
   * `/.well-known/openid-configuration` says, e.g. `https://accounts.google.com`.
   */
  readonly issuerUrl: string;
  /** The OIDC client id your identity provider issued for this host. */
  readonly clientId: string;
  /**
   * The name of the Terraform variable that holds the OIDC client secret. The
   * in-cluster stack declares it (sensitive); set it when you deploy, e.g.
   * `TF_VAR_oidc_client_secret=... cdktf deploy`. Its value goes into a
   * Kubernetes Secret through Terraform, never into the synthesized configuration.
   * @default "oidc_client_secret"
   */
  readonly clientSecretVariable?: string;
  /**
   * Email addresses that may sign in. With `allowedGroups` too, a user must be
   * listed here and belong to one of the groups.
   * @default - none: `allowedGroups` decides (one of the two is required)
   */
  readonly allowedEmails?: string[];
  /**
   * Groups, as the identity provider puts them in the ID token's `groups` claim,
   * whose members may sign in.
   * @default - none: `allowedEmails` decides (one of the two is required)
   */
  readonly allowedGroups?: string[];
  /**
   * The Grafana role every user who signs in gets.
   * @default GrafanaRole.VIEWER
   */
  readonly grafanaRole?: GrafanaRole;
  /**
   * The Prometheus Grafana reads, a URL inside the cluster.
   * @default - the Prometheus the ingress installs (`http://prometheus-server.monitoring.svc.cluster.local`); required when the ingress installs none
   */
  readonly prometheusUrl?: string;
  /**
   * Chart versions.
   * @default - the versions MiddlewareVersions documents
   */
  readonly versions?: MiddlewareVersions;
}
