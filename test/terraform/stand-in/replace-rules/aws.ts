/**
 * Attributes whose change makes hashicorp/aws 6.25.0 plan a replacement, for the stand-in provider.
 *
 * Read from the provider source at v6.25.0: the schema functions as the lonegunmanb/terraform-provider-aws-index
 * tag v6.25.0 stores them (index/internal/service/<service>/func.<schemaFunc>.goindex); the paths below are the
 * upstream files those functions live in. A source names the attribute path as the Go schema spells it and the
 * mechanism: `ForceNew` (schema flag), `CustomizeDiff ForceNewIf` / `ForceNew()` (conditional, see the comment)
 * or `RequiresReplace` (plugin-framework plan modifier).
 *
 * SDKv2 semantics worth knowing: ForceNew on a primitive list/set/map replaces on any element change; ForceNew on a
 * nested block only counts its elements, so a block path is listed here only when every configurable field inside
 * it is ForceNew as well. Every regional resource also gets the injected `region` argument, which replaces the
 * resource when it changes (except between unset and the provider's own region).
 */
import { ReplaceTable } from './replace-rule';

const AWS = 'hashicorp/terraform-provider-aws v6.25.0';
const EC2_INSTANCE = `${AWS} internal/service/ec2/ec2_instance.go`;
const EC2_LAUNCH_TEMPLATE = `${AWS} internal/service/ec2/ec2_launch_template.go`;
const AUTOSCALING_GROUP = `${AWS} internal/service/autoscaling/group.go`;
const EC2_EIP = `${AWS} internal/service/ec2/ec2_eip.go`;
const EC2_EIP_ASSOCIATION = `${AWS} internal/service/ec2/ec2_eip_association.go`;
const VPC_NETWORK_INTERFACE = `${AWS} internal/service/ec2/vpc_network_interface.go`;
const EC2_KEY_PAIR = `${AWS} internal/service/ec2/ec2_key_pair.go`;
const VPC_ROUTE = `${AWS} internal/service/ec2/vpc_route.go`;
const VPC_ROUTE_TABLE = `${AWS} internal/service/ec2/vpc_route_table.go`;
const VPC_ROUTE_TABLE_ASSOCIATION = `${AWS} internal/service/ec2/vpc_route_table_association.go`;
const VPC_SECURITY_GROUP = `${AWS} internal/service/ec2/vpc_security_group.go`;
const VPC_SUBNET = `${AWS} internal/service/ec2/vpc_subnet.go`;
const VPC = `${AWS} internal/service/ec2/vpc_.go`;
const VPC_ENDPOINT = `${AWS} internal/service/ec2/vpc_endpoint.go`;
const ELBV2_LOAD_BALANCER = `${AWS} internal/service/elbv2/load_balancer.go`;
const ELBV2_LISTENER = `${AWS} internal/service/elbv2/listener.go`;
const ELBV2_TARGET_GROUP = `${AWS} internal/service/elbv2/target_group.go`;
const ELBV2_TARGET_GROUP_ATTACHMENT = `${AWS} internal/service/elbv2/target_group_attachment.go`;
const EVENTS_RULE = `${AWS} internal/service/events/rule.go`;
const EVENTS_TARGET = `${AWS} internal/service/events/target.go`;
const IAM_INSTANCE_PROFILE = `${AWS} internal/service/iam/instance_profile.go`;
const IAM_ACCESS_KEY = `${AWS} internal/service/iam/access_key.go`;
const IAM_USER_POLICY = `${AWS} internal/service/iam/user_policy.go`;
const S3_BUCKET_LIFECYCLE_CONFIGURATION = `${AWS} internal/service/s3/bucket_lifecycle_configuration.go`;
const IAM_ROLE = `${AWS} internal/service/iam/role.go`;
const IAM_ROLE_POLICY = `${AWS} internal/service/iam/role_policy.go`;
const IAM_ROLE_POLICY_ATTACHMENT = `${AWS} internal/service/iam/role_policy_attachment.go`;
const ROUTE53_RECORD = `${AWS} internal/service/route53/record.go`;
const ROUTE53_ZONE = `${AWS} internal/service/route53/zone.go`;
const S3_BUCKET = `${AWS} internal/service/s3/bucket.go`;
const S3_BUCKET_POLICY = `${AWS} internal/service/s3/bucket_policy.go`;
const S3_BUCKET_PUBLIC_ACCESS_BLOCK = `${AWS} internal/service/s3/bucket_public_access_block.go`;
const S3_OBJECT = `${AWS} internal/service/s3/object.go`;
const SECRETSMANAGER_SECRET = `${AWS} internal/service/secretsmanager/secret.go`;
const SECRETSMANAGER_SECRET_VERSION = `${AWS} internal/service/secretsmanager/secret_version.go`;
const VPC_SECURITY_GROUP_INGRESS_RULE = `${AWS} internal/service/ec2/vpc_security_group_ingress_rule.go`;

/** Force-new attributes of registry.terraform.io/hashicorp/aws 6.25.0, by resource type. */
export const AWS_REPLACE_RULES: ReplaceTable = {
  aws_autoscaling_group: [
    { path: ['initial_lifecycle_hook'], source: `${AUTOSCALING_GROUP} "initial_lifecycle_hook" ForceNew` },
    { path: ['initial_lifecycle_hook', '*', 'default_result'], source: `${AUTOSCALING_GROUP} "initial_lifecycle_hook.default_result" ForceNew` },
    { path: ['initial_lifecycle_hook', '*', 'heartbeat_timeout'], source: `${AUTOSCALING_GROUP} "initial_lifecycle_hook.heartbeat_timeout" ForceNew` },
    { path: ['initial_lifecycle_hook', '*', 'lifecycle_transition'], source: `${AUTOSCALING_GROUP} "initial_lifecycle_hook.lifecycle_transition" ForceNew` },
    { path: ['initial_lifecycle_hook', '*', 'name'], source: `${AUTOSCALING_GROUP} "initial_lifecycle_hook.name" ForceNew` },
    { path: ['initial_lifecycle_hook', '*', 'notification_metadata'], source: `${AUTOSCALING_GROUP} "initial_lifecycle_hook.notification_metadata" ForceNew` },
    { path: ['initial_lifecycle_hook', '*', 'notification_target_arn'], source: `${AUTOSCALING_GROUP} "initial_lifecycle_hook.notification_target_arn" ForceNew` },
    { path: ['initial_lifecycle_hook', '*', 'role_arn'], source: `${AUTOSCALING_GROUP} "initial_lifecycle_hook.role_arn" ForceNew` },
    { path: ['name'], source: `${AUTOSCALING_GROUP} "name" ForceNew` },
    { path: ['name_prefix'], source: `${AUTOSCALING_GROUP} "name_prefix" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_cloudwatch_event_rule: [
    { path: ['event_bus_name'], source: `${EVENTS_RULE} "event_bus_name" ForceNew` },
    { path: ['name'], source: `${EVENTS_RULE} "name" ForceNew` },
    { path: ['name_prefix'], source: `${EVENTS_RULE} "name_prefix" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_cloudwatch_event_target: [
    { path: ['event_bus_name'], source: `${EVENTS_TARGET} "event_bus_name" ForceNew` },
    { path: ['rule'], source: `${EVENTS_TARGET} "rule" ForceNew` },
    { path: ['target_id'], source: `${EVENTS_TARGET} "target_id" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_eip: [
    { path: ['address'], source: `${EC2_EIP} "address" ForceNew` },
    { path: ['domain'], source: `${EC2_EIP} "domain" ForceNew` },
    { path: ['ipam_pool_id'], source: `${EC2_EIP} "ipam_pool_id" ForceNew` },
    { path: ['network_border_group'], source: `${EC2_EIP} "network_border_group" ForceNew` },
    { path: ['public_ipv4_pool'], source: `${EC2_EIP} "public_ipv4_pool" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_eip_association: [
    { path: ['allocation_id'], source: `${EC2_EIP_ASSOCIATION} "allocation_id" ForceNew` },
    { path: ['allow_reassociation'], source: `${EC2_EIP_ASSOCIATION} "allow_reassociation" ForceNew` },
    { path: ['instance_id'], source: `${EC2_EIP_ASSOCIATION} "instance_id" ForceNew` },
    { path: ['network_interface_id'], source: `${EC2_EIP_ASSOCIATION} "network_interface_id" ForceNew` },
    { path: ['private_ip_address'], source: `${EC2_EIP_ASSOCIATION} "private_ip_address" ForceNew` },
    { path: ['public_ip'], source: `${EC2_EIP_ASSOCIATION} "public_ip" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_iam_access_key: [
    // status is updated in place.
    { path: ['pgp_key'], source: `${IAM_ACCESS_KEY} resourceAccessKey() "pgp_key" ForceNew` },
    { path: ['user'], source: `${IAM_ACCESS_KEY} resourceAccessKey() "user" ForceNew` },
  ],
  aws_iam_instance_profile: [
    { path: ['name'], source: `${IAM_INSTANCE_PROFILE} "name" ForceNew` },
    { path: ['name_prefix'], source: `${IAM_INSTANCE_PROFILE} "name_prefix" ForceNew` },
    { path: ['path'], source: `${IAM_INSTANCE_PROFILE} "path" ForceNew` },
  ],
  aws_iam_role: [
    { path: ['name'], source: `${IAM_ROLE} "name" ForceNew` },
    { path: ['name_prefix'], source: `${IAM_ROLE} "name_prefix" ForceNew` },
    { path: ['path'], source: `${IAM_ROLE} "path" ForceNew` },
  ],
  aws_iam_role_policy: [
    { path: ['name'], source: `${IAM_ROLE_POLICY} "name" ForceNew` },
    { path: ['name_prefix'], source: `${IAM_ROLE_POLICY} "name_prefix" ForceNew` },
    { path: ['role'], source: `${IAM_ROLE_POLICY} "role" ForceNew` },
  ],
  aws_iam_role_policy_attachment: [
    { path: ['policy_arn'], source: `${IAM_ROLE_POLICY_ATTACHMENT} "policy_arn" ForceNew` },
    { path: ['role'], source: `${IAM_ROLE_POLICY_ATTACHMENT} "role" ForceNew` },
  ],
  // No ForceNew in resourceUser() (internal/service/iam/user.go): name, path, permissions_boundary, force_destroy and tags are updated in place (a rename calls UpdateUser).
  aws_iam_user: [],
  aws_iam_user_policy: [
    { path: ['name'], source: `${IAM_USER_POLICY} resourceUserPolicy() "name" ForceNew` },
    { path: ['name_prefix'], source: `${IAM_USER_POLICY} resourceUserPolicy() "name_prefix" ForceNew` },
    { path: ['user'], source: `${IAM_USER_POLICY} resourceUserPolicy() "user" ForceNew` },
  ],
  aws_instance: [
    // root_block_device volume_size, volume_type, iops, throughput, delete_on_termination and tags are modified in place; only encrypted and kms_key_id replace.
    // instance_type is updated in place (stop/start); CustomizeDiff ForceNewIf replaces only when old and new types share no CPU architecture (e.g. x86_64 -> arm64), which needs EC2 data: not modelled.
    // Not modelled: adding or removing `ephemeral_block_device` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    // Not modelled: adding or removing `launch_template` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    // Not modelled: adding or removing `private_dns_name_options` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    { path: ['ami'], source: `${EC2_INSTANCE} "ami" ForceNew` },
    { path: ['associate_public_ip_address'], source: `${EC2_INSTANCE} "associate_public_ip_address" ForceNew` },
    { path: ['availability_zone'], source: `${EC2_INSTANCE} "availability_zone" ForceNew` },
    { path: ['cpu_options', '*', 'amd_sev_snp'], source: `${EC2_INSTANCE} "cpu_options.amd_sev_snp" ForceNew` },
    { path: ['cpu_options', '*', 'core_count'], source: `${EC2_INSTANCE} "cpu_options.core_count" ForceNew` },
    { path: ['cpu_options', '*', 'threads_per_core'], source: `${EC2_INSTANCE} "cpu_options.threads_per_core" ForceNew` },
    { path: ['ebs_block_device', '*', 'delete_on_termination'], source: `${EC2_INSTANCE} "ebs_block_device.delete_on_termination" ForceNew` },
    { path: ['ebs_block_device', '*', 'device_name'], source: `${EC2_INSTANCE} "ebs_block_device.device_name" ForceNew` },
    { path: ['ebs_block_device', '*', 'encrypted'], source: `${EC2_INSTANCE} "ebs_block_device.encrypted" ForceNew` },
    { path: ['ebs_block_device', '*', 'iops'], source: `${EC2_INSTANCE} "ebs_block_device.iops" ForceNew` },
    { path: ['ebs_block_device', '*', 'kms_key_id'], source: `${EC2_INSTANCE} "ebs_block_device.kms_key_id" ForceNew` },
    { path: ['ebs_block_device', '*', 'snapshot_id'], source: `${EC2_INSTANCE} "ebs_block_device.snapshot_id" ForceNew` },
    { path: ['ebs_block_device', '*', 'throughput'], source: `${EC2_INSTANCE} "ebs_block_device.throughput" ForceNew` },
    { path: ['ebs_block_device', '*', 'volume_size'], source: `${EC2_INSTANCE} "ebs_block_device.volume_size" ForceNew` },
    { path: ['ebs_block_device', '*', 'volume_type'], source: `${EC2_INSTANCE} "ebs_block_device.volume_type" ForceNew` },
    { path: ['ebs_optimized'], source: `${EC2_INSTANCE} "ebs_optimized" ForceNew` },
    { path: ['enclave_options', '*', 'enabled'], source: `${EC2_INSTANCE} "enclave_options.enabled" ForceNew` },
    { path: ['hibernation'], source: `${EC2_INSTANCE} "hibernation" ForceNew` },
    { path: ['host_id'], source: `${EC2_INSTANCE} "host_id" ForceNew` },
    { path: ['instance_market_options'], source: `${EC2_INSTANCE} "instance_market_options" ForceNew` },
    { path: ['instance_market_options', '*', 'market_type'], source: `${EC2_INSTANCE} "instance_market_options.market_type" ForceNew` },
    { path: ['instance_market_options', '*', 'spot_options'], source: `${EC2_INSTANCE} "instance_market_options.spot_options" ForceNew` },
    { path: ['instance_market_options', '*', 'spot_options', '*', 'instance_interruption_behavior'], source: `${EC2_INSTANCE} "instance_market_options.spot_options.instance_interruption_behavior" ForceNew` },
    { path: ['instance_market_options', '*', 'spot_options', '*', 'max_price'], source: `${EC2_INSTANCE} "instance_market_options.spot_options.max_price" ForceNew` },
    { path: ['instance_market_options', '*', 'spot_options', '*', 'spot_instance_type'], source: `${EC2_INSTANCE} "instance_market_options.spot_options.spot_instance_type" ForceNew` },
    { path: ['instance_market_options', '*', 'spot_options', '*', 'valid_until'], source: `${EC2_INSTANCE} "instance_market_options.spot_options.valid_until" ForceNew` },
    { path: ['key_name'], source: `${EC2_INSTANCE} "key_name" ForceNew` },
    { path: ['launch_template', '*', 'id'], source: `${EC2_INSTANCE} "launch_template.id" ForceNew` },
    { path: ['launch_template', '*', 'name'], source: `${EC2_INSTANCE} "launch_template.name" ForceNew` },
    { path: ['network_interface', '*', 'delete_on_termination'], source: `${EC2_INSTANCE} "network_interface.delete_on_termination" ForceNew` },
    { path: ['network_interface', '*', 'device_index'], source: `${EC2_INSTANCE} "network_interface.device_index" ForceNew` },
    { path: ['network_interface', '*', 'network_card_index'], source: `${EC2_INSTANCE} "network_interface.network_card_index" ForceNew` },
    { path: ['network_interface', '*', 'network_interface_id'], source: `${EC2_INSTANCE} "network_interface.network_interface_id" ForceNew` },
    { path: ['placement_group'], source: `${EC2_INSTANCE} "placement_group" ForceNew` },
    { path: ['placement_group_id'], source: `${EC2_INSTANCE} "placement_group_id" ForceNew` },
    { path: ['placement_partition_number'], source: `${EC2_INSTANCE} "placement_partition_number" ForceNew` },
    { path: ['primary_network_interface', '*', 'network_interface_id'], source: `${EC2_INSTANCE} "primary_network_interface.network_interface_id" ForceNew` },
    { path: ['private_ip'], source: `${EC2_INSTANCE} "private_ip" ForceNew` },
    { path: ['root_block_device', '*', 'encrypted'], source: `${EC2_INSTANCE} "root_block_device.encrypted" ForceNew` },
    { path: ['root_block_device', '*', 'kms_key_id'], source: `${EC2_INSTANCE} "root_block_device.kms_key_id" ForceNew` },
    { path: ['security_groups'], source: `${EC2_INSTANCE} "security_groups" ForceNew` },
    { path: ['subnet_id'], source: `${EC2_INSTANCE} "subnet_id" ForceNew` },
    { path: ['tenancy'], source: `${EC2_INSTANCE} "tenancy" ForceNew` },
    // Otherwise user_data is updated in place with a stop/start of the instance.
    { path: ['user_data'], when: { attribute: 'user_data_replace_on_change', equals: true }, source: `${EC2_INSTANCE} "user_data" CustomizeDiff ForceNewIf` },
    // Likewise: in place (stop/start) unless user_data_replace_on_change = true.
    { path: ['user_data_base64'], when: { attribute: 'user_data_replace_on_change', equals: true }, source: `${EC2_INSTANCE} "user_data_base64" CustomizeDiff ForceNewIf` },
    // Only true -> false replaces; enabling is in place.
    { path: ['enable_primary_ipv6'], when: { attribute: 'enable_primary_ipv6', equals: false }, source: `${EC2_INSTANCE} "enable_primary_ipv6" CustomizeDiff ForceNewIf` },
    // Not when ipv6_address_count changes in the same plan (the addresses are then computed).
    { path: ['ipv6_addresses'], source: `${EC2_INSTANCE} "ipv6_addresses" CustomizeDiff ForceNewIf` },
    // Replaces unless the instance already runs the template version the new value resolves to (needs EC2 data; assume it does not).
    { path: ['launch_template', '*', 'version'], source: `${EC2_INSTANCE} "launch_template.version" CustomizeDiff ForceNew()` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_internet_gateway: [
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_key_pair: [
    { path: ['key_name'], source: `${EC2_KEY_PAIR} "key_name" ForceNew` },
    { path: ['key_name_prefix'], source: `${EC2_KEY_PAIR} "key_name_prefix" ForceNew` },
    { path: ['public_key'], source: `${EC2_KEY_PAIR} "public_key" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_launch_template: [
    // Everything else is in place: a change writes a new template version (and bumps default_version when update_default_version = true).
    { path: ['name'], source: `${EC2_LAUNCH_TEMPLATE} "name" ForceNew` },
    { path: ['name_prefix'], source: `${EC2_LAUNCH_TEMPLATE} "name_prefix" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_lb: [
    // Not modelled (customizeDiffLoadBalancerNLB/ALB): for load_balancer_type = "network", removing subnets (or changing them without adding), adding the first or removing the last security group, or lowering secondary_ips_auto_assigned_per_subnet replaces; changing subnet_mapping entries (not only adding) replaces for network and application load balancers.
    { path: ['customer_owned_ipv4_pool'], source: `${ELBV2_LOAD_BALANCER} "customer_owned_ipv4_pool" ForceNew` },
    { path: ['internal'], source: `${ELBV2_LOAD_BALANCER} "internal" ForceNew` },
    { path: ['load_balancer_type'], source: `${ELBV2_LOAD_BALANCER} "load_balancer_type" ForceNew` },
    { path: ['name'], source: `${ELBV2_LOAD_BALANCER} "name" ForceNew` },
    { path: ['name_prefix'], source: `${ELBV2_LOAD_BALANCER} "name_prefix" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_lb_listener: [
    { path: ['load_balancer_arn'], source: `${ELBV2_LISTENER} "load_balancer_arn" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_lb_target_group: [
    { path: ['ip_address_type'], source: `${ELBV2_TARGET_GROUP} "ip_address_type" ForceNew` },
    { path: ['name'], source: `${ELBV2_TARGET_GROUP} "name" ForceNew` },
    { path: ['name_prefix'], source: `${ELBV2_TARGET_GROUP} "name_prefix" ForceNew` },
    { path: ['port'], source: `${ELBV2_TARGET_GROUP} "port" ForceNew` },
    { path: ['protocol'], source: `${ELBV2_TARGET_GROUP} "protocol" ForceNew` },
    { path: ['protocol_version'], source: `${ELBV2_TARGET_GROUP} "protocol_version" ForceNew` },
    { path: ['target_control_port'], source: `${ELBV2_TARGET_GROUP} "target_control_port" ForceNew` },
    { path: ['target_type'], source: `${ELBV2_TARGET_GROUP} "target_type" ForceNew` },
    { path: ['vpc_id'], source: `${ELBV2_TARGET_GROUP} "vpc_id" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_lb_target_group_attachment: [
    { path: ['availability_zone'], source: `${ELBV2_TARGET_GROUP_ATTACHMENT} "availability_zone" ForceNew` },
    { path: ['target_group_arn'], source: `${ELBV2_TARGET_GROUP_ATTACHMENT} "target_group_arn" ForceNew` },
    { path: ['target_id'], source: `${ELBV2_TARGET_GROUP_ATTACHMENT} "target_id" ForceNew` },
    { path: ['port'], source: `${ELBV2_TARGET_GROUP_ATTACHMENT} "port" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_network_interface: [
    // Not modelled: private_ips replaces only when the new set no longer holds the primary IP (private_ip_list_enabled = false), and private_ip_list only when its first element changes (private_ip_list_enabled = true).
    { path: ['interface_type'], source: `${VPC_NETWORK_INTERFACE} "interface_type" ForceNew` },
    { path: ['subnet_id'], source: `${VPC_NETWORK_INTERFACE} "subnet_id" ForceNew` },
    // Only true -> false replaces; enabling is in place.
    { path: ['enable_primary_ipv6'], when: { attribute: 'enable_primary_ipv6', equals: false }, source: `${VPC_NETWORK_INTERFACE} "enable_primary_ipv6" CustomizeDiff ForceNewIf` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_route: [
    // Targets (gateway_id, nat_gateway_id, network_interface_id, ...) are replaced in place (ReplaceRoute).
    { path: ['route_table_id'], source: `${VPC_ROUTE} "route_table_id" ForceNew` },
    { path: ['destination_cidr_block'], source: `${VPC_ROUTE} "routeDestinationCIDRBlock" (destination_cidr_block) ForceNew` },
    { path: ['destination_ipv6_cidr_block'], source: `${VPC_ROUTE} "routeDestinationIPv6CIDRBlock" (destination_ipv6_cidr_block) ForceNew` },
    { path: ['destination_prefix_list_id'], source: `${VPC_ROUTE} "routeDestinationPrefixListID" (destination_prefix_list_id) ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_route53_record: [
    { path: ['name'], source: `${ROUTE53_RECORD} "name" ForceNew` },
    { path: ['type'], source: `${ROUTE53_RECORD} "type" ForceNew` },
    { path: ['zone_id'], source: `${ROUTE53_RECORD} "zone_id" ForceNew` },
  ],
  aws_route53_zone: [
    { path: ['delegation_set_id'], source: `${ROUTE53_ZONE} "delegation_set_id" ForceNew` },
    { path: ['name'], source: `${ROUTE53_ZONE} "name" ForceNew` },
  ],
  aws_route_table: [
    { path: ['vpc_id'], source: `${VPC_ROUTE_TABLE} "vpc_id" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_route_table_association: [
    // route_table_id is updated in place (ReplaceRouteTableAssociation).
    { path: ['gateway_id'], source: `${VPC_ROUTE_TABLE_ASSOCIATION} "gateway_id" ForceNew` },
    { path: ['subnet_id'], source: `${VPC_ROUTE_TABLE_ASSOCIATION} "subnet_id" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_s3_bucket: [
    { path: ['bucket'], source: `${S3_BUCKET} "bucket" ForceNew` },
    { path: ['bucket_prefix'], source: `${S3_BUCKET} "bucket_prefix" ForceNew` },
    { path: ['object_lock_configuration', '*', 'object_lock_enabled'], source: `${S3_BUCKET} "object_lock_configuration.object_lock_enabled" ForceNew` },
    { path: ['object_lock_enabled'], source: `${S3_BUCKET} "object_lock_enabled" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_s3_bucket_policy: [
    { path: ['bucket'], source: `${S3_BUCKET_POLICY} "bucket" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_s3_bucket_lifecycle_configuration: [
    // The rules are updated in place (PutBucketLifecycleConfiguration replaces the whole configuration).
    { path: ['bucket'], source: `${S3_BUCKET_LIFECYCLE_CONFIGURATION} bucketLifecycleConfigurationResource.Schema() "bucket" RequiresReplace` },
    { path: ['expected_bucket_owner'], source: `${S3_BUCKET_LIFECYCLE_CONFIGURATION} bucketLifecycleConfigurationResource.Schema() "expected_bucket_owner" RequiresReplace` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/framework/region.go resourceForceNewIfRegionChanges() "region" RequiresReplace` },
  ],
  aws_s3_bucket_public_access_block: [
    { path: ['bucket'], source: `${S3_BUCKET_PUBLIC_ACCESS_BLOCK} "bucket" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_s3_object: [
    { path: ['bucket'], source: `${S3_OBJECT} "bucket" ForceNew` },
    { path: ['key'], source: `${S3_OBJECT} "key" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_secretsmanager_secret: [
    { path: ['name'], source: `${SECRETSMANAGER_SECRET} "name" ForceNew` },
    { path: ['name_prefix'], source: `${SECRETSMANAGER_SECRET} "name_prefix" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_secretsmanager_secret_version: [
    // A new bundle (new credentials) is a new version: secret_string is ForceNew, so the old version is deleted after.
    { path: ['secret_binary'], source: `${SECRETSMANAGER_SECRET_VERSION} "secret_binary" ForceNew` },
    { path: ['secret_id'], source: `${SECRETSMANAGER_SECRET_VERSION} "secret_id" ForceNew` },
    { path: ['secret_string'], source: `${SECRETSMANAGER_SECRET_VERSION} "secret_string" ForceNew` },
    { path: ['secret_string_wo_version'], source: `${SECRETSMANAGER_SECRET_VERSION} "secret_string_wo_version" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_security_group: [
    // The group description cannot be changed in EC2: any edit replaces the group.
    { path: ['description'], source: `${VPC_SECURITY_GROUP} "description" ForceNew` },
    { path: ['name'], source: `${VPC_SECURITY_GROUP} "name" ForceNew` },
    { path: ['name_prefix'], source: `${VPC_SECURITY_GROUP} "name_prefix" ForceNew` },
    { path: ['vpc_id'], source: `${VPC_SECURITY_GROUP} "vpc_id" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_subnet: [
    { path: ['availability_zone'], source: `${VPC_SUBNET} "availability_zone" ForceNew` },
    { path: ['availability_zone_id'], source: `${VPC_SUBNET} "availability_zone_id" ForceNew` },
    { path: ['cidr_block'], source: `${VPC_SUBNET} "cidr_block" ForceNew` },
    { path: ['ipv6_native'], source: `${VPC_SUBNET} "ipv6_native" ForceNew` },
    { path: ['outpost_arn'], source: `${VPC_SUBNET} "outpost_arn" ForceNew` },
    { path: ['vpc_id'], source: `${VPC_SUBNET} "vpc_id" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_vpc: [
    // Also CustomizeDiff ForceNew(); a cidr_block diff is cleared instead when ipv4_netmask_length (IPAM) is set.
    { path: ['cidr_block'], source: `${VPC} "cidr_block" ForceNew` },
    { path: ['ipv4_ipam_pool_id'], source: `${VPC} "ipv4_ipam_pool_id" ForceNew` },
    { path: ['ipv4_netmask_length'], source: `${VPC} "ipv4_netmask_length" ForceNew` },
    // dedicated -> default is in place; the only other change (default -> dedicated) replaces.
    { path: ['instance_tenancy'], when: { attribute: 'instance_tenancy', equals: 'dedicated' }, source: `${VPC} resourceVPCCustomizeDiff() "instance_tenancy" CustomizeDiff ForceNew()` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_vpc_endpoint: [
    { path: ['resource_configuration_arn'], source: `${VPC_ENDPOINT} "resource_configuration_arn" ForceNew` },
    { path: ['service_name'], source: `${VPC_ENDPOINT} "service_name" ForceNew` },
    { path: ['service_network_arn'], source: `${VPC_ENDPOINT} "service_network_arn" ForceNew` },
    { path: ['service_region'], source: `${VPC_ENDPOINT} "service_region" ForceNew` },
    { path: ['vpc_endpoint_type'], source: `${VPC_ENDPOINT} "vpc_endpoint_type" ForceNew` },
    { path: ['vpc_id'], source: `${VPC_ENDPOINT} "vpc_id" ForceNew` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/sdkv2/region.go forceNewIfRegionChanges() "region" CustomizeDiff ForceNew` },
  ],
  aws_vpc_security_group_egress_rule: [
    // Not modelled: securityGroupRuleResource.ModifyPlan replaces when the rule changes its source kind (cidr_ipv4 / cidr_ipv6 / prefix_list_id / referenced_security_group_id set instead of another); other edits are in place.
    { path: ['security_group_id'], source: `${VPC_SECURITY_GROUP_INGRESS_RULE} securityGroupRuleResource.Schema() "security_group_id" RequiresReplace (the egress rule resource embeds securityGroupRuleResource)` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/framework/region.go resourceForceNewIfRegionChanges() "region" RequiresReplace` },
  ],
  aws_vpc_security_group_ingress_rule: [
    // Not modelled: securityGroupRuleResource.ModifyPlan replaces when the rule changes its source kind (cidr_ipv4 / cidr_ipv6 / prefix_list_id / referenced_security_group_id set instead of another); other edits are in place.
    { path: ['security_group_id'], source: `${VPC_SECURITY_GROUP_INGRESS_RULE} securityGroupRuleResource.Schema() "security_group_id" RequiresReplace` },
    // Injected by the provider for every regional resource; no replacement between unset and the provider region.
    { path: ['region'], source: `${AWS} internal/provider/framework/region.go resourceForceNewIfRegionChanges() "region" RequiresReplace` },
  ],
};
