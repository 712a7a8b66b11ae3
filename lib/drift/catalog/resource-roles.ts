/**
 * What each resource the cluster's stacks declare is for, in words a person
 * reads in a report ("the AWS default route of cluster prod"), and how much
 * its absence hurts: an ERROR breaks the cluster or its security, or makes
 * the next apply replace or re-key something that runs; a WARNING degrades a
 * service (backups, autoscaling, the load balancer of one port) or changes
 * only what new nodes get. Any absence is drift: the next apply creates it.
 *
 * The roles follow the construct ids CastCluster, NodeGroup, IngressStack,
 * the etcd backup and InClusterStack give their resources (the last segment
 * of cdktf's construct path). A type the table does not know is described by
 * its Terraform type, as a WARNING: a user's own resource in the same stack. test/drift/check/resource-roles.test.ts fails when an
 * example declares a type this table does not name.
 */
import { Severity } from '../check/finding';
import { CLOUD_DISPLAY_NAME } from '../../core/cloud';
import { DesiredResource, DesiredState } from '../model';
import { appendTo } from '../append';

/** A resource's role. */
export interface ResourceRole {
  /** Words for what it is, e.g. "default route", "network interface". */
  readonly role: string;
  readonly severity: Severity;
  /** What is lost while it is absent, one clause, e.g. "no node reaches the internet". */
  readonly consequence: string;
  /** True when it belongs to one node: the role is then said "of node <name>". */
  readonly perNode?: boolean;
}

interface RoleRule extends ResourceRole {
  readonly type: string;
  /** Matched against the construct id (the last segment of the construct path). */
  readonly id?: RegExp;
}

const E = Severity.ERROR;
const W = Severity.WARNING;

const NODE_SUFFIXES = /-(ip-association|ip-assignment|ip|nic|nsg|replacement|http|https|backend)$/;
const REPLACES_NODE = 'the next apply makes a new stamp and so REPLACES this node (replace_triggered_by)';
const NEW_KEY = 'the next apply makes a new one, and nodes that trust the old one stop working with the cluster';

/** First match wins; rules with `id` come before their type's fallback. */
const RULES: readonly RoleRule[] = [
  // Nodes (missing-nodes-check.ts reports them, by name; the roles serve the other reports)
  { type: 'aws_instance', role: 'VM', severity: E, consequence: 'the cluster lacks this node', perNode: true },
  { type: 'google_compute_instance', role: 'VM', severity: E, consequence: 'the cluster lacks this node', perNode: true },
  { type: 'azurerm_linux_virtual_machine', role: 'VM', severity: E, consequence: 'the cluster lacks this node', perNode: true },
  { type: 'digitalocean_droplet', role: 'droplet', severity: E, consequence: 'the cluster lacks this node', perNode: true },
  // AWS network and addresses
  { type: 'aws_vpc', role: 'VPC', severity: E, consequence: 'the cluster has no AWS network' },
  { type: 'aws_subnet', role: 'subnet', severity: E, consequence: 'AWS nodes have no subnet' },
  { type: 'aws_internet_gateway', role: 'internet gateway', severity: E, consequence: 'no AWS node reaches the internet or the other clouds' },
  { type: 'aws_route_table', role: 'route table', severity: E, consequence: 'the AWS subnet falls back to the VPC main route table, which has no default route' },
  { type: 'aws_route', id: /default/i, role: 'default route', severity: E, consequence: 'no AWS node reaches the internet or the other clouds' },
  { type: 'aws_route', role: 'route', severity: E, consequence: 'traffic to its destination is not routed' },
  { type: 'aws_route_table_association', role: 'route table association of the subnet', severity: E, consequence: 'the subnet uses the VPC main route table, without the default route' },
  { type: 'aws_security_group', role: 'security group', severity: E, consequence: 'nodes in it lose their firewall' },
  { type: 'aws_vpc_security_group_ingress_rule', role: 'security group ingress rule', severity: E, consequence: 'the traffic it allows is dropped' },
  { type: 'aws_vpc_security_group_egress_rule', role: 'security group egress rule', severity: E, consequence: 'the traffic it allows is dropped' },
  { type: 'aws_security_group_rule', role: 'security group rule', severity: E, consequence: 'the traffic it allows is dropped' },
  { type: 'aws_eip', id: /^Address$/, role: 'ingress address', severity: E, consequence: 'the load balancer has no fixed public address' },
  { type: 'aws_eip', role: 'elastic IP', severity: E, consequence: 'the node loses its fixed public address, which the other clouds\' firewalls and the API seeds name', perNode: true },
  { type: 'aws_eip_association', role: 'elastic IP association', severity: E, consequence: 'the node\'s fixed public address points nowhere', perNode: true },
  { type: 'aws_vpc_endpoint', role: 'S3 gateway endpoint', severity: W, consequence: 'nodes fetch the mesh agent over the internet instead of the VPC' },
  // AWS identities, keys, storage
  { type: 'aws_iam_role', id: /worker/, role: 'workers\' IAM role', severity: E, consequence: 'workers cannot read the join token' },
  { type: 'aws_iam_role', role: 'control planes\' IAM role', severity: E, consequence: 'nodes cannot read their keys or the join token' },
  { type: 'aws_iam_role_policy', role: 'IAM role policy', severity: E, consequence: 'nodes lose the rights it grants' },
  { type: 'aws_iam_instance_profile', id: /worker/, role: 'workers\' instance profile', severity: E, consequence: 'workers lose the rights of their role' },
  { type: 'aws_iam_instance_profile', role: 'control planes\' instance profile', severity: E, consequence: 'nodes lose the rights of their role' },
  { type: 'aws_iam_user', role: 'etcd backup writer', severity: W, consequence: 'etcd backups cannot be uploaded' },
  { type: 'aws_iam_user_policy', role: 'etcd backup writer policy', severity: W, consequence: 'etcd backups cannot be uploaded' },
  { type: 'aws_iam_access_key', role: 'etcd backup writer key', severity: W, consequence: 'etcd backups cannot be uploaded' },
  { type: 'aws_secretsmanager_secret', id: /join-token/, role: 'join token secret', severity: E, consequence: 'new nodes cannot join' },
  { type: 'aws_secretsmanager_secret', role: 'control-plane key secret', severity: E, consequence: 'new control planes cannot get the cluster keys' },
  { type: 'aws_secretsmanager_secret_version', role: 'control-plane key bundle', severity: E, consequence: 'new control planes cannot get the cluster keys' },
  { type: 'aws_s3_bucket', id: /mesh-agent/, role: 'mesh agent bucket', severity: E, consequence: 'new nodes cannot fetch the mesh agent' },
  { type: 'aws_s3_bucket', role: 'etcd backup bucket', severity: W, consequence: 'etcd backups have nowhere to go' },
  { type: 'aws_s3_bucket_policy', role: 'mesh agent bucket policy', severity: E, consequence: 'new nodes cannot fetch the mesh agent' },
  { type: 'aws_s3_bucket_public_access_block', id: /mesh-agent/, role: 'public access block of the mesh agent bucket', severity: E, consequence: 'nothing stops the bucket from being made public' },
  { type: 'aws_s3_bucket_public_access_block', role: 'public access block of the etcd backup bucket', severity: E, consequence: 'nothing stops the bucket, which holds the cluster\'s secrets, from being made public' },
  { type: 'aws_s3_bucket_lifecycle_configuration', role: 'etcd backup expiry', severity: W, consequence: 'old backups are never deleted' },
  { type: 'aws_s3_object', role: 'mesh agent archive', severity: E, consequence: 'new nodes cannot fetch the mesh agent' },
  // AWS ingress and autoscaling
  { type: 'aws_lb', role: 'load balancer', severity: E, consequence: 'ingress traffic has no entry point' },
  { type: 'aws_lb_listener', role: 'load balancer listener', severity: E, consequence: 'its port takes no traffic' },
  { type: 'aws_lb_target_group', role: 'load balancer target group', severity: E, consequence: 'its port has no nodes behind it' },
  { type: 'aws_lb_target_group_attachment', role: 'load balancer target', severity: W, consequence: 'the node takes no ingress traffic', perNode: true },
  { type: 'aws_route53_record', role: 'DNS record', severity: E, consequence: 'the cluster\'s name does not resolve' },
  { type: 'aws_launch_template', role: 'launch template of an autoscaled group', severity: E, consequence: 'the group cannot start instances' },
  { type: 'aws_autoscaling_group', role: 'autoscaled group', severity: E, consequence: 'its instances are not managed' },
  { type: 'aws_cloudwatch_event_rule', role: 'spot interruption rule', severity: W, consequence: 'spot nodes are not drained before AWS takes them back' },
  { type: 'aws_cloudwatch_event_target', role: 'spot interruption target', severity: W, consequence: 'spot nodes are not drained before AWS takes them back' },
  // GCP
  { type: 'google_compute_network', role: 'VPC network', severity: E, consequence: 'the cluster has no GCP network' },
  { type: 'google_compute_subnetwork', role: 'subnet', severity: E, consequence: 'GCP nodes have no subnet' },
  { type: 'google_compute_firewall', role: 'firewall rule', severity: E, consequence: 'the traffic it allows is dropped' },
  { type: 'google_compute_address', id: /^Address$/, role: 'ingress address', severity: E, consequence: 'the load balancer has no fixed public address' },
  { type: 'google_compute_address', role: 'static external address', severity: E, consequence: 'the node loses its fixed public address, which the other clouds\' firewalls and the API seeds name', perNode: true },
  { type: 'google_service_account', id: /^workers$/, role: 'workers\' service account', severity: E, consequence: 'workers cannot read the join token' },
  { type: 'google_service_account', id: /writer/, role: 'etcd backup writer', severity: W, consequence: 'etcd backups cannot be uploaded' },
  { type: 'google_service_account', role: 'control planes\' service account', severity: E, consequence: 'nodes lose the rights it holds' },
  { type: 'google_project_iam_member', role: 'project IAM binding', severity: E, consequence: 'control planes cannot list the cluster\'s VMs' },
  { type: 'google_secret_manager_secret', id: /join-token/, role: 'join token secret', severity: E, consequence: 'new nodes cannot join' },
  { type: 'google_secret_manager_secret', role: 'control-plane key secret', severity: E, consequence: 'new control planes cannot get the cluster keys' },
  { type: 'google_secret_manager_secret_version', role: 'control-plane key bundle', severity: E, consequence: 'new control planes cannot get the cluster keys' },
  { type: 'google_secret_manager_secret_iam_member', role: 'secret IAM binding', severity: E, consequence: 'nodes cannot read the secret' },
  { type: 'google_storage_bucket', role: 'etcd backup bucket', severity: W, consequence: 'etcd backups have nowhere to go' },
  { type: 'google_storage_bucket_iam_member', role: 'etcd backup bucket binding', severity: W, consequence: 'etcd backups cannot be uploaded' },
  { type: 'google_storage_hmac_key', role: 'etcd backup writer key', severity: W, consequence: 'etcd backups cannot be uploaded' },
  { type: 'google_compute_target_pool', role: 'load balancer pool', severity: E, consequence: 'ingress traffic has no nodes behind it' },
  { type: 'google_compute_forwarding_rule', role: 'load balancer forwarding rule', severity: E, consequence: 'its port takes no traffic' },
  { type: 'google_compute_http_health_check', role: 'load balancer health check', severity: W, consequence: 'the pool sends traffic to nodes that cannot serve it' },
  { type: 'google_compute_instance_template', role: 'instance template of an autoscaled group', severity: E, consequence: 'the group cannot start instances' },
  { type: 'google_compute_instance_group_manager', role: 'autoscaled group', severity: E, consequence: 'its instances are not managed' },
  { type: 'google_compute_autoscaler', role: 'autoscaler of a group', severity: W, consequence: 'the group does not scale' },
  // Azure
  { type: 'azurerm_resource_group', role: 'resource group', severity: E, consequence: 'every Azure resource of the cluster is in it' },
  { type: 'azurerm_virtual_network', role: 'virtual network', severity: E, consequence: 'the cluster has no Azure network' },
  { type: 'azurerm_subnet', role: 'subnet', severity: E, consequence: 'Azure nodes have no subnet' },
  { type: 'azurerm_network_security_group', role: 'network security group', severity: E, consequence: 'nodes in it lose their firewall' },
  { type: 'azurerm_network_security_rule', role: 'network security rule', severity: E, consequence: 'the traffic it allows is dropped' },
  { type: 'azurerm_network_interface', role: 'network interface', severity: E, consequence: 'the node has no network', perNode: true },
  { type: 'azurerm_network_interface_security_group_association', role: 'security group attachment', severity: E, consequence: 'the node\'s network interface has no firewall', perNode: true },
  { type: 'azurerm_network_interface_backend_address_pool_association', role: 'load balancer pool membership', severity: W, consequence: 'the node takes no ingress traffic', perNode: true },
  { type: 'azurerm_public_ip', id: /^Address$/, role: 'ingress address', severity: E, consequence: 'the load balancer has no fixed public address' },
  { type: 'azurerm_public_ip', role: 'public IP', severity: E, consequence: 'the node loses its fixed public address, which the other clouds\' firewalls and the API seeds name', perNode: true },
  { type: 'azurerm_user_assigned_identity', id: /worker/, role: 'workers\' managed identity', severity: E, consequence: 'workers cannot read the join token' },
  { type: 'azurerm_user_assigned_identity', id: /autoscaler/, role: 'cluster autoscaler\'s managed identity', severity: E, consequence: 'the cluster autoscaler cannot scale' },
  { type: 'azurerm_user_assigned_identity', role: 'control planes\' managed identity', severity: E, consequence: 'nodes lose the rights it holds' },
  { type: 'azurerm_role_assignment', role: 'role assignment', severity: E, consequence: 'the identity loses the rights it grants' },
  { type: 'azurerm_role_definition', role: 'role definition', severity: E, consequence: 'the cluster autoscaler cannot scale' },
  { type: 'azurerm_key_vault', role: 'key vault', severity: E, consequence: 'nodes cannot get their keys or the join token' },
  { type: 'azurerm_key_vault_access_policy', role: 'key vault access policy', severity: E, consequence: 'the identity cannot read the vault' },
  { type: 'azurerm_key_vault_secret', role: 'control-plane key bundle', severity: E, consequence: 'new control planes cannot get the cluster keys' },
  { type: 'azurerm_storage_account', role: 'etcd backup storage account', severity: W, consequence: 'etcd backups have nowhere to go' },
  { type: 'azurerm_storage_container', role: 'etcd backup container', severity: W, consequence: 'etcd backups have nowhere to go' },
  { type: 'azurerm_storage_management_policy', role: 'etcd backup expiry', severity: W, consequence: 'old backups are never deleted' },
  { type: 'azurerm_lb', role: 'load balancer', severity: E, consequence: 'ingress traffic has no entry point' },
  { type: 'azurerm_lb_backend_address_pool', role: 'load balancer pool', severity: E, consequence: 'ingress traffic has no nodes behind it' },
  { type: 'azurerm_lb_probe', role: 'load balancer health probe', severity: W, consequence: 'the pool sends traffic to nodes that cannot serve it' },
  { type: 'azurerm_lb_rule', role: 'load balancer rule', severity: E, consequence: 'its port takes no traffic' },
  { type: 'azurerm_linux_virtual_machine_scale_set', role: 'autoscaled group', severity: E, consequence: 'its instances are not managed' },
  // DigitalOcean
  { type: 'digitalocean_vpc', role: 'VPC', severity: E, consequence: 'the cluster has no DigitalOcean network' },
  { type: 'digitalocean_firewall', role: 'firewall', severity: E, consequence: 'the droplets it covers lose their firewall' },
  { type: 'digitalocean_tag', role: 'droplet tag', severity: E, consequence: 'the firewall that targets it covers no droplet' },
  { type: 'digitalocean_reserved_ip', role: 'reserved IP', severity: E, consequence: 'the node loses its fixed public address, which the other clouds\' firewalls and the API seeds name', perNode: true },
  { type: 'digitalocean_reserved_ip_assignment', role: 'reserved IP assignment', severity: E, consequence: 'the node\'s fixed public address points nowhere', perNode: true },
  { type: 'digitalocean_ssh_key', role: 'SSH key', severity: W, consequence: 'new droplets get no operator key' },
  { type: 'digitalocean_loadbalancer', role: 'load balancer', severity: E, consequence: 'ingress traffic has no entry point' },
  { type: 'digitalocean_droplet_autoscale', role: 'autoscaled pool', severity: E, consequence: 'its droplets are not managed' },
  { type: 'digitalocean_spaces_bucket', role: 'etcd backup bucket', severity: W, consequence: 'etcd backups have nowhere to go' },
  { type: 'digitalocean_spaces_key', role: 'etcd backup writer key', severity: W, consequence: 'etcd backups cannot be uploaded' },
  // Keys, tokens and stamps that live in state only
  { type: 'tls_private_key', id: /ssh/, role: 'SSH key', severity: W, consequence: 'new VMs get another operator key' },
  { type: 'tls_private_key', id: /^ca-key$/, role: 'cluster CA key', severity: E, consequence: NEW_KEY },
  { type: 'tls_private_key', id: /etcd-ca/, role: 'etcd CA key', severity: E, consequence: NEW_KEY },
  { type: 'tls_private_key', id: /front-proxy/, role: 'front proxy CA key', severity: E, consequence: NEW_KEY },
  { type: 'tls_private_key', id: /service-account/, role: 'service account signing key', severity: E, consequence: NEW_KEY },
  { type: 'tls_private_key', id: /admin/, role: 'admin key', severity: W, consequence: 'the kubeconfig output changes on the next apply' },
  { type: 'tls_private_key', role: 'private key', severity: E, consequence: NEW_KEY },
  { type: 'tls_self_signed_cert', id: /^ca-cert$/, role: 'cluster CA', severity: E, consequence: NEW_KEY },
  { type: 'tls_self_signed_cert', id: /etcd-ca/, role: 'etcd CA', severity: E, consequence: NEW_KEY },
  { type: 'tls_self_signed_cert', id: /front-proxy/, role: 'front proxy CA', severity: E, consequence: NEW_KEY },
  { type: 'tls_self_signed_cert', role: 'certificate authority', severity: E, consequence: NEW_KEY },
  { type: 'tls_cert_request', role: 'admin certificate request', severity: W, consequence: 'the next apply signs a new admin certificate' },
  { type: 'tls_locally_signed_cert', role: 'admin certificate', severity: W, consequence: 'the kubeconfig output changes on the next apply' },
  { type: 'random_string', id: /bootstrap-token/, role: 'bootstrap token id', severity: E, consequence: 'new nodes get a token the cluster does not know' },
  { type: 'random_password', id: /bootstrap-token/, role: 'bootstrap token secret', severity: E, consequence: 'new nodes get a token the cluster does not know' },
  { type: 'random_password', id: /control-plane/, role: 'key ticket', severity: E, consequence: 'the control plane cannot fetch its keys over the mesh', perNode: true },
  { type: 'random_id', role: 'name suffix', severity: E, consequence: 'the next apply renames, and so replaces, what carries the suffix (a vault or bucket and its contents)' },
  { type: 'terraform_data', id: /-replacement$/, role: 'replacement stamp', severity: E, consequence: REPLACES_NODE, perNode: true },
  { type: 'terraform_data', id: /^os-image-/, role: 'pinned OS image', severity: W, consequence: 'the next apply looks the image up again, and new nodes get the newest one' },
  // In-cluster stack
  { type: 'helm_release', role: 'Helm release', severity: E, consequence: 'what it installs in the cluster is not managed' },
  { type: 'kubernetes_namespace_v1', role: 'namespace', severity: E, consequence: 'what lives in it is gone' },
  { type: 'kubernetes_secret_v1', role: 'Kubernetes secret', severity: E, consequence: 'the workloads that read it fail' },
  { type: 'kubernetes_config_map_v1', role: 'Kubernetes config map', severity: W, consequence: 'the workloads that read it fail' },
];

const BY_TYPE = new Map<string, RoleRule[]>();
for (const rule of RULES) appendTo(BY_TYPE, rule.type, rule);

/** True when the table names `type` (for the coverage test). */
export function hasKnownRole(type: string): boolean {
  return BY_TYPE.has(type);
}

/** The construct id of a desired resource: the last segment of its construct path, else its name. */
export function constructIdOf(resource: Pick<DesiredResource, 'constructPath' | 'name'>): string {
  return resource.constructPath?.split('/').pop() || resource.name;
}

/** The role of `resource`, by its type and construct id. */
export function roleOf(resource: Pick<DesiredResource, 'type' | 'constructPath' | 'name'>): ResourceRole {
  const id = constructIdOf(resource);
  const rule = BY_TYPE.get(resource.type)?.find((candidate) => !candidate.id || candidate.id.test(id));
  return rule ?? { role: resource.type, severity: Severity.WARNING, consequence: 'what depends on it may fail' };
}

const SIBLINGS = new WeakMap<object, Map<string, number>>();

/** How many blocks of `desired` share each cloud and role: a role several share is told apart by construct id. */
function siblingCounts(desired: Pick<DesiredState, 'resources'>): Map<string, number> {
  let counts = SIBLINGS.get(desired);
  if (!counts) {
    counts = new Map();
    for (const resource of desired.resources.values()) {
      const key = `${resource.cloud}/${roleOf(resource).role}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    SIBLINGS.set(desired, counts);
  }
  return counts;
}

/**
 * A resource described for a person: "the AWS default route of cluster prod",
 * "the Azure network interface of node prod-azure-cp-1 of cluster prod", and,
 * where the stacks declare several of a role, with its construct id: "the GCP
 * firewall rule control-plane-wireguard of cluster prod".
 */
export function describeRole(resource: Pick<DesiredResource, 'type' | 'constructPath' | 'name' | 'cloud'>, desired: Pick<DesiredState, 'resources' | 'clusterName'>): string {
  const role = roleOf(resource);
  const id = constructIdOf(resource);
  const where = resource.cloud ? `${CLOUD_DISPLAY_NAME[resource.cloud]} ` : '';
  const node = role.perNode ? ` of node ${id.replace(NODE_SUFFIXES, '')}` : '';
  const named = !role.perNode && (siblingCounts(desired).get(`${resource.cloud}/${role.role}`) ?? 0) > 1 ? ` ${id}` : '';
  const cluster = desired.clusterName ? ` of cluster ${desired.clusterName}` : '';
  return `the ${where}${role.role}${named}${node}${cluster}`;
}
