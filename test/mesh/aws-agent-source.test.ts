/**
 * The AWS agent bucket's name: made by the AWS provider from a prefix at creation
 * (unique per deployment, kept in the state), the same synth for the same input, and
 * what a bucket made under the earlier fixed name keeps. The Terraform side (an
 * existing bucket kept, a replacement made before the old one goes) is in
 * aws-agent-bucket-terraform.test.ts.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Testing } from 'cdktf';
import { meshAgentArchive } from '../../lib/core/bootstrap/mesh-agent-archive';
import { meshAgentBucketPrefix } from '../../lib/mesh/aws-agent-source';
import { deriveClusterUuid } from '../../lib/core/cluster-identity';
import { synthCluster } from '../nodes/node-fixture';
import { Cloud } from '../../lib/core/cloud';
import { NodeRole } from '../../lib/core/node-role';
import { addAgentSourceStack } from './agent-source-stack';

/** The AWS provider's limit for bucket_prefix (63 characters minus its 26-character suffix). */
const MAX_PREFIX = 37;
/** Amazon S3 User Guide, "Bucket naming rules": lowercase letters, digits, dots and hyphens; starts with a letter or digit. */
const BUCKET_CHARACTERS = /^[a-z0-9][a-z0-9-]*$/;

function agentSourceStack(name: string): Record<string, any> {
  return JSON.parse(Testing.synth(addAgentSourceStack(Testing.app(), name)));
}

const only = (json: Record<string, any>, type: string): Record<string, any> => {
  const all = Object.values(json.resource[type] ?? {}) as Record<string, any>[];
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0];
};

describe('meshAgentBucketPrefix', () => {
  test.each([
    ['the longest cluster name', 'a'.repeat(30)],
    ['a short one', 'prod'],
    ['digits and dashes', 'x-1-2'],
  ])('%s: within the provider\'s 37 characters, valid bucket characters, ends with a dash before the suffix', (_what, name) => {
    const prefix = meshAgentBucketPrefix(deriveClusterUuid(name));
    expect(prefix.length).toBeLessThanOrEqual(MAX_PREFIX);
    expect(prefix).toMatch(BUCKET_CHARACTERS);
    expect(prefix).toMatch(/^cast-mesh-[0-9a-f]{8}-$/);
    // With the provider's suffix (a timestamp to 0.1 ms and 8 hex digits) the name is within S3's 63.
    expect(`${prefix}${'2'.repeat(18)}${'0'.repeat(8)}`.length).toBeLessThanOrEqual(63);
  });

  test('the UUID\'s first 8 hex digits: says which cluster the bucket serves (its cast-cluster-uuid tag)', () => {
    expect(meshAgentBucketPrefix('d005c303-c9b3-5a20-8512-787b5eb53954')).toBe('cast-mesh-d005c303-');
  });
});

describe('the agent bucket in the synthesized stack', () => {
  const json = agentSourceStack('prod');
  const bucket = only(json, 'aws_s3_bucket');

  test('no fixed name: bucket_prefix only, so the provider makes a name no other deployment of "prod" has', () => {
    expect(bucket.bucket).toBeUndefined();
    expect(bucket.bucket_prefix).toBe(meshAgentBucketPrefix(deriveClusterUuid('prod')));
  });

  test('the made name is kept: bucket and bucket_prefix are ignored after creation (an earlier fixed name too)', () => {
    expect(bucket.lifecycle.ignore_changes).toEqual(['bucket', 'bucket_prefix']);
  });

  test('what a node reads through (bucket, policy, object) is replaced new-first; the public access block need not be', () => {
    expect(bucket.lifecycle.create_before_destroy).toBe(true);
    expect(only(json, 'aws_s3_bucket_policy').lifecycle).toEqual({ create_before_destroy: true });
    expect(only(json, 'aws_s3_object').lifecycle).toEqual({ create_before_destroy: true });
    expect(only(json, 'aws_s3_bucket_public_access_block').lifecycle).toBeUndefined();
  });

  test('the same input, the same synth, byte for byte', () => {
    expect(JSON.stringify(agentSourceStack('prod'))).toBe(JSON.stringify(json));
  });

  test('nodes find the agent at the name the provider made (bucket_regional_domain_name), not at one derived from the cluster', () => {
    const c = synthCluster([Cloud.AWS], { cp: { cloud: Cloud.AWS, role: NodeRole.CONTROL_PLANE } });
    const userData = Object.values(c.json.locals ?? {}).join('\n');
    // The whole line: however the value is quoted, it names the bucket's attribute and the archive's key.
    const line = /^\s*CAST_MESH_AGENT_URL=(.*)$/m.exec(userData)?.[1] ?? '';
    expect(line).toMatch(/\baws_s3_bucket\.[\w-]+\.bucket_regional_domain_name\b/);
    expect(line).toMatch(/\/cast-mesh-agent-[0-9a-f]{16}\.tar'$/);
    expect(userData).not.toContain(`cast-mesh-${c.cluster.uuid}`);
  });
});

describe('the archive the object uploads', () => {
  test('is a file beside the synthesized stack whose SHA-256 is the one the object records and nodes pin; the configuration holds its path, not its bytes', () => {
    const app = Testing.app();
    const stack = addAgentSourceStack(app, 'prod');
    app.synth();
    const dir = path.join(app.outdir, 'stacks', stack.node.id);
    const text = fs.readFileSync(path.join(dir, 'cdk.tf.json'), 'utf8');
    const object = only(JSON.parse(text), 'aws_s3_object');
    const bytes = fs.readFileSync(path.join(dir, object.source));
    const archive = meshAgentArchive();
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(archive.sha256);
    expect(object.source_hash).toBe(archive.sha256);
    expect(object.key).toBe(`cast-mesh-agent-${archive.sha256.slice(0, 16)}.tar`);
    expect(object.content_base64).toBeUndefined();
    expect(text.length).toBeLessThan(archive.bytes.length);
  });
});
