/**
 * Control-plane key stores, one per cloud that has an identity its VMs can read a
 * secret store with. DigitalOcean has none (no instance identity, no secret
 * store): its control planes find their keys in their user-data, and the cluster
 * warns at synth (docs/security.md).
 */
import { Cloud } from '../core/cloud';
import { buildKeyStore as aws } from './aws';
import { buildKeyStore as azure } from './azure';
import { buildKeyStore as gcp } from './gcp';
import { KeyStoreBuilder } from './key-store-spec';

export type { ControlPlaneIdentity, ControlPlaneKeyStore, JoinTokenStore, KeyStoreBuilder, KeyStoreSpec, NodeIdentity } from './key-store-spec';

/** Each cloud's key store builder; absent: the cloud's control planes get their keys in user-data. */
export const KEY_STORE_BUILDERS: Readonly<Partial<Record<Cloud, KeyStoreBuilder>>> = Object.fromEntries(
  ([[Cloud.AWS, aws], [Cloud.GCP, gcp], [Cloud.AZURE, azure]] as const).filter(([, builder]) => builder !== undefined),
);
