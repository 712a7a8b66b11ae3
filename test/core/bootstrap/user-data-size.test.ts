/**
 * User-data size against each cloud's limit, with credentials of the size the
 * cluster really has (ECDSA P-256 CAs and an RSA-2048 service-account key, as
 * ClusterCredentials makes them). AWS is the tight one: 16 KB of user data,
 * counted before base64, so the wiring sends `base64gzip(...)` and the gzip
 * must fit. Node's zlib at its default level stands in for Terraform's Go gzip
 * (also its default level).
 *
 * The test names carry the measured sizes: `npx jest test/core/bootstrap/user-data-size --verbose`.
 */
import { gzipSync } from 'node:zlib';
import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';
import { NODE_BOOTSTRAP_KINDS, renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { fakeInput, realSizedCredentials, workerCredentials } from './bootstrap-fixtures';

/** Bytes of user data each cloud accepts, and what the limit counts. */
const LIMITS: Record<Cloud, { bytes: number; counts: 'gzip' | 'raw' }> = {
  [Cloud.AWS]: { bytes: 16 * 1024, counts: 'gzip' },
  [Cloud.GCP]: { bytes: 256 * 1024, counts: 'raw' },
  [Cloud.AZURE]: { bytes: 64 * 1024, counts: 'raw' },
  [Cloud.DIGITALOCEAN]: { bytes: 64 * 1024, counts: 'raw' },
};

const credentials = realSizedCredentials();
const rows = ALL_CLOUDS.flatMap((cloud) =>
  NODE_BOOTSTRAP_KINDS.map((kind) => {
    // The largest document of the kind: spot handler where there is one, a phone-home URL.
    const input = fakeInput(kind, cloud, { spot: cloud !== Cloud.DIGITALOCEAN, credentials: kind === 'worker' ? workerCredentials(credentials) : credentials });
    const text = unescapeTerraformTemplate(renderNodeUserData(input));
    return { cloud, kind, raw: Buffer.byteLength(text), gzip: gzipSync(text).length };
  }),
);

describe('user-data size (credentials as ClusterCredentials makes them)', () => {
  test.each(rows)('$kind on $cloud: $raw B raw, $gzip B gzip', ({ cloud, raw, gzip }) => {
    const limit = LIMITS[cloud];
    expect(limit.counts === 'gzip' ? gzip : raw).toBeLessThan(limit.bytes);
  });

  test('on AWS the largest kind leaves at least 4 KB of gzip for an autoscaler manifest', () => {
    const largest = Math.max(...rows.filter((r) => r.cloud === Cloud.AWS).map((r) => r.gzip));
    expect(LIMITS[Cloud.AWS].bytes - largest).toBeGreaterThan(4096);
  });
});
