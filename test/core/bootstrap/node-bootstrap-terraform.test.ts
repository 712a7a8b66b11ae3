/**
 * In production the values are Terraform expressions: they must reach Terraform
 * verbatim, and every other `${` / `%{` of the document must be escaped so that
 * Terraform interpolates only what we mean.
 */
import { Cloud } from '../../../lib/core/cloud';
import { NODE_BOOTSTRAP_KINDS, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { EXPRESSION_CREDENTIALS, expressionInput } from './bootstrap-fixtures';

const ADDRESS_EXPRESSIONS = ['${aws_eip.cp_1.public_ip}', '${google_compute_address.node["gcp-w-1"].address}', '${var.phone_home_url}'];

/** The text with every given expression cut out. */
function withoutExpressions(text: string, expressions: readonly string[]): string {
  return expressions.reduce((rest, expression) => rest.split(expression).join('<expr>'), text);
}

describe('renderNodeUserData with Terraform expressions', () => {
  test.each(NODE_BOOTSTRAP_KINDS.flatMap((kind) => [Cloud.AWS, Cloud.GCP].map((cloud) => [kind, cloud] as const)))('%s on %s: expressions verbatim, everything else escaped', (kind, cloud) => {
    const input = { ...expressionInput(kind, cloud), spot: true };
    const rendered = renderNodeUserData(input);
    const credentials = Object.values(input.credentials);
    for (const expression of [...ADDRESS_EXPRESSIONS, ...credentials]) expect(rendered).toContain(expression);

    const rest = withoutExpressions(rendered, [...ADDRESS_EXPRESSIONS, ...credentials]);
    // Every remaining "${" is the tail of an escaped "$${"; the same for "%{".
    expect(rest.match(/(^|[^$])\$\{/g)).toBeNull();
    expect(rest.match(/(^|[^%])%\{/g)).toBeNull();
    // The scripts do use ${...}: it is there, escaped.
    expect(rest).toContain('$${CAST_NODE_NAME');
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
