/** The single sign-on middleware: Grafana and Headlamp behind oauth2-proxy, added to an in-cluster stack. */
export * from './options';
export * from './middleware-releases';
