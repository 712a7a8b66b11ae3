/**
 * Every container image the in-cluster stack runs, over a cluster with every part on
 * (autoscaled groups on AWS and Azure, OS patching, etcd backups, upgrades): pinned by
 * digest, or on the short list below of images whose digest could not be read from a
 * source this project has (the registries are not reachable where it is built; the
 * digests come from kubernetes/k8s.io's promoter manifests and docker-library/repo-info).
 * The list must hold exactly the images that lack one, so a new image without a digest
 * fails here, and a digest added later removes its entry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App, Testing } from 'cdktf';
import { parse } from 'yaml';
import { buildApp } from '../../examples/autoscaling/app';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';

/** Images pinned by tag only, and why: each is a release tag its project does not move. */
const WITHOUT_DIGEST: Readonly<Record<string, string>> = {
  'ghcr.io/kubereboot/kured:1.23.0': 'kured publishes to ghcr.io only; no source of its digest was reachable',
  'registry.k8s.io/autoscaling/cluster-autoscaler:v1.34.5': 'the stored promoter manifest of registry.k8s.io/autoscaling ends at v1.28',
  'registry.k8s.io/cpa/cluster-proportional-autoscaler:v1.10.1': 'no stored promoter manifest lists it',
  'registry.k8s.io/pause:3.10': 'no stored promoter manifest lists it',
};

const DIGEST = /@sha256:[0-9a-f]{64}$/;

function inClusterImages(build: (app: App) => void, stackId: string): string[] {
  const app = Testing.app();
  build(app);
  app.synth();
  const json = JSON.parse(fs.readFileSync(path.join(app.outdir, 'stacks', stackId, 'cdk.tf.json'), 'utf8'));
  const images = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'image' && typeof inner === 'string') images.add(inner);
        walk(inner);
      }
    }
  };
  for (const release of Object.values<any>(json.resource.helm_release)) {
    for (const manifest of parse(unescapeTerraformTemplate(release.values[0])).manifests as string[]) walk(parse(manifest));
  }
  return [...images].sort();
}

describe('the in-cluster stack\'s images', () => {
  const images = inClusterImages(buildApp, 'autoscaling-in-cluster');

  test('every image is pinned by digest, or listed with the reason it is not', () => {
    expect(images.length).toBeGreaterThan(4);
    expect(images.filter((image) => !DIGEST.test(image))).toEqual(Object.keys(WITHOUT_DIGEST).sort());
  });

  test('every image names an exact release: no latest, no floating tag', () => {
    for (const image of images) expect({ image, tag: /:[^:@/]+(@|$)/.exec(image)?.[0] }).toEqual({ image, tag: expect.stringMatching(/^:v?\d+\.\d+(\.\d+)?(-\d+)?(@|$)/) });
  });
});
