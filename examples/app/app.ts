/**
 * An app behind the cluster's ingress: a cluster with workers on all four
 * clouds, its IngressStack (a load balancer per cloud, `ingress.shop.example.com`
 * in an existing Route 53 zone), and the in-cluster stack (Envoy Gateway with
 * the Gateway `cast`, cert-manager, Prometheus, and Grafana and Headlamp at
 * `ops.shop.example.com` behind single sign-on). The app itself is manifests/
 * (a Deployment, a Service and HTTPRoutes): kubectl apply it.
 * Deploy order and the CNAME step: README.md next to this file.
 */
import { App, TerraformStack } from 'cdktf';
import { CastCluster, Cloud, DnsService, IngressStack, NodeRole } from 'cdktf-cast-cluster';

export function buildApp(app: App): void {
  const stack = new TerraformStack(app, 'shop-cluster');
  const cluster = new CastCluster(stack, 'shop', {
    name: 'shop',
    region: 'us-east',
    clouds: [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN],
  });
  for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE]) {
    cluster.addNodeGroup(`${cloud}-cp`, { cloud, role: NodeRole.CONTROL_PLANE });
  }
  for (const cloud of [Cloud.AWS, Cloud.GCP, Cloud.AZURE, Cloud.DIGITALOCEAN]) {
    cluster.addNodeGroup(`${cloud}-workers`, { cloud, role: NodeRole.WORKER, count: 2 });
  }

  // After the node groups: the load balancers target the workers that exist now.
  const ingress = new IngressStack(stack, 'ingress', {
    cluster,
    dns: { service: DnsService.ROUTE53, zoneName: 'example.com' },
    acmeEmail: 'ops@example.com',
    // The app's own name (manifests/route.yaml) and the consoles' name: the Gateway gets a certificate for each.
    tlsHostnames: ['shop.example.com', 'ops.shop.example.com'],
  });
  ingress.addInClusterStack(app, 'shop-in-cluster', {
    // Grafana and Headlamp for the team, after a sign-in at the identity provider.
    // The client secret comes from TF_VAR_oidc_client_secret at deploy.
    middleware: {
      host: 'ops.shop.example.com',
      issuerUrl: 'https://accounts.google.com',
      clientId: 'shop-ops.apps.googleusercontent.com',
      allowedEmails: ['ops@example.com'],
    },
  });
}
