/**
 * The image each middleware chart runs, as the chart's own template builds it from the
 * values the stack gives: with the default chart versions, every image is pulled by
 * digest and named by the tag of the release the chart was made for; with another
 * chart version, no digest of a different release is forced on it.
 *
 * The model of each template (its defaults and its image expression) is read from the
 * charts at the pinned versions (oauth2-proxy runs without a chart: its image is the
 * container's, in each console's pod):
 * - grafana 12.11.1: charts/grafana/templates/_pod.tpl (image, `@sha256:<image.sha>` when set),
 *   values.yaml `image`;
 * - headlamp 0.45.0: charts/headlamp/templates/deployment.yaml (image), values.yaml `image`.
 */
import { parse } from 'yaml';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { MIDDLEWARE_IMAGES } from '../../lib/core/middleware/middleware-defaults';
import { grafanaPod, headlampPod, releaseValues } from './console-pod-model';
import { buildMiddleware, synthesizeInCluster } from './middleware-fixture';

interface ImageValues { registry?: string; repository?: string; tag?: string; sha?: string }

/** Each chart's image expression over its defaults merged with the given values (Helm merges maps key by key). */
const CHARTS: Record<string, { appVersion: string; defaults: ImageValues; image: (v: ImageValues, appVersion: string) => string }> = {
  grafana: {
    appVersion: '13.2.0',
    defaults: { registry: 'docker.io', repository: 'grafana/grafana', tag: '', sha: '' },
    image: (v, app) => `${v.registry}/${v.repository}:${v.tag || app}${v.sha ? `@sha256:${v.sha}` : ''}`,
  },
  headlamp: {
    appVersion: '0.45.0',
    defaults: { registry: 'ghcr.io', repository: 'headlamp-k8s/headlamp', tag: '' },
    image: (v, app) => `${v.registry}/${v.repository}:${v.tag || `v${app}`}`,
  },
};

/** What each release's pod runs, from the synthesized stack; `oauth2-proxy`: the proxy of both pods, which must be one image. */
function imagesOf(json: any): Record<string, string> {
  const releases = json.resource.helm_release;
  const images: Record<string, string> = Object.fromEntries(Object.entries(CHARTS).map(([release, chart]) => {
    const values = parse(unescapeTerraformTemplate(releases[release].values[0]));
    return [release, chart.image({ ...chart.defaults, ...(values.image ?? {}) }, chart.appVersion)];
  }));
  const proxies = [grafanaPod(releaseValues(json, 'grafana')), headlampPod(releaseValues(json, 'headlamp'))]
    .map((pod) => pod.containers.find((c) => c.name === 'oauth2-proxy')!.image);
  expect(new Set(proxies).size).toBe(1);
  return { 'oauth2-proxy': proxies[0], ...images };
}

/** `<registry>/<repository>:<tag>@sha256:<64 hex>` (the distribution reference grammar, with both tag and digest). */
const BY_DIGEST = /^[a-z0-9.-]+(?::\d+)?\/[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*:[\w][\w.-]{0,127}@sha256:[a-f0-9]{64}$/;

test('with the default chart versions, every image is pulled by digest under the tag its chart was made for', () => {
  const images = imagesOf(synthesizeInCluster(buildMiddleware()));
  expect(images).toEqual({
    'oauth2-proxy': `quay.io/oauth2-proxy/oauth2-proxy:v7.15.3@${MIDDLEWARE_IMAGES.oauth2Proxy.digest}`,
    grafana: `docker.io/grafana/grafana:13.2.0@${MIDDLEWARE_IMAGES.grafana.digest}`,
    headlamp: `ghcr.io/headlamp-k8s/headlamp:v0.45.0@${MIDDLEWARE_IMAGES.headlamp.digest}`,
  });
  for (const image of Object.values(images)) expect(image).toMatch(BY_DIGEST);
});

test('the pinned tags are the tags each chart would run without them: a digest names the release the chart was made for', () => {
  const keys = { grafana: 'grafana', headlamp: 'headlamp' } as const;
  for (const [release, chart] of Object.entries(CHARTS)) {
    const unpinned = chart.image(chart.defaults, chart.appVersion);
    expect(unpinned).toMatch(new RegExp(`:${MIDDLEWARE_IMAGES[keys[release as keyof typeof keys]].tag.replace(/\./g, '\\.')}$`));
  }
});

test('another chart version runs its own tag: no digest of a different release is forced on it', () => {
  const images = imagesOf(synthesizeInCluster(buildMiddleware({ versions: { grafana: '12.12.0', headlamp: '0.46.0' } })));
  expect(images.grafana).toBe('docker.io/grafana/grafana:13.2.0');
  expect(images.headlamp).toBe('ghcr.io/headlamp-k8s/headlamp:v0.45.0');
  // (the model's appVersion is 12.11.1's and 0.45.0's: the point is that no digest is added)
  expect(images['oauth2-proxy']).toMatch(BY_DIGEST);
});

test('another oauth2-proxy release runs by its tag, in both pods', () => {
  const images = imagesOf(synthesizeInCluster(buildMiddleware({ versions: { oauth2Proxy: 'v7.16.0' } })));
  expect(images['oauth2-proxy']).toBe('quay.io/oauth2-proxy/oauth2-proxy:v7.16.0');
  expect(images.grafana).toMatch(BY_DIGEST);
});
