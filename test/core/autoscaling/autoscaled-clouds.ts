/** Autoscaled clouds as the cluster autoscaler's renderer takes them: shared by its tests and the schema check of every in-cluster manifest. */
import type { AutoscaledCloud } from '../../../lib/core/autoscaling/cluster-autoscaler-manifests';
import { Cloud } from '../../../lib/core/cloud';

export const AUTOSCALED_AWS: AutoscaledCloud = {
  cloud: Cloud.AWS,
  aws: { region: '${var.aws_region}' },
  groups: [
    { name: 'spot', minNodes: 0, maxNodes: 20, autoscalerRef: '${aws_autoscaling_group.prod_spot.name}' },
    { name: 'general', minNodes: 1, maxNodes: 10, autoscalerRef: 'prod-general' },
  ],
};

export const AUTOSCALED_AZURE: AutoscaledCloud = {
  cloud: Cloud.AZURE,
  azure: { subscriptionId: '${data.azurerm_subscription.current.subscription_id}', resourceGroup: 'prod-rg', clientId: '${azurerm_user_assigned_identity.autoscaler.client_id}' },
  groups: [
    { name: 'general', minNodes: 0, maxNodes: 4, autoscalerRef: 'prod-general' },
    { name: 'memory', minNodes: 0, maxNodes: 2, autoscalerRef: '${azurerm_linux_virtual_machine_scale_set.prod_memory.name}' },
  ],
};
