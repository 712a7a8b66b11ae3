import { clusterNameProblem, clusterUuidProblem, deriveClusterUuid, uuidV5 } from '../../lib/core/cluster-identity';

describe('cluster UUID', () => {
  test('uuidV5 matches the RFC 9562 test vector', () => {
    // RFC 9562 appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  test('the library namespace is the v5 UUID of its name under the URL namespace', () => {
    expect(deriveClusterUuid('prod')).toBe(uuidV5(uuidV5('6ba7b811-9dad-11d1-80b4-00c04fd430c8', 'cdktf-cast-cluster'), 'prod'));
  });

  test('derived from the name only: stable, and different per name', () => {
    expect(deriveClusterUuid('prod')).toBe(deriveClusterUuid('prod'));
    expect(deriveClusterUuid('prod')).not.toBe(deriveClusterUuid('staging'));
    expect(clusterUuidProblem(deriveClusterUuid('prod'))).toBeUndefined();
  });
});

describe('validation', () => {
  test.each(['prod', 'a', 'eu-prod-2', 'x'.repeat(30)])('name %s is valid', (name) => {
    expect(clusterNameProblem(name)).toBeUndefined();
  });

  test.each(['', 'Prod', '2prod', 'prod-', 'prod_1', 'x'.repeat(31)])('name "%s" is refused with the rule', (name) => {
    expect(clusterNameProblem(name)).toBe(
      `name must be 1-30 lowercase letters, digits or dashes, starting with a letter and not ending with a dash (got "${name}"). It becomes part of resource names on every cloud, and GCP's naming rule is the strictest.`,
    );
  });

  test.each(['not-a-uuid', 'D005C303-C9B3-5A20-8512-787B5EB53954', 'd005c303c9b35a208512787b5eb53954'])('uuid %s is refused', (uuid) => {
    expect(clusterUuidProblem(uuid)).toMatch(/^clusterUuid must be a lowercase RFC 9562 UUID .* \(got ".*"\)\. Leave it out to derive one from the name\.$/);
  });
});
