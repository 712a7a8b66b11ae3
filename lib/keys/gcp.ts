/** gcp: the control-plane key store (to be built). */
import { KeyStoreBuilder } from './key-store-spec';

export const buildKeyStore: KeyStoreBuilder | undefined = undefined;
