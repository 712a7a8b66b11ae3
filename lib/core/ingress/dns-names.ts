/**
 * Name checks for the ingress: DNS zone and record names, the ACME contact
 * email, Kubernetes object names and label values. Each returns why the value
 * is not acceptable, or undefined. Pure.
 */

// RFC 1035 as public DNS uses it: labels of letters, digits and inner dashes,
// 1-63 characters; a name of at most 253 characters (no trailing dot).
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_NAME_LENGTH = 253;
// Top-level domains are letters (or IDNA `xn--`), never all digits.
const TOP_LEVEL = /^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// The local part cert-manager and Let's Encrypt accept in practice: RFC 5322's
// dot-atom without quoted strings.
const EMAIL_LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/i;
// Kubernetes object names (DNS-1123 subdomain) and label values.
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** Why `name` is not a public domain name like `example.com`. */
export function domainNameProblem(name: string): string | undefined {
  const labels = name.split('.');
  if (name.length > MAX_NAME_LENGTH) return `is ${name.length} characters long, over DNS's ${MAX_NAME_LENGTH}`;
  if (name !== name.toLowerCase()) return 'has uppercase letters';
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) return bad === '' ? 'has an empty label' : `has the label "${bad}", which is not 1-63 letters, digits or inner dashes`;
  if (labels.length < 2) return 'has a single label';
  if (!TOP_LEVEL.test(labels[labels.length - 1])) return `ends in "${labels[labels.length - 1]}", which is not a top-level domain`;
  return undefined;
}

/** Why `name` is not a name relative to a zone, like `ingress.prod`. */
export function relativeNameProblem(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name !== name.toLowerCase()) return 'has uppercase letters';
  const bad = name.split('.').find((label) => !LABEL.test(label));
  if (bad !== undefined) return bad === '' ? 'has an empty label' : `has the label "${bad}", which is not 1-63 letters, digits or inner dashes`;
  return undefined;
}

/** Why `email` cannot be an ACME account's contact address. */
export function emailProblem(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  if (at <= 0) return 'has no local part and "@"';
  if (!EMAIL_LOCAL.test(email.slice(0, at))) return `has the local part "${email.slice(0, at)}", which has characters or dots an address cannot have`;
  const domainProblem = domainNameProblem(email.slice(at + 1).toLowerCase());
  return domainProblem ? `has a domain that ${domainProblem}` : undefined;
}

/** Whether `name` is a Kubernetes object name (DNS-1123 subdomain). */
export function isObjectName(name: string): boolean {
  return name.length <= 253 && OBJECT_NAME.test(name);
}

/** Whether `value` is a Kubernetes label value. */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}
