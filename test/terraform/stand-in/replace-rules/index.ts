/**
 * The attributes that make each real provider plan a replacement, for every resource type
 * the library uses, keyed by provider address. Each provider's table cites the provider
 * source at the version pinned in test/fixtures/provider-schemas; replace-rules.test.ts
 * checks them against those schemas.
 */
import { AWS_REPLACE_RULES } from './aws';
import { AZURERM_REPLACE_RULES } from './azurerm';
import { DIGITALOCEAN_REPLACE_RULES } from './digitalocean';
import { GOOGLE_REPLACE_RULES } from './google';
import { HELM_REPLACE_RULES } from './helm';
import { KUBERNETES_REPLACE_RULES } from './kubernetes';
import { RANDOM_REPLACE_RULES } from './random';
import type { ReplaceTable } from './replace-rule';
import { TLS_REPLACE_RULES } from './tls';

export type { ReplaceRule, ReplaceTable } from './replace-rule';

export const REPLACE_RULES: Readonly<Record<string, ReplaceTable>> = {
  'registry.terraform.io/hashicorp/aws': AWS_REPLACE_RULES,
  'registry.terraform.io/hashicorp/google': GOOGLE_REPLACE_RULES,
  'registry.terraform.io/hashicorp/azurerm': AZURERM_REPLACE_RULES,
  'registry.terraform.io/digitalocean/digitalocean': DIGITALOCEAN_REPLACE_RULES,
  'registry.terraform.io/hashicorp/random': RANDOM_REPLACE_RULES,
  'registry.terraform.io/hashicorp/tls': TLS_REPLACE_RULES,
  'registry.terraform.io/hashicorp/helm': HELM_REPLACE_RULES,
  'registry.terraform.io/hashicorp/kubernetes': KUBERNETES_REPLACE_RULES,
};
