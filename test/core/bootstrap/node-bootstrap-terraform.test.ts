/**
 * In production the values are Terraform expressions: they must reach Terraform
 * verbatim, and every other `${` / `%{` of the document must be escaped so that
 * Terraform interpolates only what we mean.
 */
import { Cloud } from '../../../lib/core/cloud';
import { NODE_BOOTSTRAP_KINDS, phoneHomeUrlValue, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { NODE_FILES_ARCHIVE } from '../../../lib/core/bootstrap/node-files-archive';
import { shellSingleQuoted } from '../../../lib/core/bootstrap/render-template';
import { EXPRESSION_CREDENTIALS, expressionInput } from './bootstrap-fixtures';
import { contentOf, fileAt, parseCloudConfig, parseUserData } from './user-data-files';

/** The public address (with the quotes of a for_each key), the API DNS name and the phone-home URL. */
const ADDRESS_EXPRESSIONS = ['${google_compute_address.node["gcp-w-1"].address}', '${aws_route53_record.api.fqdn}', '${var.phone_home_url}'];

/** An expression as node.env holds it: the phone-home URL checked at apply time, every one quoted for the shell (shellSingleQuoted). */
const inEnvFile = (expression: string): string => shellSingleQuoted(expression === '${var.phone_home_url}' ? phoneHomeUrlValue(expression) : expression);

/** The text with every given expression cut out. */
function withoutExpressions(text: string, expressions: readonly string[]): string {
  return expressions.reduce((rest, expression) => rest.split(expression).join('<expr>'), text);
}

describe('renderNodeUserData with Terraform expressions', () => {
  test.each(NODE_BOOTSTRAP_KINDS.flatMap((kind) => [Cloud.AWS, Cloud.GCP].map((cloud) => [kind, cloud] as const)))('%s on %s: expressions verbatim (in env files quoted at apply time), everything else escaped', (kind, cloud) => {
    const input = { ...expressionInput(kind, cloud), spot: true, apiServerDnsName: '${aws_route53_record.api.fqdn}' };
    const rendered = renderNodeUserData(input);
    const credentials = Object.values(input.credentials);
    // Workers render no ClusterConfiguration, so no SAN: the DNS name reaches control planes only.
    const expected = kind === 'worker' ? ADDRESS_EXPRESSIONS.filter((e) => !e.includes('route53')) : ADDRESS_EXPRESSIONS;
    for (const expression of [...expected, ...credentials]) expect({ expression, found: rendered.includes(expression) || rendered.includes(inEnvFile(expression)) }).toEqual({ expression, found: true });
    // The phone-home URL reaches node.env alone, and there only checked and quoted.
    expect(rendered).not.toContain('${var.phone_home_url}');

    const rest = withoutExpressions(rendered, [...ADDRESS_EXPRESSIONS.map(inEnvFile), ...ADDRESS_EXPRESSIONS, ...credentials]);
    // Every remaining "${" is the tail of an escaped "$${"; the same for "%{". (An expression
    // mangled on its way in, e.g. its quotes escaped, is left here unescaped and fails this.)
    expect(rest.match(/(^|[^$])\$\{/g)).toBeNull();
    expect(rest.match(/(^|[^%])%\{/g)).toBeNull();
    if (cloud === Cloud.AWS) {
      // The scripts do use ${...}: on AWS they are text, escaped.
      expect(rest).toContain('$${CAST_NODE_NAME');
    } else {
      // Elsewhere they are a gzipped tar in base64, which Terraform leaves alone: the node gets the script's own ${...}.
      expect(rest).not.toContain('$${CAST_NODE_NAME');
      expect(fileAt(parseCloudConfig(rendered), NODE_FILES_ARCHIVE).encoding).toBe('gz+b64');
      expect(contentOf(fileAt(parseUserData(rendered), '/opt/cast/bin/bootstrap-node.sh'))).toContain('"node_name=${CAST_NODE_NAME:-}"');
    }
  });

  test('control planes: the public address and the DNS name are SANs, each expression whole inside its quotes', () => {
    const rendered = renderNodeUserData({ ...expressionInput('control-plane'), apiServerDnsName: '${aws_route53_record.api.fqdn}' });
    expect(rendered).toContain("certSANs: ['${aws_route53_record.api.fqdn}']\n");
    expect(rendered).toContain("certSANs: ['${aws_route53_record.api.fqdn}', '${google_compute_address.node[\"gcp-w-1\"].address}']\n");
  });

  test('a worker gets only the CA certificate and token references', () => {
    const rendered = renderNodeUserData(expressionInput('worker'));
    expect(rendered).toContain(EXPRESSION_CREDENTIALS.caCertB64);
    for (const key of [EXPRESSION_CREDENTIALS.caKeyB64, EXPRESSION_CREDENTIALS.etcdCaKeyB64, EXPRESSION_CREDENTIALS.frontProxyCaKeyB64, EXPRESSION_CREDENTIALS.serviceAccountKeyB64]) {
      expect(rendered).not.toContain(key);
    }
    expect(rendered).not.toContain('tls_private_key');
  });

  test('the token is composed from its two references', () => {
    const rendered = renderNodeUserData(expressionInput('worker'));
    expect(rendered).toContain("tlsBootstrapToken: '${random_string.bootstrap_token_id.result}.${random_password.bootstrap_token_secret.result}'");
  });
});
