/** The ACME directories cert-manager's ClusterIssuer can use. */

/** Which Let's Encrypt directory issues the certificates. */
export enum AcmeServer {
  /** Trusted certificates, with Let's Encrypt's production rate limits. */
  PRODUCTION = 'production',
  /** Untrusted test certificates and generous rate limits: for trying the setup out. */
  STAGING = 'staging',
}

/** Directory URL of each server (https://letsencrypt.org/docs/staging-environment/). */
export const ACME_SERVER_URL: Readonly<Record<AcmeServer, string>> = {
  [AcmeServer.PRODUCTION]: 'https://acme-v02.api.letsencrypt.org/directory',
  [AcmeServer.STAGING]: 'https://acme-staging-v02.api.letsencrypt.org/directory',
};
