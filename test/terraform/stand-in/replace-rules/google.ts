/**
 * Attributes whose change makes hashicorp/google 6.50.0 plan a replacement, for the stand-in provider.
 *
 * Read from hashicorp/terraform-provider-google at tag v6.50.0 (the pinned version); a source gives the file,
 * the line of the flag, the attribute path and the mechanism (`ForceNew` schema flag, `CustomizeDiff ForceNewIf`
 * or `ForceNew()` in a CustomizeDiff function).
 *
 * SDKv2 semantics worth knowing: ForceNew on a primitive list/set/map replaces on any element change; ForceNew on a
 * nested block only counts its elements, so a block path is listed here only when every configurable field inside
 * it is ForceNew as well. project/region/zone default to the provider's (DefaultProviderProject/Region/Zone), so a
 * new provider default replaces resources that leave them unset.
 */
import { ReplaceTable } from './replace-rule';

const GOOGLE = 'hashicorp/terraform-provider-google v6.50.0';
const COMPUTE_INSTANCE = `${GOOGLE} google/services/compute/resource_compute_instance.go`;
const COMPUTE_INSTANCE_TEMPLATE = `${GOOGLE} google/services/compute/resource_compute_instance_template.go`;
const COMPUTE_INSTANCE_GROUP_MANAGER = `${GOOGLE} google/services/compute/resource_compute_instance_group_manager.go`;
const COMPUTE_REGION_INSTANCE_GROUP_MANAGER = `${GOOGLE} google/services/compute/resource_compute_region_instance_group_manager.go`;
const COMPUTE_AUTOSCALER = `${GOOGLE} google/services/compute/resource_compute_autoscaler.go`;
const COMPUTE_ADDRESS = `${GOOGLE} google/services/compute/resource_compute_address.go`;
const COMPUTE_FIREWALL = `${GOOGLE} google/services/compute/resource_compute_firewall.go`;
const COMPUTE_FORWARDING_RULE = `${GOOGLE} google/services/compute/resource_compute_forwarding_rule.go`;
const COMPUTE_HTTP_HEALTH_CHECK = `${GOOGLE} google/services/compute/resource_compute_http_health_check.go`;
const COMPUTE_INSTANCE_GROUP = `${GOOGLE} google/services/compute/resource_compute_instance_group.go`;
const COMPUTE_NETWORK = `${GOOGLE} google/services/compute/resource_compute_network.go`;
const COMPUTE_REGION_BACKEND_SERVICE = `${GOOGLE} google/services/compute/resource_compute_region_backend_service.go`;
const COMPUTE_REGION_HEALTH_CHECK = `${GOOGLE} google/services/compute/resource_compute_region_health_check.go`;
const COMPUTE_ROUTE = `${GOOGLE} google/services/compute/resource_compute_route.go`;
const COMPUTE_SUBNETWORK = `${GOOGLE} google/services/compute/resource_compute_subnetwork.go`;
const COMPUTE_TARGET_POOL = `${GOOGLE} google/services/compute/resource_compute_target_pool.go`;
const DNS_MANAGED_ZONE = `${GOOGLE} google/services/dns/resource_dns_managed_zone.go`;
const DNS_RECORD_SET = `${GOOGLE} google/services/dns/resource_dns_record_set.go`;
const SECRET_MANAGER_SECRET = `${GOOGLE} google/services/secretmanager/resource_secret_manager_secret.go`;
const SECRET_MANAGER_SECRET_VERSION = `${GOOGLE} google/services/secretmanager/resource_secret_manager_secret_version.go`;
const IAM_SECRET_MANAGER_SECRET = `${GOOGLE} google/services/secretmanager/iam_secret_manager_secret.go`;
const SERVICE_ACCOUNT = `${GOOGLE} google/services/resourcemanager/resource_google_service_account.go`;
const IAM_MEMBER = `${GOOGLE} google/tpgiamresource/resource_iam_member.go`;
const STORAGE_BUCKET = `${GOOGLE} google/services/storage/resource_storage_bucket.go`;
const IAM_STORAGE_BUCKET = `${GOOGLE} google/services/storage/iam_storage_bucket.go`;
const STORAGE_HMAC_KEY = `${GOOGLE} google/services/storage/resource_storage_hmac_key.go`;
const IAM_PROJECT = `${GOOGLE} google/services/resourcemanager/iam_project.go`;

/** Force-new attributes of registry.terraform.io/hashicorp/google 6.50.0, by resource type. */
export const GOOGLE_REPLACE_RULES: ReplaceTable = {
  google_compute_address: [
    { path: ['name'], source: `${COMPUTE_ADDRESS}:63 "name" ForceNew` },
    { path: ['address'], source: `${COMPUTE_ADDRESS}:76 "address" ForceNew` },
    { path: ['address_type'], source: `${COMPUTE_ADDRESS}:84 "address_type" ForceNew` },
    { path: ['description'], source: `${COMPUTE_ADDRESS}:93 "description" ForceNew` },
    { path: ['ip_version'], source: `${COMPUTE_ADDRESS}:99 "ip_version" ForceNew` },
    { path: ['ipv6_endpoint_type'], source: `${COMPUTE_ADDRESS}:107 "ipv6_endpoint_type" ForceNew` },
    { path: ['network'], source: `${COMPUTE_ADDRESS}:126 "network" ForceNew` },
    { path: ['network_tier'], source: `${COMPUTE_ADDRESS}:136 "network_tier" ForceNew` },
    { path: ['prefix_length'], source: `${COMPUTE_ADDRESS}:146 "prefix_length" ForceNew` },
    { path: ['purpose'], source: `${COMPUTE_ADDRESS}:153 "purpose" ForceNew` },
    { path: ['region'], source: `${COMPUTE_ADDRESS}:178 "region" ForceNew` },
    { path: ['subnetwork'], source: `${COMPUTE_ADDRESS}:187 "subnetwork" ForceNew` },
    { path: ['project'], source: `${COMPUTE_ADDRESS}:230 "project" ForceNew` },
  ],
  google_compute_autoscaler: [
    { path: ['name'], source: `${COMPUTE_AUTOSCALER}:354 "name" ForceNew` },
    { path: ['zone'], source: `${COMPUTE_AUTOSCALER}:377 "zone" ForceNew` },
    { path: ['project'], source: `${COMPUTE_AUTOSCALER}:390 "project" ForceNew` },
  ],
  google_compute_firewall: [
    // network is not ForceNew at v6.50.0 (the update sends it).
    // Not modelled: adding or removing `params` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    { path: ['name'], source: `${COMPUTE_FIREWALL}:172 "name" ForceNew` },
    { path: ['direction'], source: `${COMPUTE_FIREWALL}:229 "direction" ForceNew` },
    { path: ['project'], source: `${COMPUTE_FIREWALL}:399 "project" ForceNew` },
  ],
  google_compute_forwarding_rule: [
    // Not modelled: forwardingRuleCustomizeDiff replaces a Private Service Connect rule whose psc_connection_status is CLOSED when recreate_closed_psc = true (a read-time state, not a config change).
    { path: ['name'], source: `${COMPUTE_FORWARDING_RULE}:162 "name" ForceNew` },
    { path: ['ip_address'], source: `${COMPUTE_FORWARDING_RULE}:181 "ip_address" ForceNew` },
    { path: ['ip_protocol'], source: `${COMPUTE_FORWARDING_RULE}:226 "ip_protocol" ForceNew` },
    { path: ['all_ports'], source: `${COMPUTE_FORWARDING_RULE}:247 "all_ports" ForceNew` },
    { path: ['backend_service'], source: `${COMPUTE_FORWARDING_RULE}:285 "backend_service" ForceNew` },
    { path: ['description'], source: `${COMPUTE_FORWARDING_RULE}:295 "description" ForceNew` },
    { path: ['ip_collection'], source: `${COMPUTE_FORWARDING_RULE}:302 "ip_collection" ForceNew` },
    { path: ['ip_version'], source: `${COMPUTE_FORWARDING_RULE}:318 "ip_version" ForceNew` },
    { path: ['is_mirroring_collector'], source: `${COMPUTE_FORWARDING_RULE}:328 "is_mirroring_collector" ForceNew` },
    { path: ['load_balancing_scheme'], source: `${COMPUTE_FORWARDING_RULE}:350 "load_balancing_scheme" ForceNew` },
    { path: ['network'], source: `${COMPUTE_FORWARDING_RULE}:366 "network" ForceNew` },
    { path: ['network_tier'], source: `${COMPUTE_FORWARDING_RULE}:383 "network_tier" ForceNew` },
    { path: ['no_automate_dns_zone'], source: `${COMPUTE_FORWARDING_RULE}:400 "no_automate_dns_zone" ForceNew` },
    { path: ['port_range'], source: `${COMPUTE_FORWARDING_RULE}:407 "port_range" ForceNew` },
    { path: ['ports'], source: `${COMPUTE_FORWARDING_RULE}:437 "ports" ForceNew` },
    { path: ['region'], source: `${COMPUTE_FORWARDING_RULE}:470 "region" ForceNew` },
    { path: ['service_directory_registrations'], source: `${COMPUTE_FORWARDING_RULE}:480 "service_directory_registrations" ForceNew` },
    { path: ['service_directory_registrations', '*', 'namespace'], source: `${COMPUTE_FORWARDING_RULE}:492 "service_directory_registrations.namespace" ForceNew` },
    { path: ['service_directory_registrations', '*', 'service'], source: `${COMPUTE_FORWARDING_RULE}:498 "service_directory_registrations.service" ForceNew` },
    { path: ['service_label'], source: `${COMPUTE_FORWARDING_RULE}:507 "service_label" ForceNew` },
    { path: ['source_ip_ranges'], source: `${COMPUTE_FORWARDING_RULE}:525 "source_ip_ranges" ForceNew` },
    { path: ['subnetwork'], source: `${COMPUTE_FORWARDING_RULE}:535 "subnetwork" ForceNew` },
    { path: ['project'], source: `${COMPUTE_FORWARDING_RULE}:620 "project" ForceNew` },
  ],
  google_compute_http_health_check: [
    { path: ['name'], source: `${COMPUTE_HTTP_HEALTH_CHECK}:61 "name" ForceNew` },
    { path: ['project'], source: `${COMPUTE_HTTP_HEALTH_CHECK}:135 "project" ForceNew` },
  ],
  google_compute_instance: [
    // machine_type, metadata (including metadata["user-data"] and metadata["startup-script"]), labels, tags, service_account, network_interface.network/subnetwork/access_config are updated in place (some need allow_stopping_for_update = true).
    // Not modelled: adding or removing `network_interface` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    // Not modelled: adding or removing `params` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    // Not modelled: adding or removing `scratch_disk` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    // Not modelled: adding or removing `confidential_instance_config` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    { path: ['boot_disk', '*', 'device_name'], source: `${COMPUTE_INSTANCE}:259 "boot_disk.device_name" ForceNew` },
    { path: ['boot_disk', '*', 'disk_encryption_key_raw'], source: `${COMPUTE_INSTANCE}:267 "boot_disk.disk_encryption_key_raw" ForceNew` },
    { path: ['boot_disk', '*', 'disk_encryption_key_rsa'], source: `${COMPUTE_INSTANCE}:277 "boot_disk.disk_encryption_key_rsa" ForceNew` },
    { path: ['boot_disk', '*', 'disk_encryption_service_account'], source: `${COMPUTE_INSTANCE}:293 "boot_disk.disk_encryption_service_account" ForceNew` },
    { path: ['boot_disk', '*', 'kms_key_self_link'], source: `${COMPUTE_INSTANCE}:308 "boot_disk.kms_key_self_link" ForceNew` },
    { path: ['boot_disk', '*', 'guest_os_features'], source: `${COMPUTE_INSTANCE}:319 "boot_disk.guest_os_features" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params'], source: `${COMPUTE_INSTANCE}:332 "boot_disk.initialize_params" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'size'], source: `${COMPUTE_INSTANCE}:342 "boot_disk.initialize_params.size" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'type'], source: `${COMPUTE_INSTANCE}:352 "boot_disk.initialize_params.type" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'image'], source: `${COMPUTE_INSTANCE}:361 "boot_disk.initialize_params.image" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'source_image_encryption_key', '*', 'raw_key'], source: `${COMPUTE_INSTANCE}:377 "boot_disk.initialize_params.source_image_encryption_key.raw_key" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'source_image_encryption_key', '*', 'rsa_encrypted_key'], source: `${COMPUTE_INSTANCE}:385 "boot_disk.initialize_params.source_image_encryption_key.rsa_encrypted_key" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'source_image_encryption_key', '*', 'kms_key_self_link'], source: `${COMPUTE_INSTANCE}:393 "boot_disk.initialize_params.source_image_encryption_key.kms_key_self_link" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'source_image_encryption_key', '*', 'kms_key_service_account'], source: `${COMPUTE_INSTANCE}:402 "boot_disk.initialize_params.source_image_encryption_key.kms_key_service_account" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'snapshot'], source: `${COMPUTE_INSTANCE}:420 "boot_disk.initialize_params.snapshot" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'source_snapshot_encryption_key', '*', 'raw_key'], source: `${COMPUTE_INSTANCE}:436 "boot_disk.initialize_params.source_snapshot_encryption_key.raw_key" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'source_snapshot_encryption_key', '*', 'rsa_encrypted_key'], source: `${COMPUTE_INSTANCE}:444 "boot_disk.initialize_params.source_snapshot_encryption_key.rsa_encrypted_key" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'source_snapshot_encryption_key', '*', 'kms_key_self_link'], source: `${COMPUTE_INSTANCE}:452 "boot_disk.initialize_params.source_snapshot_encryption_key.kms_key_self_link" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'source_snapshot_encryption_key', '*', 'kms_key_service_account'], source: `${COMPUTE_INSTANCE}:461 "boot_disk.initialize_params.source_snapshot_encryption_key.kms_key_service_account" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'labels'], source: `${COMPUTE_INSTANCE}:479 "boot_disk.initialize_params.labels" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'resource_manager_tags'], source: `${COMPUTE_INSTANCE}:486 "boot_disk.initialize_params.resource_manager_tags" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'resource_policies'], source: `${COMPUTE_INSTANCE}:495 "boot_disk.initialize_params.resource_policies" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'provisioned_iops'], source: `${COMPUTE_INSTANCE}:508 "boot_disk.initialize_params.provisioned_iops" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'provisioned_throughput'], source: `${COMPUTE_INSTANCE}:517 "boot_disk.initialize_params.provisioned_throughput" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'enable_confidential_compute'], source: `${COMPUTE_INSTANCE}:525 "boot_disk.initialize_params.enable_confidential_compute" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'storage_pool'], source: `${COMPUTE_INSTANCE}:533 "boot_disk.initialize_params.storage_pool" ForceNew` },
    { path: ['boot_disk', '*', 'initialize_params', '*', 'architecture'], source: `${COMPUTE_INSTANCE}:542 "boot_disk.initialize_params.architecture" ForceNew` },
    { path: ['boot_disk', '*', 'mode'], source: `${COMPUTE_INSTANCE}:555 "boot_disk.mode" ForceNew` },
    { path: ['boot_disk', '*', 'source'], source: `${COMPUTE_INSTANCE}:566 "boot_disk.source" ForceNew` },
    { path: ['boot_disk', '*', 'force_attach'], source: `${COMPUTE_INSTANCE}:577 "boot_disk.force_attach" ForceNew` },
    { path: ['name'], source: `${COMPUTE_INSTANCE}:595 "name" ForceNew` },
    { path: ['network_interface', '*', 'network_attachment'], source: `${COMPUTE_INSTANCE}:627 "network_interface.network_attachment" ForceNew` },
    { path: ['network_interface', '*', 'nic_type'], source: `${COMPUTE_INSTANCE}:654 "network_interface.nic_type" ForceNew` },
    { path: ['network_interface', '*', 'ipv6_access_config', '*', 'external_ipv6'], source: `${COMPUTE_INSTANCE}:742 "network_interface.ipv6_access_config.external_ipv6" ForceNew` },
    { path: ['network_interface', '*', 'ipv6_access_config', '*', 'external_ipv6_prefix_length'], source: `${COMPUTE_INSTANCE}:750 "network_interface.ipv6_access_config.external_ipv6_prefix_length" ForceNew` },
    { path: ['network_interface', '*', 'ipv6_access_config', '*', 'name'], source: `${COMPUTE_INSTANCE}:757 "network_interface.ipv6_access_config.name" ForceNew` },
    { path: ['network_interface', '*', 'queue_count'], source: `${COMPUTE_INSTANCE}:782 "network_interface.queue_count" ForceNew` },
    { path: ['network_performance_config'], source: `${COMPUTE_INSTANCE}:792 "network_performance_config" ForceNew` },
    { path: ['network_performance_config', '*', 'total_egress_bandwidth_tier'], source: `${COMPUTE_INSTANCE}:799 "network_performance_config.total_egress_bandwidth_tier" ForceNew` },
    { path: ['attached_disk', '*', 'force_attach'], source: `${COMPUTE_INSTANCE}:878 "attached_disk.force_attach" ForceNew` },
    { path: ['guest_accelerator'], source: `${COMPUTE_INSTANCE}:916 "guest_accelerator" ForceNew` },
    { path: ['guest_accelerator', '*', 'count'], source: `${COMPUTE_INSTANCE}:923 "guest_accelerator.count" ForceNew` },
    { path: ['guest_accelerator', '*', 'type'], source: `${COMPUTE_INSTANCE}:929 "guest_accelerator.type" ForceNew` },
    { path: ['project'], source: `${COMPUTE_INSTANCE}:1003 "project" ForceNew` },
    { path: ['scheduling', '*', 'preemptible'], source: `${COMPUTE_INSTANCE}:1040 "scheduling.preemptible" ForceNew` },
    { path: ['scheduling', '*', 'provisioning_model'], source: `${COMPUTE_INSTANCE}:1063 "scheduling.provisioning_model" ForceNew` },
    { path: ['scheduling', '*', 'termination_time'], source: `${COMPUTE_INSTANCE}:1077 "scheduling.termination_time" ForceNew` },
    { path: ['scheduling', '*', 'max_run_duration'], source: `${COMPUTE_INSTANCE}:1094 "scheduling.max_run_duration" ForceNew` },
    { path: ['scheduling', '*', 'max_run_duration', '*', 'seconds'], source: `${COMPUTE_INSTANCE}:1100 "scheduling.max_run_duration.seconds" ForceNew` },
    { path: ['scheduling', '*', 'max_run_duration', '*', 'nanos'], source: `${COMPUTE_INSTANCE}:1107 "scheduling.max_run_duration.nanos" ForceNew` },
    { path: ['scheduling', '*', 'on_instance_stop_action'], source: `${COMPUTE_INSTANCE}:1120 "scheduling.on_instance_stop_action" ForceNew` },
    { path: ['scheduling', '*', 'on_instance_stop_action', '*', 'discard_local_ssd'], source: `${COMPUTE_INSTANCE}:1129 "scheduling.on_instance_stop_action.discard_local_ssd" ForceNew` },
    { path: ['scheduling', '*', 'local_ssd_recovery_timeout'], source: `${COMPUTE_INSTANCE}:1142 "scheduling.local_ssd_recovery_timeout" ForceNew` },
    { path: ['scheduling', '*', 'local_ssd_recovery_timeout', '*', 'seconds'], source: `${COMPUTE_INSTANCE}:1148 "scheduling.local_ssd_recovery_timeout.seconds" ForceNew` },
    { path: ['scheduling', '*', 'local_ssd_recovery_timeout', '*', 'nanos'], source: `${COMPUTE_INSTANCE}:1155 "scheduling.local_ssd_recovery_timeout.nanos" ForceNew` },
    { path: ['scratch_disk', '*', 'size'], source: `${COMPUTE_INSTANCE}:1190 "scratch_disk.size" ForceNew` },
    { path: ['advanced_machine_features', '*', 'enable_uefi_networking'], source: `${COMPUTE_INSTANCE}:1309 "advanced_machine_features.enable_uefi_networking" ForceNew` },
    { path: ['zone'], source: `${COMPUTE_INSTANCE}:1370 "zone" ForceNew` },
    { path: ['hostname'], source: `${COMPUTE_INSTANCE}:1419 "hostname" ForceNew` },
    { path: ['reservation_affinity'], source: `${COMPUTE_INSTANCE}:1437 "reservation_affinity" ForceNew` },
    { path: ['reservation_affinity', '*', 'type'], source: `${COMPUTE_INSTANCE}:1444 "reservation_affinity.type" ForceNew` },
    { path: ['reservation_affinity', '*', 'specific_reservation'], source: `${COMPUTE_INSTANCE}:1453 "reservation_affinity.specific_reservation" ForceNew` },
    { path: ['reservation_affinity', '*', 'specific_reservation', '*', 'key'], source: `${COMPUTE_INSTANCE}:1461 "reservation_affinity.specific_reservation.key" ForceNew` },
    { path: ['reservation_affinity', '*', 'specific_reservation', '*', 'values'], source: `${COMPUTE_INSTANCE}:1468 "reservation_affinity.specific_reservation.values" ForceNew` },
    { path: ['key_revocation_action_type'], source: `${COMPUTE_INSTANCE}:1481 "key_revocation_action_type" ForceNew` },
    { path: ['instance_encryption_key'], source: `${COMPUTE_INSTANCE}:1490 "instance_encryption_key" ForceNew` },
    { path: ['instance_encryption_key', '*', 'kms_key_self_link'], source: `${COMPUTE_INSTANCE}:1497 "instance_encryption_key.kms_key_self_link" ForceNew` },
    { path: ['instance_encryption_key', '*', 'kms_key_service_account'], source: `${COMPUTE_INSTANCE}:1506 "instance_encryption_key.kms_key_service_account" ForceNew` },
    // Unlike metadata["startup-script"]; only moving the same script between the two is in place.
    { path: ['metadata_startup_script'], source: `${COMPUTE_INSTANCE}:1528 "metadata_startup_script" CustomizeDiff ForceNewIf isGracefulMetadataStartupSwitch()` },
    // Unless network or subnetwork (or subnetwork_project) of that interface changes too; a change to empty is in place.
    { path: ['network_interface', '*', 'network_ip'], source: `${COMPUTE_INSTANCE}:197 forceNewIfNetworkIPNotUpdatable() "network_interface.network_ip" CustomizeDiff ForceNew()` },
  ],
  google_compute_instance_group: [
    { path: ['name'], source: `${COMPUTE_INSTANCE_GROUP}:64 "name" ForceNew` },
    { path: ['zone'], source: `${COMPUTE_INSTANCE_GROUP}:72 "zone" ForceNew` },
    { path: ['description'], source: `${COMPUTE_INSTANCE_GROUP}:79 "description" ForceNew` },
    { path: ['network'], source: `${COMPUTE_INSTANCE_GROUP}:118 "network" ForceNew` },
    { path: ['project'], source: `${COMPUTE_INSTANCE_GROUP}:126 "project" ForceNew` },
  ],
  google_compute_instance_group_manager: [
    // Not modelled: clearing resource_policies.workload_policy (non-empty -> empty) replaces (CustomizeDiff ForceNewIfChange).
    // version, target_size, named_port, update_policy, auto_healing_policies, target_pools are updated in place.
    { path: ['base_instance_name'], source: `${COMPUTE_INSTANCE_GROUP_MANAGER}:60 "base_instance_name" ForceNew` },
    { path: ['name'], source: `${COMPUTE_INSTANCE_GROUP_MANAGER}:112 "name" ForceNew` },
    { path: ['zone'], source: `${COMPUTE_INSTANCE_GROUP_MANAGER}:120 "zone" ForceNew` },
    { path: ['project'], source: `${COMPUTE_INSTANCE_GROUP_MANAGER}:178 "project" ForceNew` },
  ],
  google_compute_instance_template: [
    // Templates are immutable (Update only re-reads); nearly every field is ForceNew. advanced_machine_features.turbo_mode and scheduling.node_affinities.* are not: changing them plans an in-place update that changes nothing.
    // Not modelled: adding or removing `scheduling` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    // Not modelled: adding or removing `scheduling.node_affinities` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    // Not modelled: adding or removing `advanced_machine_features` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    { path: ['name'], source: `${COMPUTE_INSTANCE_TEMPLATE}:98 "name" ForceNew` },
    { path: ['name_prefix'], source: `${COMPUTE_INSTANCE_TEMPLATE}:108 "name_prefix" ForceNew` },
    { path: ['disk'], source: `${COMPUTE_INSTANCE_TEMPLATE}:125 "disk" ForceNew` },
    { path: ['disk', '*', 'auto_delete'], source: `${COMPUTE_INSTANCE_TEMPLATE}:133 "disk.auto_delete" ForceNew` },
    { path: ['disk', '*', 'boot'], source: `${COMPUTE_INSTANCE_TEMPLATE}:140 "disk.boot" ForceNew` },
    { path: ['disk', '*', 'device_name'], source: `${COMPUTE_INSTANCE_TEMPLATE}:149 "disk.device_name" ForceNew` },
    { path: ['disk', '*', 'disk_name'], source: `${COMPUTE_INSTANCE_TEMPLATE}:156 "disk.disk_name" ForceNew` },
    { path: ['disk', '*', 'architecture'], source: `${COMPUTE_INSTANCE_TEMPLATE}:163 "disk.architecture" ForceNew` },
    { path: ['disk', '*', 'disk_size_gb'], source: `${COMPUTE_INSTANCE_TEMPLATE}:171 "disk.disk_size_gb" ForceNew` },
    { path: ['disk', '*', 'disk_type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:179 "disk.disk_type" ForceNew` },
    { path: ['disk', '*', 'labels'], source: `${COMPUTE_INSTANCE_TEMPLATE}:187 "disk.labels" ForceNew` },
    { path: ['disk', '*', 'provisioned_iops'], source: `${COMPUTE_INSTANCE_TEMPLATE}:197 "disk.provisioned_iops" ForceNew` },
    { path: ['disk', '*', 'provisioned_throughput'], source: `${COMPUTE_INSTANCE_TEMPLATE}:205 "disk.provisioned_throughput" ForceNew` },
    { path: ['disk', '*', 'resource_manager_tags'], source: `${COMPUTE_INSTANCE_TEMPLATE}:213 "disk.resource_manager_tags" ForceNew` },
    { path: ['disk', '*', 'guest_os_features'], source: `${COMPUTE_INSTANCE_TEMPLATE}:222 "disk.guest_os_features" ForceNew` },
    { path: ['disk', '*', 'source_image'], source: `${COMPUTE_INSTANCE_TEMPLATE}:233 "disk.source_image" ForceNew` },
    { path: ['disk', '*', 'source_image_encryption_key'], source: `${COMPUTE_INSTANCE_TEMPLATE}:239 "disk.source_image_encryption_key" ForceNew` },
    { path: ['disk', '*', 'source_image_encryption_key', '*', 'raw_key'], source: `${COMPUTE_INSTANCE_TEMPLATE}:254 "disk.source_image_encryption_key.raw_key" ForceNew` },
    { path: ['disk', '*', 'source_image_encryption_key', '*', 'rsa_encrypted_key'], source: `${COMPUTE_INSTANCE_TEMPLATE}:261 "disk.source_image_encryption_key.rsa_encrypted_key" ForceNew` },
    { path: ['disk', '*', 'source_image_encryption_key', '*', 'kms_key_service_account'], source: `${COMPUTE_INSTANCE_TEMPLATE}:268 "disk.source_image_encryption_key.kms_key_service_account" ForceNew` },
    { path: ['disk', '*', 'source_image_encryption_key', '*', 'kms_key_self_link'], source: `${COMPUTE_INSTANCE_TEMPLATE}:276 "disk.source_image_encryption_key.kms_key_self_link" ForceNew` },
    { path: ['disk', '*', 'source_snapshot'], source: `${COMPUTE_INSTANCE_TEMPLATE}:286 "disk.source_snapshot" ForceNew` },
    { path: ['disk', '*', 'source_snapshot_encryption_key'], source: `${COMPUTE_INSTANCE_TEMPLATE}:295 "disk.source_snapshot_encryption_key" ForceNew` },
    { path: ['disk', '*', 'source_snapshot_encryption_key', '*', 'raw_key'], source: `${COMPUTE_INSTANCE_TEMPLATE}:303 "disk.source_snapshot_encryption_key.raw_key" ForceNew` },
    { path: ['disk', '*', 'source_snapshot_encryption_key', '*', 'rsa_encrypted_key'], source: `${COMPUTE_INSTANCE_TEMPLATE}:311 "disk.source_snapshot_encryption_key.rsa_encrypted_key" ForceNew` },
    { path: ['disk', '*', 'source_snapshot_encryption_key', '*', 'kms_key_service_account'], source: `${COMPUTE_INSTANCE_TEMPLATE}:318 "disk.source_snapshot_encryption_key.kms_key_service_account" ForceNew` },
    { path: ['disk', '*', 'source_snapshot_encryption_key', '*', 'kms_key_self_link'], source: `${COMPUTE_INSTANCE_TEMPLATE}:326 "disk.source_snapshot_encryption_key.kms_key_self_link" ForceNew` },
    { path: ['disk', '*', 'interface'], source: `${COMPUTE_INSTANCE_TEMPLATE}:337 "disk.interface" ForceNew` },
    { path: ['disk', '*', 'mode'], source: `${COMPUTE_INSTANCE_TEMPLATE}:345 "disk.mode" ForceNew` },
    { path: ['disk', '*', 'source'], source: `${COMPUTE_INSTANCE_TEMPLATE}:353 "disk.source" ForceNew` },
    { path: ['disk', '*', 'type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:360 "disk.type" ForceNew` },
    { path: ['disk', '*', 'disk_encryption_key'], source: `${COMPUTE_INSTANCE_TEMPLATE}:368 "disk.disk_encryption_key" ForceNew` },
    { path: ['disk', '*', 'disk_encryption_key', '*', 'kms_key_service_account'], source: `${COMPUTE_INSTANCE_TEMPLATE}:376 "disk.disk_encryption_key.kms_key_service_account" ForceNew` },
    { path: ['disk', '*', 'disk_encryption_key', '*', 'kms_key_self_link'], source: `${COMPUTE_INSTANCE_TEMPLATE}:382 "disk.disk_encryption_key.kms_key_self_link" ForceNew` },
    { path: ['disk', '*', 'resource_policies'], source: `${COMPUTE_INSTANCE_TEMPLATE}:393 "disk.resource_policies" ForceNew` },
    { path: ['machine_type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:408 "machine_type" ForceNew` },
    { path: ['can_ip_forward'], source: `${COMPUTE_INSTANCE_TEMPLATE}:416 "can_ip_forward" ForceNew` },
    { path: ['description'], source: `${COMPUTE_INSTANCE_TEMPLATE}:423 "description" ForceNew` },
    { path: ['instance_description'], source: `${COMPUTE_INSTANCE_TEMPLATE}:430 "instance_description" ForceNew` },
    { path: ['metadata'], source: `${COMPUTE_INSTANCE_TEMPLATE}:437 "metadata" ForceNew` },
    { path: ['metadata_startup_script'], source: `${COMPUTE_INSTANCE_TEMPLATE}:444 "metadata_startup_script" ForceNew` },
    { path: ['network_performance_config'], source: `${COMPUTE_INSTANCE_TEMPLATE}:458 "network_performance_config" ForceNew` },
    { path: ['network_performance_config', '*', 'total_egress_bandwidth_tier'], source: `${COMPUTE_INSTANCE_TEMPLATE}:465 "network_performance_config.total_egress_bandwidth_tier" ForceNew` },
    { path: ['network_interface'], source: `${COMPUTE_INSTANCE_TEMPLATE}:475 "network_interface" ForceNew` },
    { path: ['network_interface', '*', 'network'], source: `${COMPUTE_INSTANCE_TEMPLATE}:482 "network_interface.network" ForceNew` },
    { path: ['network_interface', '*', 'subnetwork'], source: `${COMPUTE_INSTANCE_TEMPLATE}:491 "network_interface.subnetwork" ForceNew` },
    { path: ['network_interface', '*', 'subnetwork_project'], source: `${COMPUTE_INSTANCE_TEMPLATE}:500 "network_interface.subnetwork_project" ForceNew` },
    { path: ['network_interface', '*', 'network_ip'], source: `${COMPUTE_INSTANCE_TEMPLATE}:508 "network_interface.network_ip" ForceNew` },
    { path: ['network_interface', '*', 'nic_type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:521 "network_interface.nic_type" ForceNew` },
    { path: ['network_interface', '*', 'access_config'], source: `${COMPUTE_INSTANCE_TEMPLATE}:528 "network_interface.access_config" ForceNew` },
    { path: ['network_interface', '*', 'access_config', '*', 'nat_ip'], source: `${COMPUTE_INSTANCE_TEMPLATE}:535 "network_interface.access_config.nat_ip" ForceNew` },
    { path: ['network_interface', '*', 'access_config', '*', 'network_tier'], source: `${COMPUTE_INSTANCE_TEMPLATE}:543 "network_interface.access_config.network_tier" ForceNew` },
    { path: ['network_interface', '*', 'alias_ip_range'], source: `${COMPUTE_INSTANCE_TEMPLATE}:560 "network_interface.alias_ip_range" ForceNew` },
    { path: ['network_interface', '*', 'alias_ip_range', '*', 'ip_cidr_range'], source: `${COMPUTE_INSTANCE_TEMPLATE}:567 "network_interface.alias_ip_range.ip_cidr_range" ForceNew` },
    { path: ['network_interface', '*', 'alias_ip_range', '*', 'subnetwork_range_name'], source: `${COMPUTE_INSTANCE_TEMPLATE}:574 "network_interface.alias_ip_range.subnetwork_range_name" ForceNew` },
    { path: ['network_interface', '*', 'stack_type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:585 "network_interface.stack_type" ForceNew` },
    { path: ['network_interface', '*', 'ipv6_access_config'], source: `${COMPUTE_INSTANCE_TEMPLATE}:600 "network_interface.ipv6_access_config" ForceNew` },
    { path: ['network_interface', '*', 'ipv6_access_config', '*', 'network_tier'], source: `${COMPUTE_INSTANCE_TEMPLATE}:607 "network_interface.ipv6_access_config.network_tier" ForceNew` },
    { path: ['network_interface', '*', 'internal_ipv6_prefix_length'], source: `${COMPUTE_INSTANCE_TEMPLATE}:643 "network_interface.internal_ipv6_prefix_length" ForceNew` },
    { path: ['network_interface', '*', 'ipv6_address'], source: `${COMPUTE_INSTANCE_TEMPLATE}:650 "network_interface.ipv6_address" ForceNew` },
    { path: ['network_interface', '*', 'queue_count'], source: `${COMPUTE_INSTANCE_TEMPLATE}:657 "network_interface.queue_count" ForceNew` },
    { path: ['project'], source: `${COMPUTE_INSTANCE_TEMPLATE}:674 "project" ForceNew` },
    { path: ['region'], source: `${COMPUTE_INSTANCE_TEMPLATE}:682 "region" ForceNew` },
    { path: ['resource_manager_tags'], source: `${COMPUTE_INSTANCE_TEMPLATE}:690 "resource_manager_tags" ForceNew` },
    { path: ['scheduling', '*', 'preemptible'], source: `${COMPUTE_INSTANCE_TEMPLATE}:713 "scheduling.preemptible" ForceNew` },
    { path: ['scheduling', '*', 'automatic_restart'], source: `${COMPUTE_INSTANCE_TEMPLATE}:722 "scheduling.automatic_restart" ForceNew` },
    { path: ['scheduling', '*', 'on_host_maintenance'], source: `${COMPUTE_INSTANCE_TEMPLATE}:731 "scheduling.on_host_maintenance" ForceNew` },
    { path: ['scheduling', '*', 'min_node_cpus'], source: `${COMPUTE_INSTANCE_TEMPLATE}:747 "scheduling.min_node_cpus" ForceNew` },
    { path: ['scheduling', '*', 'provisioning_model'], source: `${COMPUTE_INSTANCE_TEMPLATE}:755 "scheduling.provisioning_model" ForceNew` },
    { path: ['scheduling', '*', 'instance_termination_action'], source: `${COMPUTE_INSTANCE_TEMPLATE}:762 "scheduling.instance_termination_action" ForceNew` },
    { path: ['scheduling', '*', 'availability_domain'], source: `${COMPUTE_INSTANCE_TEMPLATE}:769 "scheduling.availability_domain" ForceNew` },
    { path: ['scheduling', '*', 'max_run_duration'], source: `${COMPUTE_INSTANCE_TEMPLATE}:778 "scheduling.max_run_duration" ForceNew` },
    { path: ['scheduling', '*', 'max_run_duration', '*', 'seconds'], source: `${COMPUTE_INSTANCE_TEMPLATE}:784 "scheduling.max_run_duration.seconds" ForceNew` },
    { path: ['scheduling', '*', 'max_run_duration', '*', 'nanos'], source: `${COMPUTE_INSTANCE_TEMPLATE}:791 "scheduling.max_run_duration.nanos" ForceNew` },
    { path: ['scheduling', '*', 'on_instance_stop_action'], source: `${COMPUTE_INSTANCE_TEMPLATE}:804 "scheduling.on_instance_stop_action" ForceNew` },
    { path: ['scheduling', '*', 'on_instance_stop_action', '*', 'discard_local_ssd'], source: `${COMPUTE_INSTANCE_TEMPLATE}:813 "scheduling.on_instance_stop_action.discard_local_ssd" ForceNew` },
    { path: ['scheduling', '*', 'termination_time'], source: `${COMPUTE_INSTANCE_TEMPLATE}:821 "scheduling.termination_time" ForceNew` },
    { path: ['scheduling', '*', 'local_ssd_recovery_timeout'], source: `${COMPUTE_INSTANCE_TEMPLATE}:830 "scheduling.local_ssd_recovery_timeout" ForceNew` },
    { path: ['scheduling', '*', 'local_ssd_recovery_timeout', '*', 'seconds'], source: `${COMPUTE_INSTANCE_TEMPLATE}:841 "scheduling.local_ssd_recovery_timeout.seconds" ForceNew` },
    { path: ['scheduling', '*', 'local_ssd_recovery_timeout', '*', 'nanos'], source: `${COMPUTE_INSTANCE_TEMPLATE}:848 "scheduling.local_ssd_recovery_timeout.nanos" ForceNew` },
    { path: ['service_account'], source: `${COMPUTE_INSTANCE_TEMPLATE}:886 "service_account" ForceNew` },
    { path: ['service_account', '*', 'email'], source: `${COMPUTE_INSTANCE_TEMPLATE}:894 "service_account.email" ForceNew` },
    { path: ['service_account', '*', 'scopes'], source: `${COMPUTE_INSTANCE_TEMPLATE}:901 "service_account.scopes" ForceNew` },
    { path: ['shielded_instance_config'], source: `${COMPUTE_INSTANCE_TEMPLATE}:919 "shielded_instance_config" ForceNew` },
    { path: ['shielded_instance_config', '*', 'enable_secure_boot'], source: `${COMPUTE_INSTANCE_TEMPLATE}:932 "shielded_instance_config.enable_secure_boot" ForceNew` },
    { path: ['shielded_instance_config', '*', 'enable_vtpm'], source: `${COMPUTE_INSTANCE_TEMPLATE}:941 "shielded_instance_config.enable_vtpm" ForceNew` },
    { path: ['shielded_instance_config', '*', 'enable_integrity_monitoring'], source: `${COMPUTE_INSTANCE_TEMPLATE}:950 "shielded_instance_config.enable_integrity_monitoring" ForceNew` },
    { path: ['confidential_instance_config'], source: `${COMPUTE_INSTANCE_TEMPLATE}:960 "confidential_instance_config" ForceNew` },
    { path: ['confidential_instance_config', '*', 'enable_confidential_compute'], source: `${COMPUTE_INSTANCE_TEMPLATE}:968 "confidential_instance_config.enable_confidential_compute" ForceNew` },
    { path: ['confidential_instance_config', '*', 'confidential_instance_type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:975 "confidential_instance_config.confidential_instance_type" ForceNew` },
    { path: ['advanced_machine_features', '*', 'enable_nested_virtualization'], source: `${COMPUTE_INSTANCE_TEMPLATE}:998 "advanced_machine_features.enable_nested_virtualization" ForceNew` },
    { path: ['advanced_machine_features', '*', 'threads_per_core'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1005 "advanced_machine_features.threads_per_core" ForceNew` },
    { path: ['advanced_machine_features', '*', 'visible_core_count'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1017 "advanced_machine_features.visible_core_count" ForceNew` },
    { path: ['advanced_machine_features', '*', 'performance_monitoring_unit'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1023 "advanced_machine_features.performance_monitoring_unit" ForceNew` },
    { path: ['advanced_machine_features', '*', 'enable_uefi_networking'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1030 "advanced_machine_features.enable_uefi_networking" ForceNew` },
    { path: ['guest_accelerator'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1039 "guest_accelerator" ForceNew` },
    { path: ['guest_accelerator', '*', 'count'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1046 "guest_accelerator.count" ForceNew` },
    { path: ['guest_accelerator', '*', 'type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1052 "guest_accelerator.type" ForceNew` },
    { path: ['min_cpu_platform'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1063 "min_cpu_platform" ForceNew` },
    { path: ['tags'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1070 "tags" ForceNew` },
    { path: ['resource_policies'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1114 "resource_policies" ForceNew` },
    { path: ['reservation_affinity'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1127 "reservation_affinity" ForceNew` },
    { path: ['reservation_affinity', '*', 'type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1134 "reservation_affinity.type" ForceNew` },
    { path: ['reservation_affinity', '*', 'specific_reservation'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1143 "reservation_affinity.specific_reservation" ForceNew` },
    { path: ['reservation_affinity', '*', 'specific_reservation', '*', 'key'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1151 "reservation_affinity.specific_reservation.key" ForceNew` },
    { path: ['reservation_affinity', '*', 'specific_reservation', '*', 'values'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1158 "reservation_affinity.specific_reservation.values" ForceNew` },
    { path: ['key_revocation_action_type'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1171 "key_revocation_action_type" ForceNew` },
    // labels itself has no ForceNew, but the effective_labels it feeds (with provider default_labels) has.
    { path: ['labels'], source: `${COMPUTE_INSTANCE_TEMPLATE}:1105 "effective_labels" ForceNew, set from "labels" by tpgresource.SetLabelsDiff` },
  ],
  google_compute_network: [
    { path: ['name'], source: `${COMPUTE_NETWORK}:64 "name" ForceNew` },
    { path: ['auto_create_subnetworks'], source: `${COMPUTE_NETWORK}:77 "auto_create_subnetworks" ForceNew` },
    { path: ['description'], source: `${COMPUTE_NETWORK}:89 "description" ForceNew` },
    { path: ['enable_ula_internal_ipv6'], source: `${COMPUTE_NETWORK}:96 "enable_ula_internal_ipv6" ForceNew` },
    { path: ['internal_ipv6_range'], source: `${COMPUTE_NETWORK}:104 "internal_ipv6_range" ForceNew` },
    { path: ['network_profile'], source: `${COMPUTE_NETWORK}:131 "network_profile" ForceNew` },
    { path: ['params'], source: `${COMPUTE_NETWORK}:142 "params" ForceNew` },
    { path: ['params', '*', 'resource_manager_tags'], source: `${COMPUTE_NETWORK}:150 "params.resource_manager_tags" ForceNew` },
    { path: ['project'], source: `${COMPUTE_NETWORK}:220 "project" ForceNew` },
  ],
  google_compute_region_backend_service: [
    { path: ['name'], source: `${COMPUTE_REGION_BACKEND_SERVICE}:157 "name" ForceNew` },
    { path: ['ha_policy', '*', 'fast_ip_move'], source: `${COMPUTE_REGION_BACKEND_SERVICE}:590 "ha_policy.fast_ip_move" ForceNew` },
    { path: ['load_balancing_scheme'], source: `${COMPUTE_REGION_BACKEND_SERVICE}:704 "load_balancing_scheme" ForceNew` },
    { path: ['project'], source: `${COMPUTE_REGION_BACKEND_SERVICE}:1088 "project" ForceNew` },
  ],
  google_compute_region_health_check: [
    { path: ['name'], source: `${COMPUTE_REGION_HEALTH_CHECK}:63 "name" ForceNew` },
    { path: ['region'], source: `${COMPUTE_REGION_HEALTH_CHECK}:410 "region" ForceNew` },
    { path: ['project'], source: `${COMPUTE_REGION_HEALTH_CHECK}:593 "project" ForceNew` },
  ],
  google_compute_region_instance_group_manager: [
    { path: ['base_instance_name'], source: `${COMPUTE_REGION_INSTANCE_GROUP_MANAGER}:60 "base_instance_name" ForceNew` },
    { path: ['name'], source: `${COMPUTE_REGION_INSTANCE_GROUP_MANAGER}:152 "name" ForceNew` },
    { path: ['region'], source: `${COMPUTE_REGION_INSTANCE_GROUP_MANAGER}:160 "region" ForceNew` },
    { path: ['description'], source: `${COMPUTE_REGION_INSTANCE_GROUP_MANAGER}:173 "description" ForceNew` },
    { path: ['project'], source: `${COMPUTE_REGION_INSTANCE_GROUP_MANAGER}:219 "project" ForceNew` },
    { path: ['distribution_policy_zones'], source: `${COMPUTE_REGION_INSTANCE_GROUP_MANAGER}:298 "distribution_policy_zones" ForceNew` },
  ],
  google_compute_route: [
    // Routes have no update: every configurable field is ForceNew.
    { path: ['dest_range'], source: `${COMPUTE_ROUTE}:74 "dest_range" ForceNew` },
    { path: ['name'], source: `${COMPUTE_ROUTE}:81 "name" ForceNew` },
    { path: ['network'], source: `${COMPUTE_ROUTE}:94 "network" ForceNew` },
    { path: ['description'], source: `${COMPUTE_ROUTE}:101 "description" ForceNew` },
    { path: ['next_hop_gateway'], source: `${COMPUTE_ROUTE}:108 "next_hop_gateway" ForceNew` },
    { path: ['next_hop_ilb'], source: `${COMPUTE_ROUTE}:122 "next_hop_ilb" ForceNew` },
    { path: ['next_hop_instance'], source: `${COMPUTE_ROUTE}:145 "next_hop_instance" ForceNew` },
    { path: ['next_hop_ip'], source: `${COMPUTE_ROUTE}:159 "next_hop_ip" ForceNew` },
    { path: ['next_hop_vpn_tunnel'], source: `${COMPUTE_ROUTE}:166 "next_hop_vpn_tunnel" ForceNew` },
    { path: ['params'], source: `${COMPUTE_ROUTE}:174 "params" ForceNew` },
    { path: ['params', '*', 'resource_manager_tags'], source: `${COMPUTE_ROUTE}:182 "params.resource_manager_tags" ForceNew` },
    { path: ['priority'], source: `${COMPUTE_ROUTE}:197 "priority" ForceNew` },
    { path: ['tags'], source: `${COMPUTE_ROUTE}:210 "tags" ForceNew` },
    { path: ['next_hop_instance_zone'], source: `${COMPUTE_ROUTE}:337 "next_hop_instance_zone" ForceNew` },
    { path: ['project'], source: `${COMPUTE_ROUTE}:345 "project" ForceNew` },
  ],
  google_compute_subnetwork: [
    // Not modelled: ip_cidr_range replaces unless the new range contains the old one (expansion is in place; CustomizeDiff ForceNewIfChange IsShrinkageIpCidr).
    { path: ['name'], source: `${COMPUTE_SUBNETWORK}:131 "name" ForceNew` },
    { path: ['network'], source: `${COMPUTE_SUBNETWORK}:144 "network" ForceNew` },
    { path: ['description'], source: `${COMPUTE_SUBNETWORK}:152 "description" ForceNew` },
    { path: ['enable_flow_logs'], source: `${COMPUTE_SUBNETWORK}:162 "enable_flow_logs" ForceNew` },
    { path: ['external_ipv6_prefix'], source: `${COMPUTE_SUBNETWORK}:172 "external_ipv6_prefix" ForceNew` },
    { path: ['ip_collection'], source: `${COMPUTE_SUBNETWORK}:189 "ip_collection" ForceNew` },
    { path: ['params'], source: `${COMPUTE_SUBNETWORK}:276 "params" ForceNew` },
    { path: ['params', '*', 'resource_manager_tags'], source: `${COMPUTE_SUBNETWORK}:284 "params.resource_manager_tags" ForceNew` },
    { path: ['region'], source: `${COMPUTE_SUBNETWORK}:326 "region" ForceNew` },
    { path: ['reserved_internal_range'], source: `${COMPUTE_SUBNETWORK}:333 "reserved_internal_range" ForceNew` },
    { path: ['project'], source: `${COMPUTE_SUBNETWORK}:463 "project" ForceNew` },
  ],
  google_compute_target_pool: [
    { path: ['name'], source: `${COMPUTE_TARGET_POOL}:63 "name" ForceNew` },
    { path: ['description'], source: `${COMPUTE_TARGET_POOL}:77 "description" ForceNew` },
    { path: ['failover_ratio'], source: `${COMPUTE_TARGET_POOL}:84 "failover_ratio" ForceNew` },
    { path: ['project'], source: `${COMPUTE_TARGET_POOL}:120 "project" ForceNew` },
    { path: ['region'], source: `${COMPUTE_TARGET_POOL}:128 "region" ForceNew` },
    { path: ['session_affinity'], source: `${COMPUTE_TARGET_POOL}:142 "session_affinity" ForceNew` },
  ],
  google_dns_managed_zone: [
    { path: ['dns_name'], source: `${DNS_MANAGED_ZONE}:67 "dns_name" ForceNew` },
    { path: ['name'], source: `${DNS_MANAGED_ZONE}:73 "name" ForceNew` },
    { path: ['visibility'], source: `${DNS_MANAGED_ZONE}:297 "visibility" ForceNew` },
    { path: ['project'], source: `${DNS_MANAGED_ZONE}:347 "project" ForceNew` },
  ],
  google_dns_record_set: [
    // type, ttl and rrdatas are updated in place.
    { path: ['managed_zone'], source: `${DNS_RECORD_SET}:121 "managed_zone" ForceNew` },
    { path: ['name'], source: `${DNS_RECORD_SET}:129 "name" ForceNew` },
    { path: ['routing_policy', '*', 'health_check'], source: `${DNS_RECORD_SET}:233 "routing_policy.health_check" ForceNew` },
    { path: ['project'], source: `${DNS_RECORD_SET}:257 "project" ForceNew` },
  ],
  google_project_iam_member: [
    // IAM members have no update (ResourceIamMember defines no Update): every field is ForceNew.
    { path: ['role'], source: `${IAM_MEMBER}:66 "role" ForceNew` },
    { path: ['member'], source: `${IAM_MEMBER}:71 "member" ForceNew` },
    { path: ['condition'], source: `${IAM_MEMBER}:79 "condition" ForceNew` },
    { path: ['condition', '*', 'expression'], source: `${IAM_MEMBER}:85 "condition.expression" ForceNew` },
    { path: ['condition', '*', 'title'], source: `${IAM_MEMBER}:90 "condition.title" ForceNew` },
    { path: ['condition', '*', 'description'], source: `${IAM_MEMBER}:95 "condition.description" ForceNew` },
    { path: ['project'], source: `${IAM_PROJECT}:34 IamProjectSchema "project" ForceNew` },
  ],
  google_secret_manager_secret: [
    // labels, annotations, rotation, topics, ttl, expire_time, version_aliases and version_destroy_ttl are updated in place.
    // Not modelled: adding or removing `replication`, `replication.user_managed` or `replication.user_managed.replicas` blocks replaces (ForceNew on the block counts its elements; replicas.customer_managed_encryption stays in place).
    // secretManagerSecretAutoCustomizeDiff: any change under replication.auto replaces, customer_managed_encryption included.
    { path: ['replication', '*', 'auto'], source: `${SECRET_MANAGER_SECRET}:56 secretManagerSecretAutoCustomizeDiff "replication.0.auto" CustomizeDiff ForceNew()` },
    { path: ['replication', '*', 'user_managed', '*', 'replicas', '*', 'location'], source: `${SECRET_MANAGER_SECRET}:146 "replication.user_managed.replicas.location" ForceNew` },
    { path: ['secret_id'], source: `${SECRET_MANAGER_SECRET}:177 "secret_id" ForceNew` },
    { path: ['tags'], source: `${SECRET_MANAGER_SECRET}:259 "tags" ForceNew` },
    { path: ['project'], source: `${SECRET_MANAGER_SECRET}:352 "project" ForceNew` },
  ],
  google_secret_manager_secret_iam_member: [
    // IAM members have no update (ResourceIamMember defines no Update): every field is ForceNew.
    { path: ['role'], source: `${IAM_MEMBER}:66 "role" ForceNew` },
    { path: ['member'], source: `${IAM_MEMBER}:71 "member" ForceNew` },
    { path: ['condition'], source: `${IAM_MEMBER}:79 "condition" ForceNew` },
    { path: ['condition', '*', 'expression'], source: `${IAM_MEMBER}:85 "condition.expression" ForceNew` },
    { path: ['condition', '*', 'title'], source: `${IAM_MEMBER}:90 "condition.title" ForceNew` },
    { path: ['condition', '*', 'description'], source: `${IAM_MEMBER}:95 "condition.description" ForceNew` },
    { path: ['project'], source: `${IAM_SECRET_MANAGER_SECRET}:39 SecretManagerSecretIamSchema "project" ForceNew` },
    { path: ['secret_id'], source: `${IAM_SECRET_MANAGER_SECRET}:44 SecretManagerSecretIamSchema "secret_id" ForceNew` },
  ],
  google_secret_manager_secret_version: [
    // A version's data cannot change: a new bundle is a new version. enabled and deletion_policy are updated in place.
    { path: ['secret_data_wo_version'], source: `${SECRET_MANAGER_SECRET_VERSION}:96 "secret_data_wo_version" ForceNew` },
    { path: ['secret_data'], source: `${SECRET_MANAGER_SECRET_VERSION}:103 "secret_data" ForceNew` },
    { path: ['secret'], source: `${SECRET_MANAGER_SECRET_VERSION}:120 "secret" ForceNew` },
    { path: ['is_secret_data_base64'], source: `${SECRET_MANAGER_SECRET_VERSION}:165 "is_secret_data_base64" ForceNew` },
  ],
  google_service_account: [
    { path: ['account_id'], source: `${SERVICE_ACCOUNT}:72 "account_id" ForceNew` },
    { path: ['project'], source: `${SERVICE_ACCOUNT}:97 "project" ForceNew` },
  ],
  google_storage_bucket: [
    // Not modelled: retention_policy.0.is_locked replaces only when a locked policy is unlocked (CustomizeDiff ForceNewIfChange isPolicyLocked, line 55).
    { path: ['name'], source: `${STORAGE_BUCKET}:88 "name" ForceNew` },
    { path: ['location'], source: `${STORAGE_BUCKET}:146 "location" ForceNew` },
    { path: ['project'], source: `${STORAGE_BUCKET}:157 "project" ForceNew` },
    { path: ['enable_object_retention'], source: `${STORAGE_BUCKET}:315 "enable_object_retention" ForceNew` },
    { path: ['custom_placement_config', '*', 'data_locations'], source: `${STORAGE_BUCKET}:517 "custom_placement_config.data_locations" ForceNew` },
    { path: ['hierarchical_namespace'], source: `${STORAGE_BUCKET}:569 "hierarchical_namespace" ForceNew` },
    { path: ['hierarchical_namespace', '*', 'enabled'], source: `${STORAGE_BUCKET}:577 "hierarchical_namespace.enabled" ForceNew` },
  ],
  google_storage_bucket_iam_member: [
    // IAM members have no update (ResourceIamMember defines no Update): every field is ForceNew.
    { path: ['role'], source: `${IAM_MEMBER}:66 "role" ForceNew` },
    { path: ['member'], source: `${IAM_MEMBER}:71 "member" ForceNew` },
    { path: ['condition'], source: `${IAM_MEMBER}:79 "condition" ForceNew` },
    { path: ['condition', '*', 'expression'], source: `${IAM_MEMBER}:85 "condition.expression" ForceNew` },
    { path: ['condition', '*', 'title'], source: `${IAM_MEMBER}:90 "condition.title" ForceNew` },
    { path: ['condition', '*', 'description'], source: `${IAM_MEMBER}:95 "condition.description" ForceNew` },
    { path: ['bucket'], source: `${IAM_STORAGE_BUCKET}:37 StorageBucketIamSchema "bucket" ForceNew` },
  ],
  google_storage_hmac_key: [
    // state is updated in place.
    { path: ['service_account_email'], source: `${STORAGE_HMAC_KEY}:62 "service_account_email" ForceNew` },
    { path: ['project'], source: `${STORAGE_HMAC_KEY}:97 "project" ForceNew` },
  ],
};
