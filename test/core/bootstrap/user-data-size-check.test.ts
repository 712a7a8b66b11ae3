/**
 * The synth-time size check (lib/core/bootstrap/user-data-size.ts): each reference counted at
 * the longest value it can take, each cloud's limit as the cloud counts it. The PEM bounds are
 * checked against keys of the same kind made here; the gzip allowance against Terraform's own
 * base64gzip where terraform is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ALL_CLOUDS, Cloud } from '../../../lib/core/cloud';
import { renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { USER_DATA_LIMITS } from '../../../lib/core/bootstrap/user-data-limits';
import { pemLength, referenceBound, TERRAFORM_GZIP_ALLOWANCE, userDataSizeProblems, worstCase, worstCaseSize } from '../../../lib/core/bootstrap/user-data-size';
import { describeWithTerraform, quietEnvironment } from '../../terraform/terraform-cli';
import { describeWithTool } from './node-tools';
import { FAKE_MESH, fakeInput, realSizedCredentials, workerCredentials } from './bootstrap-fixtures';

describe('the longest value of each reference the bootstrap uses', () => {
  test.each([
    ['an Elastic IP', 'aws_eip.c_cp_c-cp-1-ip_D043C95E.public_ip', 15],
    ['a GCP address, indexed', 'google_compute_address.node["gcp-w-1"].address', 15],
    ['an Azure public IP', 'azurerm_public_ip.x.ip_address', 15],
    ['a DigitalOcean reserved IP', 'digitalocean_reserved_ip.x.ip_address', 15],
    ['a subnet range', 'aws_subnet.main.cidr_block', 18],
    ['the agent bucket domain: 63 + .s3. + 25 + .amazonaws.com.cn', 'aws_s3_bucket.b.bucket_regional_domain_name', 109],
    ['a Secrets Manager ARN: arn: + 10 + :secretsmanager: + 25 + : + 12 + :secret: + 512 + 7', 'aws_secretsmanager_secret.s.arn', 595],
    ['a Secret Manager name: projects/ + 30 + /secrets/ + 255', 'google_secret_manager_secret.s.name', 303],
    ['a Key Vault secret URL: https:// + 24 + .vault.usgovcloudapi.net + /secrets/ + 127', 'azurerm_key_vault_secret.s.versionless_id', 192],
    ['a Key Vault URI without its slash', 'trimsuffix(azurerm_key_vault.v.vault_uri, "/")', 57],
    ['a client id', 'azurerm_user_assigned_identity.i.client_id', 36],
    ['a subscription id', 'data.azurerm_client_config.c.subscription_id', 36],
    ['a resource group', 'azurerm_resource_group.g.name', 90],
    ['an Auto Scaling group (named by the library, MAX_SCALED_NAME_PREFIX)', 'aws_autoscaling_group.c_burst_c-burst_757FAF3C.name', 43],
    ['the token id', 'random_string.c_credentials_bootstrap-token-id_07381A6F.result', 6],
    ['the token secret', 'random_password.c_credentials_bootstrap-token-secret_FE1D40D3.result', 16],
    ['a key ticket', 'random_password.c_key-tickets_c-do-cp-1_0A1B2C3D.result', 40],
    ['base64 of a CA certificate', 'base64encode(tls_self_signed_cert.c_credentials_ca-cert_D74FFF2D.cert_pem)', 828],
    ['base64 of a CA key', 'base64encode(tls_private_key.c_credentials_etcd-ca-key_A3DD1C09.private_key_pem)', 324],
    ['base64 of the service-account key', 'base64encode(tls_private_key.c_credentials_service-account-key_0BEA846C.private_key_pem)', 2240],
    ['base64 of the service-account public key', 'base64encode(tls_private_key.c_credentials_service-account-key_0BEA846C.public_key_pem)', 604],
    ['an address quoted for a shell: no quote in it, no longer', `replace(aws_eip.x.public_ip, "'", "'\\\\''")`, 15],
    ['the phone-home URL, checked at apply', `regex("^https?://[^\\\\s'\\"\\\\\\\\]+$", [var.u][length(var.u) > 1024 ? 1 : 0])`, 1024],
  ])('%s: %s', (_what, expression, length) => {
    expect(referenceBound(expression)?.maxLength).toBe(length);
  });

  test.each([['a variable', 'var.anything'], ['a key of an unknown kind', 'base64encode(tls_private_key.mine.private_key_pem)'], ['an unknown function', 'upper(aws_eip.x.public_ip)']])('%s has none', (_what, expression) => {
    expect(referenceBound(expression)).toBeUndefined();
  });
});

describe('PEM bounds against keys made here', () => {
  test('ECDSA P-256: SEC1 and PKCS#8, always the same length, within the bound', () => {
    const bound = referenceBound('tls_private_key.x_ca-key_1.private_key_pem')!.maxLength;
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(key.export({ type: 'sec1', format: 'pem' }).length).toBe(pemLength('EC PRIVATE KEY', 121));
    expect(key.export({ type: 'pkcs8', format: 'pem' }).length).toBe(pemLength('PRIVATE KEY', 138));
    expect(Math.max(pemLength('EC PRIVATE KEY', 121), pemLength('PRIVATE KEY', 138))).toBe(bound);
  });

  // Eight keys: a 2048-bit key costs about 125 ms to make here, and PKCS#1 lengths only vary in the
  // few bytes a leading zero saves, so the bound's tightness shows with any of them.
  test('RSA-2048: 8 keys, none longer than the bound; the public key exactly its length', () => {
    const bound = referenceBound('tls_private_key.x_service-account-key_1.private_key_pem')!.maxLength;
    const lengths = Array.from({ length: 8 }, () => generateKeyPairSync('rsa', { modulusLength: 2048 })).map(({ privateKey, publicKey }) => {
      expect(publicKey.export({ type: 'spki', format: 'pem' }).length).toBe(referenceBound('tls_private_key.x_service-account-key_1.public_key_pem')!.maxLength);
      return privateKey.export({ type: 'pkcs1', format: 'pem' }).length;
    });
    expect(Math.max(...lengths)).toBeLessThanOrEqual(bound);
    // The bound is tight: PKCS#1 keys of 2048 bits are 1,674 to 1,679 characters.
    expect(bound - Math.max(...lengths)).toBeLessThan(8);
  });

  describeWithTool('openssl', 'openssl', 'a CA certificate', () => {
    test('a self-signed P-256 CA with the longest common name and every extension fits the bound', () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-ca-'));
      try {
        execFileSync('openssl', [
          'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', path.join(dir, 'k.pem'), '-out', path.join(dir, 'c.pem'),
          '-subj', `/CN=${'c'.repeat(16)}`, '-days', '36500',
          '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,digitalSignature,keyEncipherment,keyCertSign,cRLSign',
          '-addext', 'subjectKeyIdentifier=hash', '-addext', 'authorityKeyIdentifier=keyid',
        ], { stdio: 'ignore' });
        const pem = fs.readFileSync(path.join(dir, 'c.pem'), 'utf8');
        expect(4 * Math.ceil(pem.length / 3)).toBeLessThanOrEqual(referenceBound('base64encode(tls_self_signed_cert.x_ca-cert_1.cert_pem)')!.maxLength);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});

describe('worstCase', () => {
  test('literal text as the node gets it, each reference at its longest', () => {
    const worst = worstCase("A='${replace(aws_eip.x.public_ip, \"'\", \"'\\\\''\")}' $${HOME} B=${random_string.c_bootstrap-token-id_1.result}");
    expect(worst.references).toBe(2);
    expect(worst.unbounded).toEqual([]);
    expect(worst.text).toMatch(/^A='[0-9.]{15}' \$\{HOME\} B=[a-z0-9]{6}$/);
  });

  test('a reference of unknown length is listed', () => {
    expect(worstCase('x ${var.free} ${aws_eip.x.public_ip} ${upper(var.other)}').unbounded).toEqual(['var.free', 'upper(var.other)']);
  });

  test('the same on every synth', () => {
    const template = '${base64encode(tls_private_key.c_service-account-key_1.private_key_pem)}';
    expect(worstCase(template).text).toBe(worstCase(template).text);
  });
});

describe('userDataSizeProblems', () => {
  /** The shortest document of at least `bytes` bytes as `cloud` counts them, made of literal text. */
  function documentOf(cloud: Cloud, bytes: number): string {
    if (USER_DATA_LIMITS[cloud].counts === 'raw') return 'x'.repeat(bytes);
    // Random base64 (no $ or %), cut to the shortest prefix whose counted gzip reaches `bytes`.
    const text = randomBytes(bytes * 2).toString('base64');
    const counted = (length: number) => Math.ceil(gzipSync(text.slice(0, length)).length * TERRAFORM_GZIP_ALLOWANCE);
    let [low, high] = [0, text.length];
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (counted(middle) >= bytes) high = middle;
      else low = middle + 1;
    }
    return text.slice(0, low);
  }

  test.each(ALL_CLOUDS)('%s: a document over the limit names what receives it, its size, the limit and the fix', (cloud) => {
    const limit = USER_DATA_LIMITS[cloud];
    const template = documentOf(cloud, limit.bytes + 1);
    const size = worstCaseSize(cloud, template).bytes;
    expect(size).toBeGreaterThan(limit.bytes);
    expect(userDataSizeProblems([{ receiver: 'node c1-w-1', cloud, template }])).toEqual([
      `user-data of node c1-w-1 must fit ${limit.what}: at most ${limit.bytes.toLocaleString('en-US')} bytes (got up to ${size.toLocaleString('en-US')} bytes once Terraform fills in its 0 references at their longest). To shrink it, ${limit.fix}.`,
    ]);
  });

  test.each(ALL_CLOUDS)('%s: a document at the limit passes', (cloud) => {
    const limit = USER_DATA_LIMITS[cloud];
    const template = limit.counts === 'raw' ? 'x'.repeat(limit.bytes) : 'x';
    expect(userDataSizeProblems([{ receiver: 'node c1-w-1', cloud, template }])).toEqual([]);
  });

  test('a reference counts at its longest: a document that fits with a short value but not with the longest is refused', () => {
    const limit = USER_DATA_LIMITS[Cloud.DIGITALOCEAN].bytes;
    // 10 characters of text and an IP: 13 characters today, up to 15.
    const template = `${'x'.repeat(limit - 14)}\${digitalocean_reserved_ip.x.ip_address}`;
    expect(worstCaseSize(Cloud.DIGITALOCEAN, template).bytes).toBe(limit + 1);
    expect(userDataSizeProblems([{ receiver: 'node d-1', cloud: Cloud.DIGITALOCEAN, template }])).toHaveLength(1);
  });

  test('every problem at once; a reference of unknown length is refused, not guessed', () => {
    expect(
      userDataSizeProblems([
        { receiver: 'node a-1', cloud: Cloud.GCP, template: 'x'.repeat(USER_DATA_LIMITS[Cloud.GCP].bytes + 1) },
        { receiver: 'the nodes of autoscaled group c1-web', cloud: Cloud.AWS, template: 'url=${var.somewhere}' },
      ]),
    ).toEqual([
      expect.stringMatching(/^user-data of node a-1 must fit 256 KiB per metadata value \(user-data\), counted as text: at most 262,144 bytes \(got up to 262,145 bytes/),
      "user-data of the nodes of autoscaled group c1-web must hold only references whose longest value the library knows (got ${var.somewhere}): its size against aws's limit cannot be checked before apply. Pass those values as plain text.",
    ]);
  });
});

describe("the library's largest documents, measured as the check measures them (test names carry the sizes)", () => {
  const credentials = realSizedCredentials();
  const rows = ALL_CLOUDS.flatMap((cloud) =>
    (['control-plane', 'worker'] as const).map((kind) => {
      const mesh = cloud === Cloud.AWS ? { ...FAKE_MESH, gateway: true, agentUrl: 'https://b.example/a.tar', agentSha256: 'a'.repeat(64) } : { ...FAKE_MESH, gateway: true, privateCidr: '10.10.0.0/24' };
      const input = fakeInput(kind, cloud, { spot: cloud !== Cloud.DIGITALOCEAN, mesh, credentials: kind === 'worker' ? workerCredentials(credentials) : credentials, apiServerDnsName: 'api.acme-prod.k8s.example.com' });
      const size = worstCaseSize(cloud, renderNodeUserData(input)).bytes;
      return { cloud, kind, size, limit: USER_DATA_LIMITS[cloud].bytes };
    }),
  );
  test.each(rows)('$kind on $cloud: $size of $limit bytes', ({ size, limit }) => {
    expect(size).toBeLessThanOrEqual(limit);
  });
});

describeWithTerraform("Terraform's base64gzip against the allowance", () => {
  test("the gzip Terraform sends is within TERRAFORM_GZIP_ALLOWANCE of Node's, on the library's documents", () => {
    const credentials = realSizedCredentials();
    const documents = [Cloud.AWS, Cloud.AZURE].flatMap((cloud) =>
      (['control-plane', 'worker'] as const).map((kind) => unescapeTerraformTemplate(renderNodeUserData(fakeInput(kind, cloud, { mesh: FAKE_MESH, credentials: kind === 'worker' ? workerCredentials(credentials) : credentials })))),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-gzip-'));
    try {
      documents.forEach((text, i) => fs.writeFileSync(path.join(dir, `${i}.yaml`), text));
      fs.writeFileSync(path.join(dir, 'main.tf.json'), '{}');
      documents.forEach((text, i) => {
        // The gzip is binary: Terraform's length() counts characters, so count its base64 (4 characters per 3 bytes).
        const run = spawnSync('terraform', ['console'], { cwd: dir, input: `length(base64gzip(file("${i}.yaml")))\n`, encoding: 'utf8', env: quietEnvironment({}) });
        const terraformBytes = (Number(run.stdout.trim()) / 4) * 3; // at most this many (padding aside)
        expect(terraformBytes).toBeGreaterThan(1000);
        expect({ document: i, fits: terraformBytes <= Math.ceil(gzipSync(text).length * TERRAFORM_GZIP_ALLOWANCE) }).toEqual({ document: i, fits: true });
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
