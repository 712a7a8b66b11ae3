/**
 * Attributes whose change makes hashicorp/tls 4.1.0 plan a replacement, for the stand-in provider.
 *
 * Read from hashicorp/terraform-provider-tls at tag v4.1.0 (the pinned version).
 * Plugin-framework resources: RequiresReplace (and RequiresReplaceIf) plan modifiers compare the planned value with
 * the prior state, so a rule on a block path means any change inside the block.
 */
import { ReplaceTable } from './replace-rule';

const TLS = 'hashicorp/terraform-provider-tls v4.1.0';
const TLS_PRIVATE_KEY = `${TLS} internal/provider/resource_private_key.go`;
const TLS_CERT_REQUEST = `${TLS} internal/provider/resource_cert_request.go`;
const TLS_SELF_SIGNED_CERT = `${TLS} internal/provider/resource_self_signed_cert.go`;
const TLS_LOCALLY_SIGNED_CERT = `${TLS} internal/provider/resource_locally_signed_cert.go`;

/** Force-new attributes of registry.terraform.io/hashicorp/tls 4.1.0, by resource type. */
export const TLS_REPLACE_RULES: ReplaceTable = {
  tls_cert_request: [
    // requireReplaceIfStateContainsPEMString (internal/provider/common.go): replaces when the prior state holds a PEM, i.e. always after a normal create.
    { path: ['private_key_pem'], source: `${TLS_CERT_REQUEST}:46 "private_key_pem" requireReplaceIfStateContainsPEMString` },
    { path: ['dns_names'], source: `${TLS_CERT_REQUEST}:60 "dns_names" listplanmodifier.RequiresReplace` },
    { path: ['ip_addresses'], source: `${TLS_CERT_REQUEST}:68 "ip_addresses" listplanmodifier.RequiresReplace` },
    { path: ['uris'], source: `${TLS_CERT_REQUEST}:81 "uris" listplanmodifier.RequiresReplace` },
    // RequiresReplace on the block and on every attribute in it.
    { path: ['subject'], source: `${TLS_CERT_REQUEST}:128 "subject" listplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'organization'], source: `${TLS_CERT_REQUEST}:135 "subject.organization" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'common_name'], source: `${TLS_CERT_REQUEST}:142 "subject.common_name" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'organizational_unit'], source: `${TLS_CERT_REQUEST}:149 "subject.organizational_unit" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'street_address'], source: `${TLS_CERT_REQUEST}:157 "subject.street_address" listplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'email_address'], source: `${TLS_CERT_REQUEST}:164 "subject.email_address" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'locality'], source: `${TLS_CERT_REQUEST}:171 "subject.locality" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'province'], source: `${TLS_CERT_REQUEST}:178 "subject.province" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'country'], source: `${TLS_CERT_REQUEST}:185 "subject.country" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'postal_code'], source: `${TLS_CERT_REQUEST}:192 "subject.postal_code" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'serial_number'], source: `${TLS_CERT_REQUEST}:199 "subject.serial_number" stringplanmodifier.RequiresReplace` },
  ],
  tls_locally_signed_cert: [
    // Not modelled: ModifyPlan (modifyPlanIfCertificateReadyForRenewal, internal/provider/common_cert.go) replaces once now >= validity_end_time - early_renewal_hours, a time-based condition.
    // early_renewal_hours is updated in place.
    // requireReplaceIfStateContainsPEMString (internal/provider/common.go): replaces when the prior state holds a PEM, i.e. always after a normal create.
    { path: ['ca_cert_pem'], source: `${TLS_LOCALLY_SIGNED_CERT}:54 "ca_cert_pem" requireReplaceIfStateContainsPEMString` },
    { path: ['ca_private_key_pem'], source: `${TLS_LOCALLY_SIGNED_CERT}:62 "ca_private_key_pem" requireReplaceIfStateContainsPEMString` },
    { path: ['cert_request_pem'], source: `${TLS_LOCALLY_SIGNED_CERT}:71 "cert_request_pem" requireReplaceIfStateContainsPEMString` },
    { path: ['validity_period_hours'], source: `${TLS_LOCALLY_SIGNED_CERT}:79 "validity_period_hours" int64planmodifier.RequiresReplace` },
    { path: ['allowed_uses'], source: `${TLS_LOCALLY_SIGNED_CERT}:90 "allowed_uses" listplanmodifier.RequiresReplace` },
    { path: ['is_ca_certificate'], source: `${TLS_LOCALLY_SIGNED_CERT}:111 "is_ca_certificate" boolplanmodifier.RequiresReplace` },
    { path: ['set_subject_key_id'], source: `${TLS_LOCALLY_SIGNED_CERT}:135 "set_subject_key_id" boolplanmodifier.RequiresReplace` },
  ],
  tls_private_key: [
    { path: ['algorithm'], source: `${TLS_PRIVATE_KEY}:53 "algorithm" stringplanmodifier.RequiresReplace` },
    { path: ['rsa_bits'], source: `${TLS_PRIVATE_KEY}:68 "rsa_bits" int64planmodifier.RequiresReplace` },
    { path: ['ecdsa_curve'], source: `${TLS_PRIVATE_KEY}:77 "ecdsa_curve" stringplanmodifier.RequiresReplace` },
  ],
  tls_self_signed_cert: [
    // Not modelled: ModifyPlan (modifyPlanIfCertificateReadyForRenewal, internal/provider/common_cert.go) replaces once now >= validity_end_time - early_renewal_hours, a time-based condition.
    // early_renewal_hours is updated in place.
    // requireReplaceIfStateContainsPEMString (internal/provider/common.go): replaces when the prior state holds a PEM, i.e. always after a normal create.
    { path: ['private_key_pem'], source: `${TLS_SELF_SIGNED_CERT}:55 "private_key_pem" requireReplaceIfStateContainsPEMString` },
    { path: ['validity_period_hours'], source: `${TLS_SELF_SIGNED_CERT}:66 "validity_period_hours" int64planmodifier.RequiresReplace` },
    { path: ['allowed_uses'], source: `${TLS_SELF_SIGNED_CERT}:77 "allowed_uses" listplanmodifier.RequiresReplace` },
    { path: ['dns_names'], source: `${TLS_SELF_SIGNED_CERT}:97 "dns_names" listplanmodifier.RequiresReplace` },
    { path: ['ip_addresses'], source: `${TLS_SELF_SIGNED_CERT}:105 "ip_addresses" listplanmodifier.RequiresReplace` },
    { path: ['uris'], source: `${TLS_SELF_SIGNED_CERT}:118 "uris" listplanmodifier.RequiresReplace` },
    { path: ['is_ca_certificate'], source: `${TLS_SELF_SIGNED_CERT}:147 "is_ca_certificate" boolplanmodifier.RequiresReplace` },
    { path: ['set_subject_key_id'], source: `${TLS_SELF_SIGNED_CERT}:156 "set_subject_key_id" boolplanmodifier.RequiresReplace` },
    { path: ['set_authority_key_id'], source: `${TLS_SELF_SIGNED_CERT}:166 "set_authority_key_id" boolplanmodifier.RequiresReplace` },
    // RequiresReplace on the block and on every attribute in it.
    { path: ['subject'], source: `${TLS_SELF_SIGNED_CERT}:234 "subject" listplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'organization'], source: `${TLS_SELF_SIGNED_CERT}:241 "subject.organization" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'common_name'], source: `${TLS_SELF_SIGNED_CERT}:248 "subject.common_name" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'organizational_unit'], source: `${TLS_SELF_SIGNED_CERT}:255 "subject.organizational_unit" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'street_address'], source: `${TLS_SELF_SIGNED_CERT}:263 "subject.street_address" listplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'locality'], source: `${TLS_SELF_SIGNED_CERT}:270 "subject.locality" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'province'], source: `${TLS_SELF_SIGNED_CERT}:277 "subject.province" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'country'], source: `${TLS_SELF_SIGNED_CERT}:284 "subject.country" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'postal_code'], source: `${TLS_SELF_SIGNED_CERT}:291 "subject.postal_code" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'serial_number'], source: `${TLS_SELF_SIGNED_CERT}:298 "subject.serial_number" stringplanmodifier.RequiresReplace` },
    { path: ['subject', '*', 'email_address'], source: `${TLS_SELF_SIGNED_CERT}:305 "subject.email_address" stringplanmodifier.RequiresReplace` },
  ],
};
