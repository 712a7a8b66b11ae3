/** Mistakes in the middleware options: all at once, with the stack's path and the fix, no stack trace. */
import { Token } from 'cdktf';
import { buildMiddleware } from './middleware-fixture';

function messageOf(build: () => unknown): string {
  try {
    build();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

test('a host without a certificate, nobody allowed and a bad variable name: one error listing the three, each with the path', () => {
  const message = messageOf(() => buildMiddleware({ host: 'grafana.example.com', allowedEmails: [], clientSecretVariable: '1secret' }));
  expect(message.split('\n')).toEqual([
    expect.stringMatching(/^in-cluster: middleware\.host must be a name the ingress has a certificate for \(got "grafana.example.com".*Add "grafana.example.com" to the IngressStack's tlsHostnames\.$/),
    expect.stringMatching(/^in-cluster: middleware\.allowedEmails or allowedGroups must name who may sign in/),
    expect.stringMatching(/^in-cluster: middleware\.clientSecretVariable must be a Terraform variable name: .*\(got "1secret"\)/),
  ]);
  expect(message).not.toMatch(/\n\s+at /);
});

test('a Token where a concrete value is needed is refused by name', () => {
  expect(messageOf(() => buildMiddleware({ issuerUrl: Token.asString({ Ref: 'x' }) }))).toMatch(/^in-cluster: middleware\.issuerUrl must be a concrete string, not a Token/);
});
