/** The NetworkPolicies the middleware renders are valid against Kubernetes' NetworkPolicy schema (test/fixtures/kubernetes/), and a broken one is not. */
import { parseAllDocuments } from 'yaml';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { planMiddleware } from '../../lib/core/middleware/middleware-plan';
import { renderMiddlewareManifests } from '../../lib/core/middleware/render-middleware';
import { checkCustomResource } from '../ingress/crd-schema';

const plan = planMiddleware({ host: 'ops.example.com', issuerUrl: 'https://login.example.com', clientId: 'cast-ops', allowedGroups: ['ops'], ingressInstallsPrometheus: true });
const policies = renderMiddlewareManifests(plan, { 'cast-cluster/name': 'prod' }).config
  .map((text) => parseAllDocuments(unescapeTerraformTemplate(text))[0].toJS())
  .filter((doc) => doc.kind === 'NetworkPolicy');

test('every NetworkPolicy is valid against the networking.k8s.io/v1 schema', () => {
  expect(policies).toHaveLength(2);
  expect(policies.map((p) => checkCustomResource(p).problems)).toEqual([[], []]);
});

test('the schema catches a misspelt field and a wrong type', () => {
  const [policy] = policies;
  const broken = { ...policy, spec: { ...policy.spec, podSelecter: {}, ingress: [{ from: 'everyone', ports: policy.spec.ingress[0].ports }] } };
  expect(checkCustomResource(broken).problems).toEqual([
    '.spec.ingress[0].from: "everyone" is not an array',
    '.spec.podSelecter: not a field of the schema',
  ]);
});
