/**
 * Attributes whose change makes hashicorp/azurerm 4.54.0 plan a replacement, for the stand-in provider.
 *
 * Read from hashicorp/terraform-provider-azurerm at tag v4.54.0 (the pinned version); shared fields come from the
 * helpers the resources call: commonschema.ResourceGroupName()/Location()/ZoneSingleOptionalForceNew()/... in the
 * vendored github.com/hashicorp/go-azure-helpers at that tag, and internal/services/compute/shared_schema.go. A
 * source gives the file, line, helper (if any), attribute path and mechanism.
 *
 * SDKv2 semantics worth knowing: ForceNew on a primitive list/set/map replaces on any element change; ForceNew on a
 * nested block only counts its elements, so a block path is listed here only when every configurable field inside
 * it is ForceNew as well.
 */
import { ReplaceTable } from './replace-rule';

const AZURERM = 'hashicorp/terraform-provider-azurerm v4.54.0';
const COMPUTE_SHARED_SCHEMA = `${AZURERM} internal/services/compute/shared_schema.go`;
const VIRTUAL_MACHINE = `${AZURERM} internal/services/compute/virtual_machine.go`;
const VIRTUAL_MACHINE_SCALE_SET = `${AZURERM} internal/services/compute/virtual_machine_scale_set.go`;
const SSH_KEYS = `${AZURERM} internal/services/compute/ssh_keys.go`;
const LINUX_VIRTUAL_MACHINE = `${AZURERM} internal/services/compute/linux_virtual_machine_resource.go`;
const LINUX_VIRTUAL_MACHINE_SCALE_SET = `${AZURERM} internal/services/compute/linux_virtual_machine_scale_set_resource.go`;
const NETWORK_INTERFACE = `${AZURERM} internal/services/network/network_interface_resource.go`;
const PUBLIC_IP = `${AZURERM} internal/services/network/public_ip_resource.go`;
const NIC_BACKEND_POOL_ASSOCIATION = `${AZURERM} internal/services/network/network_interface_backend_address_pool_association_resource.go`;
const NIC_SECURITY_GROUP_ASSOCIATION = `${AZURERM} internal/services/network/network_interface_security_group_association_resource.go`;
const NETWORK_SECURITY_GROUP = `${AZURERM} internal/services/network/network_security_group_resource.go`;
const NETWORK_SECURITY_RULE = `${AZURERM} internal/services/network/network_security_rule_resource.go`;
const ROUTE = `${AZURERM} internal/services/network/route_resource.go`;
const ROUTE_TABLE = `${AZURERM} internal/services/network/route_table_resource.go`;
const SUBNET = `${AZURERM} internal/services/network/subnet_resource.go`;
const SUBNET_NSG_ASSOCIATION = `${AZURERM} internal/services/network/subnet_network_security_group_association_resource.go`;
const SUBNET_ROUTE_TABLE_ASSOCIATION = `${AZURERM} internal/services/network/subnet_route_table_association_resource.go`;
const VIRTUAL_NETWORK = `${AZURERM} internal/services/network/virtual_network_resource.go`;
const LB = `${AZURERM} internal/services/loadbalancer/lb_resource.go`;
const LB_BACKEND_ADDRESS_POOL = `${AZURERM} internal/services/loadbalancer/lb_backend_address_pool_resource.go`;
const LB_PROBE = `${AZURERM} internal/services/loadbalancer/lb_probe_resource.go`;
const LB_RULE = `${AZURERM} internal/services/loadbalancer/lb_rule_resource.go`;
const KEY_VAULT = `${AZURERM} internal/services/keyvault/key_vault_resource.go`;
const KEY_VAULT_ACCESS_POLICY = `${AZURERM} internal/services/keyvault/key_vault_access_policy_resource.go`;
const KEY_VAULT_SECRET = `${AZURERM} internal/services/keyvault/key_vault_secret_resource.go`;
const RESOURCE_ID_REFERENCE = `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_id_reference.go:56 ResourceIDReferenceRequiredForceNew()`;
const DNS_A_RECORD = `${AZURERM} internal/services/dns/dns_a_record_resource.go`;
const DNS_ZONE = `${AZURERM} internal/services/dns/dns_zone_resource.go`;
const MONITOR_AUTOSCALE_SETTING = `${AZURERM} internal/services/monitor/monitor_autoscale_setting_resource.go`;
const STORAGE_ACCOUNT = `${AZURERM} internal/services/storage/storage_account_resource.go`;
const STORAGE_CONTAINER = `${AZURERM} internal/services/storage/storage_container_resource.go`;
const STORAGE_MANAGEMENT_POLICY = `${AZURERM} internal/services/storage/storage_management_policy_resource.go`;
const ROLE_ASSIGNMENT = `${AZURERM} internal/services/authorization/role_assignment_resource.go`;
const ROLE_DEFINITION = `${AZURERM} internal/services/authorization/role_definition_resource.go`;
const USER_ASSIGNED_IDENTITY = `${AZURERM} internal/services/managedidentity/user_assigned_identity_resource_gen.go`;

/** Force-new attributes of registry.terraform.io/hashicorp/azurerm 4.54.0, by resource type. */
export const AZURERM_REPLACE_RULES: ReplaceTable = {
  azurerm_dns_a_record: [
    { path: ['name'], source: `${DNS_A_RECORD}:57 "name" ForceNew` },
    { path: ['zone_name'], source: `${DNS_A_RECORD}:65 "zone_name" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_dns_zone: [
    { path: ['name'], source: `${DNS_ZONE}:60 "name" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_key_vault: [
    // sku_name, tenant_id, access_policy, rbac_authorization_enabled, public_network_access_enabled, purge_protection_enabled and tags are updated in place;
    // soft_delete_retention_days too, but Azure refuses to change it once set (the update returns an error, it does not replace).
    { path: ['name'], source: `${KEY_VAULT}:69 "name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_key_vault_access_policy: [
    // The permission lists are updated in place.
    { path: ['key_vault_id'], source: `${RESOURCE_ID_REFERENCE} (${KEY_VAULT_ACCESS_POLICY}:48) "key_vault_id" ForceNew` },
    { path: ['tenant_id'], source: `${KEY_VAULT_ACCESS_POLICY}:53 "tenant_id" ForceNew` },
    { path: ['object_id'], source: `${KEY_VAULT_ACCESS_POLICY}:60 "object_id" ForceNew` },
    { path: ['application_id'], source: `${KEY_VAULT_ACCESS_POLICY}:67 "application_id" ForceNew` },
  ],
  azurerm_key_vault_secret: [
    // value, content_type, dates and tags are updated in place (a new value is a new version of the same secret).
    { path: ['name'], source: `${KEY_VAULT_SECRET}:54 "name" ForceNew` },
    { path: ['key_vault_id'], source: `${RESOURCE_ID_REFERENCE} (${KEY_VAULT_SECRET}:58) "key_vault_id" ForceNew` },
  ],
  azurerm_lb: [
    { path: ['name'], source: `${LB}:388 "name" ForceNew` },
    { path: ['sku'], source: `${LB}:401 "sku" ForceNew` },
    { path: ['sku_tier'], source: `${LB}:413 "sku_tier" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
    { path: ['edge_zone'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/edge_zone.go:36 EdgeZoneOptionalForceNew() "edge_zone" ForceNew` },
    // Compared per frontend of the same name; adding or removing whole frontends is in place.
    { path: ['frontend_ip_configuration', '*', 'zones'], source: `${LB}:69 "frontend_ip_configuration.zones" CustomizeDiff ForceNew()` },
  ],
  azurerm_lb_backend_address_pool: [
    { path: ['name'], source: `${LB_BACKEND_ADDRESS_POOL}:53 "name" ForceNew` },
    { path: ['loadbalancer_id'], source: `${LB_BACKEND_ADDRESS_POOL}:60 "loadbalancer_id" ForceNew` },
    { path: ['synchronous_mode'], source: `${LB_BACKEND_ADDRESS_POOL}:67 "synchronous_mode" ForceNew` },
  ],
  azurerm_lb_probe: [
    { path: ['name'], source: `${LB_PROBE}:51 "name" ForceNew` },
    { path: ['loadbalancer_id'], source: `${LB_PROBE}:58 "loadbalancer_id" ForceNew` },
  ],
  azurerm_lb_rule: [
    { path: ['name'], source: `${LB_RULE}:349 "name" ForceNew` },
    { path: ['loadbalancer_id'], source: `${LB_RULE}:356 "loadbalancer_id" ForceNew` },
  ],
  azurerm_linux_virtual_machine: [
    // size, os_disk.caching and disk_size_gb, user_data, tags, identity, boot_diagnostics and network_interface_ids are updated in place.
    { path: ['name'], source: `${LINUX_VIRTUAL_MACHINE}:62 "name" ForceNew` },
    // Also admin_password, admin_ssh_key and computer_name: the OS profile is fixed at creation.
    { path: ['admin_username'], source: `${LINUX_VIRTUAL_MACHINE}:77 "admin_username" ForceNew` },
    { path: ['os_managed_disk_id'], source: `${LINUX_VIRTUAL_MACHINE}:101 "os_managed_disk_id" ForceNew` },
    { path: ['admin_password'], source: `${LINUX_VIRTUAL_MACHINE}:121 "admin_password" ForceNew` },
    { path: ['availability_set_id'], source: `${LINUX_VIRTUAL_MACHINE}:141 "availability_set_id" ForceNew` },
    { path: ['computer_name'], source: `${LINUX_VIRTUAL_MACHINE}:183 "computer_name" ForceNew` },
    // Azure cannot change a VM's customData: any change replaces (user_data, by contrast, is updated in place).
    { path: ['custom_data'], source: `${LINUX_VIRTUAL_MACHINE}:194 "custom_data" ForceNew` },
    { path: ['disable_password_authentication'], source: `${LINUX_VIRTUAL_MACHINE}:230 "disable_password_authentication" ForceNew` },
    { path: ['eviction_policy'], source: `${LINUX_VIRTUAL_MACHINE}:255 "eviction_policy" ForceNew` },
    { path: ['priority'], source: `${LINUX_VIRTUAL_MACHINE}:303 "priority" ForceNew` },
    { path: ['provision_vm_agent'], source: `${LINUX_VIRTUAL_MACHINE}:316 "provision_vm_agent" ForceNew` },
    { path: ['secure_boot_enabled'], source: `${LINUX_VIRTUAL_MACHINE}:379 "secure_boot_enabled" ForceNew` },
    { path: ['source_image_id'], source: `${LINUX_VIRTUAL_MACHINE}:385 "source_image_id" ForceNew` },
    { path: ['vtpm_enabled'], source: `${LINUX_VIRTUAL_MACHINE}:416 "vtpm_enabled" ForceNew` },
    { path: ['platform_fault_domain'], source: `${LINUX_VIRTUAL_MACHINE}:423 "platform_fault_domain" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['os_disk', '*', 'storage_account_type'], source: `${VIRTUAL_MACHINE}:147 virtualMachineOSDiskSchema() "os_disk.storage_account_type" ForceNew` },
    { path: ['os_disk', '*', 'diff_disk_settings'], source: `${VIRTUAL_MACHINE}:173 virtualMachineOSDiskSchema() "os_disk.diff_disk_settings" ForceNew` },
    { path: ['os_disk', '*', 'diff_disk_settings', '*', 'option'], source: `${VIRTUAL_MACHINE}:180 virtualMachineOSDiskSchema() "os_disk.diff_disk_settings.option" ForceNew` },
    { path: ['os_disk', '*', 'diff_disk_settings', '*', 'placement'], source: `${VIRTUAL_MACHINE}:188 virtualMachineOSDiskSchema() "os_disk.diff_disk_settings.placement" ForceNew` },
    { path: ['os_disk', '*', 'name'], source: `${VIRTUAL_MACHINE}:222 virtualMachineOSDiskSchema() "os_disk.name" ForceNew` },
    { path: ['os_disk', '*', 'secure_vm_disk_encryption_set_id'], source: `${VIRTUAL_MACHINE}:232 virtualMachineOSDiskSchema() "os_disk.secure_vm_disk_encryption_set_id" ForceNew` },
    { path: ['os_disk', '*', 'security_encryption_type'], source: `${VIRTUAL_MACHINE}:240 virtualMachineOSDiskSchema() "os_disk.security_encryption_type" ForceNew` },
    { path: ['admin_ssh_key'], source: `${SSH_KEYS}:25 SSHKeysSchemaVM() "admin_ssh_key" ForceNew` },
    { path: ['admin_ssh_key', '*', 'public_key'], source: `${SSH_KEYS}:35 SSHKeysSchemaVM() "admin_ssh_key.public_key" ForceNew` },
    { path: ['admin_ssh_key', '*', 'username'], source: `${SSH_KEYS}:43 SSHKeysSchemaVM() "admin_ssh_key.username" ForceNew` },
    { path: ['edge_zone'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/edge_zone.go:36 EdgeZoneOptionalForceNew() "edge_zone" ForceNew` },
    { path: ['plan'], source: `${COMPUTE_SHARED_SCHEMA}:472 planSchema() "plan" ForceNew` },
    { path: ['plan', '*', 'name'], source: `${COMPUTE_SHARED_SCHEMA}:479 planSchema() "plan.name" ForceNew` },
    { path: ['plan', '*', 'product'], source: `${COMPUTE_SHARED_SCHEMA}:485 planSchema() "plan.product" ForceNew` },
    { path: ['plan', '*', 'publisher'], source: `${COMPUTE_SHARED_SCHEMA}:491 planSchema() "plan.publisher" ForceNew` },
    { path: ['source_image_reference'], source: `${COMPUTE_SHARED_SCHEMA}:588 sourceImageReferenceSchemaVM() "source_image_reference" ForceNew` },
    { path: ['source_image_reference', '*', 'publisher'], source: `${COMPUTE_SHARED_SCHEMA}:600 sourceImageReferenceSchemaVM() "source_image_reference.publisher" ForceNew` },
    { path: ['source_image_reference', '*', 'offer'], source: `${COMPUTE_SHARED_SCHEMA}:606 sourceImageReferenceSchemaVM() "source_image_reference.offer" ForceNew` },
    { path: ['source_image_reference', '*', 'sku'], source: `${COMPUTE_SHARED_SCHEMA}:612 sourceImageReferenceSchemaVM() "source_image_reference.sku" ForceNew` },
    { path: ['source_image_reference', '*', 'version'], source: `${COMPUTE_SHARED_SCHEMA}:618 sourceImageReferenceSchemaVM() "source_image_reference.version" ForceNew` },
    { path: ['zone'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/zone.go:44 ZoneSingleOptionalForceNew() "zone" ForceNew` },
  ],
  azurerm_linux_virtual_machine_scale_set: [
    // custom_data and user_data are updated in place on a scale set (base64.OptionalSchema(false): ForceNew only for single VMs); existing instances need a reimage/upgrade to see them.
    // source_image_reference.sku/version are updated in place (sourceImageReferenceSchema(false)); publisher and offer replace.
    // Not modelled: removing a zone from zones replaces (CustomizeDiff ForceNewIfChange); adding zones is in place.
    // Not modelled: adding or removing `rolling_upgrade_policy` blocks replaces (ForceNew on the block counts its elements; its updatable fields stay in place).
    { path: ['name'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1160 "name" ForceNew` },
    { path: ['admin_username'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1172 "admin_username" ForceNew` },
    { path: ['admin_password'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1199 "admin_password" ForceNew` },
    { path: ['capacity_reservation_group_id'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1215 "capacity_reservation_group_id" ForceNew` },
    { path: ['computer_name_prefix'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1228 "computer_name_prefix" ForceNew` },
    { path: ['eviction_policy'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1260 "eviction_policy" ForceNew` },
    { path: ['extension_operations_enabled'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1271 "extension_operations_enabled" ForceNew` },
    { path: ['host_group_id'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1294 "host_group_id" ForceNew` },
    { path: ['platform_fault_domain_count'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1321 "platform_fault_domain_count" ForceNew` },
    { path: ['priority'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1328 "priority" ForceNew` },
    { path: ['provision_vm_agent'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1340 "provision_vm_agent" ForceNew` },
    { path: ['proximity_placement_group_id'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1346 "proximity_placement_group_id" ForceNew` },
    { path: ['secure_boot_enabled'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1374 "secure_boot_enabled" ForceNew` },
    { path: ['upgrade_mode'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1408 "upgrade_mode" ForceNew` },
    { path: ['vtpm_enabled'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1426 "vtpm_enabled" ForceNew` },
    { path: ['zone_balance'], source: `${LINUX_VIRTUAL_MACHINE_SCALE_SET}:1432 "zone_balance" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['network_interface', '*', 'name'], source: `${VIRTUAL_MACHINE_SCALE_SET}:86 VirtualMachineScaleSetNetworkInterfaceSchema() "network_interface.name" ForceNew` },
    { path: ['network_interface', '*', 'ip_configuration', '*', 'public_ip_address', '*', 'ip_tag'], source: `${VIRTUAL_MACHINE_SCALE_SET}:631 virtualMachineScaleSetPublicIPAddressSchema() "network_interface.ip_configuration.public_ip_address.ip_tag" ForceNew` },
    { path: ['network_interface', '*', 'ip_configuration', '*', 'public_ip_address', '*', 'ip_tag', '*', 'tag'], source: `${VIRTUAL_MACHINE_SCALE_SET}:637 virtualMachineScaleSetPublicIPAddressSchema() "network_interface.ip_configuration.public_ip_address.ip_tag.tag" ForceNew` },
    { path: ['network_interface', '*', 'ip_configuration', '*', 'public_ip_address', '*', 'ip_tag', '*', 'type'], source: `${VIRTUAL_MACHINE_SCALE_SET}:643 virtualMachineScaleSetPublicIPAddressSchema() "network_interface.ip_configuration.public_ip_address.ip_tag.type" ForceNew` },
    { path: ['network_interface', '*', 'ip_configuration', '*', 'public_ip_address', '*', 'version'], source: `${VIRTUAL_MACHINE_SCALE_SET}:652 virtualMachineScaleSetPublicIPAddressSchema() "network_interface.ip_configuration.public_ip_address.version" ForceNew` },
    { path: ['network_interface', '*', 'ip_configuration', '*', 'public_ip_address', '*', 'public_ip_prefix_id'], source: `${VIRTUAL_MACHINE_SCALE_SET}:665 virtualMachineScaleSetPublicIPAddressSchema() "network_interface.ip_configuration.public_ip_address.public_ip_prefix_id" ForceNew` },
    { path: ['os_disk', '*', 'storage_account_type'], source: `${VIRTUAL_MACHINE_SCALE_SET}:1375 VirtualMachineScaleSetOSDiskSchema() "os_disk.storage_account_type" ForceNew` },
    { path: ['os_disk', '*', 'diff_disk_settings'], source: `${VIRTUAL_MACHINE_SCALE_SET}:1389 VirtualMachineScaleSetOSDiskSchema() "os_disk.diff_disk_settings" ForceNew` },
    { path: ['os_disk', '*', 'diff_disk_settings', '*', 'option'], source: `${VIRTUAL_MACHINE_SCALE_SET}:1396 VirtualMachineScaleSetOSDiskSchema() "os_disk.diff_disk_settings.option" ForceNew` },
    { path: ['os_disk', '*', 'diff_disk_settings', '*', 'placement'], source: `${VIRTUAL_MACHINE_SCALE_SET}:1404 VirtualMachineScaleSetOSDiskSchema() "os_disk.diff_disk_settings.placement" ForceNew` },
    { path: ['os_disk', '*', 'disk_encryption_set_id'], source: `${VIRTUAL_MACHINE_SCALE_SET}:1421 VirtualMachineScaleSetOSDiskSchema() "os_disk.disk_encryption_set_id" ForceNew` },
    { path: ['os_disk', '*', 'secure_vm_disk_encryption_set_id'], source: `${VIRTUAL_MACHINE_SCALE_SET}:1436 VirtualMachineScaleSetOSDiskSchema() "os_disk.secure_vm_disk_encryption_set_id" ForceNew` },
    { path: ['os_disk', '*', 'security_encryption_type'], source: `${VIRTUAL_MACHINE_SCALE_SET}:1444 VirtualMachineScaleSetOSDiskSchema() "os_disk.security_encryption_type" ForceNew` },
    { path: ['additional_capabilities', '*', 'ultra_ssd_enabled'], source: `${VIRTUAL_MACHINE_SCALE_SET}:41 VirtualMachineScaleSetAdditionalCapabilitiesSchema() "additional_capabilities.ultra_ssd_enabled" ForceNew` },
    { path: ['data_disk', '*', 'disk_encryption_set_id'], source: `${VIRTUAL_MACHINE_SCALE_SET}:1175 VirtualMachineScaleSetDataDiskSchema() "data_disk.disk_encryption_set_id" ForceNew` },
    { path: ['edge_zone'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/edge_zone.go:36 EdgeZoneOptionalForceNew() "edge_zone" ForceNew` },
    { path: ['gallery_application', '*', 'version_id'], source: `${VIRTUAL_MACHINE_SCALE_SET}:158 VirtualMachineScaleSetGalleryApplicationSchema() "gallery_application.version_id" ForceNew` },
    { path: ['gallery_application', '*', 'configuration_blob_uri'], source: `${VIRTUAL_MACHINE_SCALE_SET}:166 VirtualMachineScaleSetGalleryApplicationSchema() "gallery_application.configuration_blob_uri" ForceNew` },
    { path: ['gallery_application', '*', 'order'], source: `${VIRTUAL_MACHINE_SCALE_SET}:174 VirtualMachineScaleSetGalleryApplicationSchema() "gallery_application.order" ForceNew` },
    { path: ['gallery_application', '*', 'tag'], source: `${VIRTUAL_MACHINE_SCALE_SET}:182 VirtualMachineScaleSetGalleryApplicationSchema() "gallery_application.tag" ForceNew` },
    { path: ['plan'], source: `${COMPUTE_SHARED_SCHEMA}:472 planSchema() "plan" ForceNew` },
    { path: ['plan', '*', 'name'], source: `${COMPUTE_SHARED_SCHEMA}:479 planSchema() "plan.name" ForceNew` },
    { path: ['plan', '*', 'product'], source: `${COMPUTE_SHARED_SCHEMA}:485 planSchema() "plan.product" ForceNew` },
    { path: ['plan', '*', 'publisher'], source: `${COMPUTE_SHARED_SCHEMA}:491 planSchema() "plan.publisher" ForceNew` },
    { path: ['source_image_reference', '*', 'publisher'], source: `${COMPUTE_SHARED_SCHEMA}:645 sourceImageReferenceSchema() "source_image_reference.publisher" ForceNew` },
    { path: ['source_image_reference', '*', 'offer'], source: `${COMPUTE_SHARED_SCHEMA}:651 sourceImageReferenceSchema() "source_image_reference.offer" ForceNew` },
    { path: ['spot_restore', '*', 'enabled'], source: `${VIRTUAL_MACHINE_SCALE_SET}:329 VirtualMachineScaleSetSpotRestorePolicySchema() "spot_restore.enabled" ForceNew` },
    { path: ['spot_restore', '*', 'timeout'], source: `${VIRTUAL_MACHINE_SCALE_SET}:336 VirtualMachineScaleSetSpotRestorePolicySchema() "spot_restore.timeout" ForceNew` },
  ],
  azurerm_monitor_autoscale_setting: [
    { path: ['name'], source: `${MONITOR_AUTOSCALE_SETTING}:58 "name" ForceNew` },
    { path: ['target_resource_id'], source: `${MONITOR_AUTOSCALE_SETTING}:69 "target_resource_id" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
  ],
  azurerm_network_interface: [
    { path: ['name'], source: `${NETWORK_INTERFACE}:58 "name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
    { path: ['edge_zone'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/edge_zone.go:36 EdgeZoneOptionalForceNew() "edge_zone" ForceNew` },
  ],
  azurerm_network_interface_backend_address_pool_association: [
    { path: ['network_interface_id'], source: `${NIC_BACKEND_POOL_ASSOCIATION}:44 "network_interface_id" ForceNew` },
    { path: ['ip_configuration_name'], source: `${NIC_BACKEND_POOL_ASSOCIATION}:51 "ip_configuration_name" ForceNew` },
    { path: ['backend_address_pool_id'], source: `${NIC_BACKEND_POOL_ASSOCIATION}:58 "backend_address_pool_id" ForceNew` },
  ],
  azurerm_network_interface_security_group_association: [
    { path: ['network_interface_id'], source: `${NIC_SECURITY_GROUP_ASSOCIATION}:43 "network_interface_id" ForceNew` },
    { path: ['network_security_group_id'], source: `${NIC_SECURITY_GROUP_ASSOCIATION}:50 "network_security_group_id" ForceNew` },
  ],
  azurerm_network_security_group: [
    { path: ['name'], source: `${NETWORK_SECURITY_GROUP}:56 "name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_network_security_rule: [
    { path: ['name'], source: `${NETWORK_SECURITY_RULE}:49 "name" ForceNew` },
    { path: ['network_security_group_name'], source: `${NETWORK_SECURITY_RULE}:58 "network_security_group_name" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_public_ip: [
    // Not modelled: domain_name_label_scope replaces on any change except setting it where it was unset (CustomizeDiff ForceNewIfChange).
    // allocation_method, domain_name_label, idle_timeout_in_minutes, ddos_* and tags are updated in place.
    { path: ['name'], source: `${PUBLIC_IP}:56 "name" ForceNew` },
    { path: ['ip_version'], source: `${PUBLIC_IP}:97 "ip_version" ForceNew` },
    { path: ['sku'], source: `${PUBLIC_IP}:107 "sku" ForceNew` },
    { path: ['sku_tier'], source: `${PUBLIC_IP}:120 "sku_tier" ForceNew` },
    { path: ['public_ip_prefix_id'], source: `${PUBLIC_IP}:164 "public_ip_prefix_id" ForceNew` },
    { path: ['ip_tags'], source: `${PUBLIC_IP}:171 "ip_tags" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
    { path: ['edge_zone'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/edge_zone.go:36 EdgeZoneOptionalForceNew() "edge_zone" ForceNew` },
    { path: ['zones'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/zones.go:55 ZonesMultipleOptionalForceNew() "zones" ForceNew` },
  ],
  azurerm_resource_group: [
    { path: ['name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
  ],
  azurerm_role_assignment: [
    // Role assignments have no update except skip_service_principal_aad_check: every other field is ForceNew.
    { path: ['name'], source: `${ROLE_ASSIGNMENT}:57 "name" ForceNew` },
    { path: ['scope'], source: `${ROLE_ASSIGNMENT}:64 "scope" ForceNew` },
    { path: ['role_definition_id'], source: `${ROLE_ASSIGNMENT}:85 "role_definition_id" ForceNew` },
    { path: ['role_definition_name'], source: `${ROLE_ASSIGNMENT}:94 "role_definition_name" ForceNew` },
    { path: ['principal_id'], source: `${ROLE_ASSIGNMENT}:103 "principal_id" ForceNew` },
    { path: ['principal_type'], source: `${ROLE_ASSIGNMENT}:110 "principal_type" ForceNew` },
    { path: ['delegated_managed_identity_resource_id'], source: `${ROLE_ASSIGNMENT}:127 "delegated_managed_identity_resource_id" ForceNew` },
    { path: ['description'], source: `${ROLE_ASSIGNMENT}:134 "description" ForceNew` },
    { path: ['condition'], source: `${ROLE_ASSIGNMENT}:141 "condition" ForceNew` },
    { path: ['condition_version'], source: `${ROLE_ASSIGNMENT}:148 "condition_version" ForceNew` },
  ],
  azurerm_role_definition: [
    // name, description, permissions and assignable_scopes are updated in place (Update() of the same file).
    { path: ['role_definition_id'], source: `${ROLE_DEFINITION}:54 "role_definition_id" ForceNew` },
    { path: ['scope'], source: `${ROLE_DEFINITION}:67 "scope" ForceNew` },
  ],
  azurerm_route: [
    { path: ['name'], source: `${ROUTE}:50 "name" ForceNew` },
    { path: ['route_table_name'], source: `${ROUTE}:59 "route_table_name" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_route_table: [
    { path: ['name'], source: `${ROUTE_TABLE}:54 "name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_storage_account: [
    // Not modelled (CustomizeDiff, lines 1113-1202): account_kind replaces unless Storage becomes StorageV2; large_file_share_enabled
    // replaces when turned off; immutability_policy.0.state replaces once Locked; account_replication_type replaces between the
    // locally or geo-redundant kinds (LRS, GRS, RAGRS) and the zone-redundant ones (ZRS, GZRS, RAGZRS), in either direction.
    { path: ['name'], source: `${STORAGE_ACCOUNT}:103 "name" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['account_tier'], source: `${STORAGE_ACCOUNT}:121 "account_tier" ForceNew` },
    { path: ['provisioned_billing_model_version'], source: `${STORAGE_ACCOUNT}:127 "provisioned_billing_model_version" ForceNew` },
    { path: ['edge_zone'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/edge_zone.go:36 EdgeZoneOptionalForceNew() "edge_zone" ForceNew` },
    { path: ['immutability_policy'], source: `${STORAGE_ACCOUNT}:302 "immutability_policy" ForceNew` },
    { path: ['is_hns_enabled'], source: `${STORAGE_ACCOUNT}:335 "is_hns_enabled" ForceNew` },
    { path: ['nfsv3_enabled'], source: `${STORAGE_ACCOUNT}:342 "nfsv3_enabled" ForceNew` },
    { path: ['dns_endpoint_type'], source: `${STORAGE_ACCOUNT}:366 "dns_endpoint_type" ForceNew` },
    { path: ['queue_encryption_key_type'], source: `${STORAGE_ACCOUNT}:671 "queue_encryption_key_type" ForceNew` },
    { path: ['table_encryption_key_type'], source: `${STORAGE_ACCOUNT}:679 "table_encryption_key_type" ForceNew` },
    { path: ['infrastructure_encryption_enabled'], source: `${STORAGE_ACCOUNT}:688 "infrastructure_encryption_enabled" ForceNew` },
  ],
  azurerm_storage_container: [
    // container_access_type and metadata are updated in place. Not modelled: storage_account_name (deprecated) replaces when it changes (CustomizeDiff, line 160).
    { path: ['name'], source: `${STORAGE_CONTAINER}:78 "name" ForceNew` },
    { path: ['storage_account_id'], source: `${STORAGE_CONTAINER}:85 "storage_account_id" ForceNew` },
    { path: ['default_encryption_scope'], source: `${STORAGE_CONTAINER}:104 "default_encryption_scope" ForceNew` },
    { path: ['encryption_scope_override_enabled'], source: `${STORAGE_CONTAINER}:112 "encryption_scope_override_enabled" ForceNew` },
  ],
  azurerm_storage_management_policy: [
    // The rules are updated in place.
    { path: ['storage_account_id'], source: `${STORAGE_MANAGEMENT_POLICY}:48 "storage_account_id" ForceNew` },
  ],
  azurerm_subnet: [
    // address_prefixes is updated in place.
    { path: ['name'], source: `${SUBNET}:139 "name" ForceNew` },
    { path: ['virtual_network_name'], source: `${SUBNET}:147 "virtual_network_name" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_subnet_network_security_group_association: [
    { path: ['subnet_id'], source: `${SUBNET_NSG_ASSOCIATION}:44 "subnet_id" ForceNew` },
    { path: ['network_security_group_id'], source: `${SUBNET_NSG_ASSOCIATION}:51 "network_security_group_id" ForceNew` },
  ],
  azurerm_subnet_route_table_association: [
    { path: ['subnet_id'], source: `${SUBNET_ROUTE_TABLE_ASSOCIATION}:44 "subnet_id" ForceNew` },
    { path: ['route_table_id'], source: `${SUBNET_ROUTE_TABLE_ASSOCIATION}:51 "route_table_id" ForceNew` },
  ],
  azurerm_user_assigned_identity: [
    { path: ['name'], source: `${USER_ASSIGNED_IDENTITY}:55 "name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
  ],
  azurerm_virtual_network: [
    // address_space and inline subnet blocks are updated in place.
    { path: ['name'], source: `${VIRTUAL_NETWORK}:71 "name" ForceNew` },
    { path: ['resource_group_name'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/resource_group_name.go:15 ResourceGroupName() "resource_group_name" ForceNew` },
    { path: ['location'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/location.go:15 Location() "location" ForceNew` },
    { path: ['edge_zone'], source: `${AZURERM} vendor/github.com/hashicorp/go-azure-helpers/resourcemanager/commonschema/edge_zone.go:36 EdgeZoneOptionalForceNew() "edge_zone" ForceNew` },
  ],
};
