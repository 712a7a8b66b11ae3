/** The four clouds' network models behind one lookup. */
import { AWS_NETWORK } from './aws';
import { AZURE_NETWORK } from './azure';
import { CloudNetworkModel } from './cloud-network-model';
import { DIGITALOCEAN_NETWORK } from './digitalocean';
import { GCP_NETWORK } from './gcp';
import { Cloud } from '../../../core/cloud';

/** Network models by cloud. */
export const NETWORK_MODELS: Readonly<Record<Cloud, CloudNetworkModel>> = {
  [Cloud.AWS]: AWS_NETWORK,
  [Cloud.GCP]: GCP_NETWORK,
  [Cloud.AZURE]: AZURE_NETWORK,
  [Cloud.DIGITALOCEAN]: DIGITALOCEAN_NETWORK,
};
