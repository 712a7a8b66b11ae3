/**
 * A node's user-data against its cloud's limit, at synth, before Terraform has
 * filled in its `${...}` references: each reference counts at the longest value
 * it can take (docs/bootstrap.md, "Size"), so a document that passes here
 * fits after apply whatever the values turn out to be.
 *
 * The bounds are of the values the library's own references take. A reference
 * the table does not know has no bound, and the check refuses its document
 * rather than guess (`unboundedReferences`).
 */
import { Cloud } from '../cloud';
import { MAX_SCALED_NAME_PREFIX, PHONE_HOME_URL_MAX_LENGTH, PHONE_HOME_URL_PATTERN } from './validate-node-bootstrap';
import { isInterpolation, terraformTemplateParts } from './terraform-template';
import { USER_DATA_LIMITS, userDataSize } from './user-data-limits';
import { unescapeTerraformTemplate } from './render-template';

/** The longest value a reference can take, and the characters it is made of. */
export interface ValueBound {
  readonly maxLength: number;
  readonly alphabet: string;
}

const DIGITS = '0123456789';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const BASE64 = `${UPPER}${LOWER}${DIGITS}+/=`;
const HOST = `${LOWER}${DIGITS}.-`;
const UUID = `${DIGITS}abcdef-`;

/** The length of a PEM block of `derBytes` bytes: base64 in lines of 64 characters, each ended by a line feed (RFC 7468). */
export function pemLength(label: string, derBytes: number): number {
  const base64 = 4 * Math.ceil(derBytes / 3);
  return `-----BEGIN ${label}-----\n`.length + base64 + Math.ceil(base64 / 64) + `-----END ${label}-----\n`.length;
}

// The most DER bytes each key and certificate of ClusterCredentials can take (lib/cluster/cluster-credentials.ts;
// test/core/bootstrap/user-data-bounds.test.ts checks the stack's tls resources against these):
// - ECDSA P-256 private key: SEC1 (RFC 5915) is 121 bytes, PKCS#8 (RFC 5208) 138; the larger, label "EC PRIVATE KEY" being the longer.
const EC_P256_KEY_PEM = Math.max(pemLength('EC PRIVATE KEY', 121), pemLength('PRIVATE KEY', 138));
// - RSA-2048 private key, PKCS#1 (RFC 8017, A.1.2): version 3, n 261, e 5, d 261, and p, q, dp, dq, qinv at most
//   132 each (128 bytes, a leading zero, the tag and two length bytes), inside a 4-byte SEQUENCE header: 1,194.
const RSA_2048_KEY_PEM = pemLength('RSA PRIVATE KEY', 4 + 3 + 261 + 5 + 261 + 5 * 132);
// - RSA-2048 public key, SubjectPublicKeyInfo (RFC 5280, 4.1.2.7): 294 bytes.
const RSA_2048_PUBLIC_PEM = pemLength('PUBLIC KEY', 294);
// - A self-signed CA certificate of an ECDSA P-256 key whose subject is a common name of at most
//   CA_COMMON_NAME_MAX characters, as the tls provider makes it (Go's x509.CreateCertificate; RFC 5280, 4.1):
//   version 5, serial (128 random bits) 19, signature algorithm 12, issuer and subject 11 + the name each,
//   validity 36 (GeneralizedTime), key 91, extensions 104 (key usage 16, basic constraints 20, subject and
//   authority key identifiers 31 and 33, their headers 4), the to-be-signed header 4; then the algorithm 12
//   and an ECDSA signature of at most 75, inside a 4-byte header.
/** The longest common name of ClusterCredentials' CAs (front-proxy-ca: 14). */
export const CA_COMMON_NAME_MAX = 16;
const CA_CERT_DER = 4 + (4 + 5 + 19 + 12 + 2 * (11 + CA_COMMON_NAME_MAX) + 36 + 91 + 104) + 12 + 75;
const CA_CERT_PEM = pemLength('CERTIFICATE', CA_CERT_DER);

/** base64 of `bytes` bytes. */
const base64Of = (bytes: number): ValueBound => ({ maxLength: 4 * Math.ceil(bytes / 3), alphabet: BASE64 });

/**
 * Every reference the library puts into user-data, with the longest value it can take. A resource
 * address is `<type>.<name>` (`[index]` allowed); cdktf names the library's resources by construct
 * path, which the patterns of ClusterCredentials' keys rely on.
 */
const REFERENCE_BOUNDS: readonly { readonly pattern: RegExp; readonly bound: ValueBound; readonly why: string }[] = [
  {
    pattern: /^(aws_eip\.\S+\.public_ip|google_compute_address\.\S+\.address|azurerm_public_ip\.\S+\.ip_address|digitalocean_reserved_ip\.\S+\.ip_address)$/,
    bound: { maxLength: '255.255.255.255'.length, alphabet: `${DIGITS}.` },
    why: 'a public IPv4 address, dotted-decimal',
  },
  {
    pattern: /^(aws_subnet\.\S+\.cidr_block|google_compute_subnetwork\.\S+\.ip_cidr_range|digitalocean_vpc\.\S+\.ip_range)$/,
    bound: { maxLength: '255.255.255.255/32'.length, alphabet: `${DIGITS}./` },
    why: 'an IPv4 range in CIDR notation',
  },
  {
    // <bucket>.s3.<region>.amazonaws.com[.cn]: bucket names are 3 to 63 characters (S3 "General purpose bucket
    // naming rules"); region codes are under 16 characters today (ap-southeast-5), 25 allowed.
    pattern: /^aws_s3_bucket\.\S+\.bucket_regional_domain_name$/,
    bound: { maxLength: 63 + '.s3.'.length + 25 + '.amazonaws.com.cn'.length, alphabet: HOST },
    why: "the agent bucket's regional domain name",
  },
  {
    // arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>: partitions up to 10
    // characters (aws-us-gov), regions 25 allowed, 12-digit accounts, names up to 512 (Secrets Manager quotas).
    pattern: /^aws_secretsmanager_secret\.\S+\.arn$/,
    bound: { maxLength: 'arn:'.length + 10 + ':secretsmanager:'.length + 25 + 1 + 12 + ':secret:'.length + 512 + 7, alphabet: `${LOWER}${UPPER}${DIGITS}:/_+=.@-` },
    why: 'a Secrets Manager secret ARN',
  },
  {
    // projects/<project id, at most 30 characters, or number>/secrets/<secret id, at most 255> (Secret Manager).
    pattern: /^google_secret_manager_secret\.\S+\.name$/,
    bound: { maxLength: 'projects/'.length + 30 + '/secrets/'.length + 255, alphabet: `${LOWER}${UPPER}${DIGITS}/_-` },
    why: 'a Secret Manager secret name',
  },
  {
    // https://<vault, at most 24 characters>.vault.usgovcloudapi.net (the longest Key Vault DNS suffix)/secrets/<name, at most 127>.
    pattern: /^azurerm_key_vault_secret\.\S+\.versionless_id$/,
    bound: { maxLength: 'https://'.length + 24 + '.vault.usgovcloudapi.net'.length + '/secrets/'.length + 127, alphabet: `${HOST}:/${UPPER}` },
    why: 'a Key Vault secret URL',
  },
  {
    pattern: /^azurerm_key_vault\.\S+\.vault_uri$/,
    bound: { maxLength: 'https://'.length + 24 + '.vault.usgovcloudapi.net/'.length, alphabet: `${HOST}:/` },
    why: 'a Key Vault URI',
  },
  {
    pattern: /^(azurerm_user_assigned_identity\.\S+\.client_id|data\.azurerm_client_config\.\S+\.subscription_id)$/,
    bound: { maxLength: 36, alphabet: UUID },
    why: 'a UUID',
  },
  {
    // Azure resource group names: 1 to 90 characters (Azure naming rules, Microsoft.Resources).
    pattern: /^azurerm_resource_group\.\S+\.name$/,
    bound: { maxLength: 90, alphabet: `${LOWER}${UPPER}${DIGITS}._()-` },
    why: 'a resource group name',
  },
  {
    // The library names each scaling group `<cluster>-<id>`, which NodeGroup keeps within MAX_SCALED_NAME_PREFIX.
    pattern: /^(aws_autoscaling_group|azurerm_linux_virtual_machine_scale_set)\.\S+\.name$/,
    bound: { maxLength: MAX_SCALED_NAME_PREFIX, alphabet: `${LOWER}${DIGITS}-` },
    why: 'an autoscaled group name',
  },
  // ClusterCredentials' random values: the kubeadm token's id (6) and secret (16), [a-z0-9] (kubeadm's format);
  // the control-plane key tickets (40 letters and digits, lib/cluster/cast-cluster.ts).
  { pattern: /^random_string\.\S*bootstrap-token-id\S*\.result$/, bound: { maxLength: 6, alphabet: `${LOWER}${DIGITS}` }, why: 'the bootstrap token id' },
  { pattern: /^random_password\.\S*bootstrap-token-secret\S*\.result$/, bound: { maxLength: 16, alphabet: `${LOWER}${DIGITS}` }, why: 'the bootstrap token secret' },
  { pattern: /^random_password\.\S*key-tickets\S*\.result$/, bound: { maxLength: 40, alphabet: `${LOWER}${UPPER}${DIGITS}` }, why: "a control plane's key ticket" },
  // ClusterCredentials' PEMs (bounds above).
  { pattern: /^tls_private_key\.\S*service-account-key\S*\.private_key_pem$/, bound: { maxLength: RSA_2048_KEY_PEM, alphabet: BASE64 }, why: 'an RSA-2048 private key, PEM' },
  { pattern: /^tls_private_key\.\S*service-account-key\S*\.public_key_pem$/, bound: { maxLength: RSA_2048_PUBLIC_PEM, alphabet: BASE64 }, why: 'an RSA-2048 public key, PEM' },
  { pattern: /^tls_private_key\.\S*ca-key\S*\.private_key_pem$/, bound: { maxLength: EC_P256_KEY_PEM, alphabet: BASE64 }, why: 'an ECDSA P-256 private key, PEM' },
  { pattern: /^tls_self_signed_cert\.\S*ca-cert\S*\.cert_pem$/, bound: { maxLength: CA_CERT_PEM, alphabet: BASE64 }, why: 'a self-signed ECDSA P-256 CA certificate, PEM' },
];

const QUOTED = /^replace\((.*), "'", "'\\\\''"\)$/s;
const BASE64ENCODE = /^base64encode\((.*)\)$/s;
const TRIM_SLASH = /^trimsuffix\((.*), "\/"\)$/s;
/** The apply-time check of a phone-home URL expression (node-bootstrap.ts, phoneHomeUrlCheck). */
const PHONE_HOME_CHECK = `regex(${JSON.stringify(PHONE_HOME_URL_PATTERN)}, [`;

/**
 * The longest value `expression` can take, or undefined when the library does not know it: a
 * reference of REFERENCE_BOUNDS, or one of the functions the bootstrap wraps references in
 * (`replace` quoting for a shell, `base64encode`, `trimsuffix(..., "/")`, the phone-home check).
 */
export function referenceBound(expression: string): ValueBound | undefined {
  const quoted = QUOTED.exec(expression);
  if (quoted) {
    // Each ' becomes the four characters '\''.
    const inner = referenceBound(quoted[1]);
    return inner && (inner.alphabet.includes("'") ? { ...inner, maxLength: 4 * inner.maxLength } : inner);
  }
  const encoded = BASE64ENCODE.exec(expression);
  if (encoded) {
    const inner = referenceBound(encoded[1]);
    return inner && base64Of(inner.maxLength);
  }
  const trimmed = TRIM_SLASH.exec(expression);
  if (trimmed) return referenceBound(trimmed[1]);
  // The phone-home check fails the apply unless the value matches the rule and is at most PHONE_HOME_URL_MAX_LENGTH long.
  if (expression.startsWith(PHONE_HOME_CHECK) && expression.endsWith(` > ${PHONE_HOME_URL_MAX_LENGTH} ? 1 : 0])`)) return { maxLength: PHONE_HOME_URL_MAX_LENGTH, alphabet: `${LOWER}${UPPER}${DIGITS}:/?&=#%.-_~+;$!*,@[]()` };
  return REFERENCE_BOUNDS.find((entry) => entry.pattern.test(expression))?.bound;
}

/** A document as its node receives it at the worst: each reference at its longest, of characters picked at random (see `filler`). */
export interface WorstCase {
  readonly text: string;
  readonly references: number;
  /** References with no known bound; the document cannot be measured while there is one. */
  readonly unbounded: readonly string[];
}

/** `template` (a Terraform template string) with every reference at its longest value. */
export function worstCase(template: string): WorstCase {
  const unbounded: string[] = [];
  let references = 0;
  const text = terraformTemplateParts(template)
    .map((part) => {
      if (!isInterpolation(part)) return unescapeTerraformTemplate(part.literal);
      references++;
      const bound = referenceBound(part.expression);
      if (!bound) unbounded.push(part.expression);
      return bound ? filler(bound, references) : '';
    })
    .join('');
  return { text, references, unbounded };
}

/**
 * `bound.maxLength` characters of `bound.alphabet`, picked by a fixed pseudo-random sequence
 * (xorshift32, seeded per reference): about as incompressible as text of that alphabet gets,
 * so the gzip of the worst case is not smaller than that of the real values, and the same on
 * every synth.
 */
function filler(bound: ValueBound, seed: number): string {
  let state = (0x9e3779b9 ^ seed) >>> 0;
  let text = '';
  for (let i = 0; i < bound.maxLength; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    text += bound.alphabet[state % bound.alphabet.length];
  }
  return text;
}

/**
 * Terraform's `base64gzip` (Go's compress/flate, default level) against Node's zlib at its default
 * level: up to 0.4% larger on the library's documents (measured with `terraform console`,
 * test/core/bootstrap/user-data-size-check.test.ts); the check allows 1%.
 */
export const TERRAFORM_GZIP_ALLOWANCE = 1.01;

/** The most bytes `template` can take on `cloud` once Terraform has filled it in, as the cloud counts them. */
export function worstCaseSize(cloud: Cloud, template: string): { readonly bytes: number; readonly references: number; readonly unbounded: readonly string[] } {
  const worst = worstCase(template);
  const size = userDataSize(cloud, worst.text);
  const bytes = USER_DATA_LIMITS[cloud].counts === 'gzip' ? Math.ceil(size * TERRAFORM_GZIP_ALLOWANCE) : size;
  return { bytes, references: worst.references, unbounded: worst.unbounded };
}

/** One document to check: what receives it (`node c1-w-1`), its cloud, and its Terraform template string as synthesized. */
export interface UserDataDocument {
  readonly receiver: string;
  readonly cloud: Cloud;
  readonly template: string;
}

/** Every document over its cloud's limit, or with a reference of unknown length, one problem each. */
export function userDataSizeProblems(documents: readonly UserDataDocument[]): string[] {
  const problems: string[] = [];
  const bytes = (n: number) => n.toLocaleString('en-US');
  for (const { receiver, cloud, template } of documents) {
    const limit = USER_DATA_LIMITS[cloud];
    const size = worstCaseSize(cloud, template);
    if (size.unbounded.length > 0) {
      problems.push(
        `user-data of ${receiver} must hold only references whose longest value the library knows (got ${size.unbounded.map((e) => `\${${e}}`).join(', ')}): its size against ${cloud}'s limit cannot be checked before apply. Pass those values as plain text.`,
      );
    } else if (size.bytes > limit.bytes) {
      problems.push(
        `user-data of ${receiver} must fit ${limit.what}: at most ${bytes(limit.bytes)} bytes (got up to ${bytes(size.bytes)} bytes once Terraform fills in its ${size.references} references at their longest). To shrink it, ${limit.fix}.`,
      );
    }
  }
  return problems;
}
