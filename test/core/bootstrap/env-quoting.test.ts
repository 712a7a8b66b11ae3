/**
 * Every value in the env files the node's scripts source as root (node.env, mesh.env) is
 * single-quoted: a literal at synth, a Terraform expression at apply time (replace() of each
 * quote). Proven with real bash (the values read back exactly, and a command hidden in one
 * never runs: its marker file is never made) and, where installed, real Terraform (the
 * expression evaluated as `terraform apply` evaluates the synthesized JSON).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { Cloud } from '../../../lib/core/cloud';
import { renderNodeUserData } from '../../../lib/core/bootstrap/node-bootstrap';
import { NodeBootstrapInput } from '../../../lib/core/bootstrap/node-bootstrap-input';
import { renderTemplateFile, shellSingleQuoted, unescapeTerraformTemplate } from '../../../lib/core/bootstrap/render-template';
import { scriptValues } from '../../../lib/core/bootstrap/validate-node-bootstrap';
import { describeWithTerraform, quietEnvironment } from '../../terraform/terraform-cli';
import { interpolate } from '../../nodes/terraform-interpolation';
import { fakeInput, fakeMeshInput, problemsOf } from './bootstrap-fixtures';
import { fileAt } from './user-data-files';

/** Sources `envText` with bash in a fresh directory; the values of `names`, and whether the marker file `M` appeared. */
function source(envText: string, names: readonly string[]): { values: Record<string, string>; marker: boolean } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-env-quoting-'));
  try {
    fs.writeFileSync(path.join(dir, 'node.env'), envText);
    const print = names.map((name) => `printf '%s\\0' "$${name}"`).join('; ');
    const out = execFileSync('bash', ['-c', `set -eu; . ./node.env; ${print}`], { cwd: dir, encoding: 'utf8' });
    const values = out.split('\0').slice(0, names.length);
    return { values: Object.fromEntries(names.map((name, i) => [name, values[i]])), marker: fs.existsSync(path.join(dir, 'M')) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Values that break out of a careless quoting, each with a command that would make the marker `M`. */
const HOSTILE = [
  "it's",
  "'; touch M; '",
  '$(touch M)',
  '`touch M`',
  'a;touch M',
  'a && touch M',
  '"$(touch M)"',
  'back\\slash\\',
  "'\\''",
  '$HOME $$ $1 * ? [a] ~ !x',
  'üñïçødé ✓',
  '',
];

describe('shellSingleQuoted: a literal reads back exactly from a sourced file', () => {
  test.each(HOSTILE)('%j', (value) => {
    const read = source(`X='${unescapeTerraformTemplate(shellSingleQuoted(value))}'\n`, ['X']);
    expect(read).toEqual({ values: { X: value }, marker: false });
  });

  test('a literal ${ (written $${ in a template) stays literal text', () => {
    expect(shellSingleQuoted("$${HOME}'")).toBe("$${HOME}'\\''");
    expect(source(`X='${unescapeTerraformTemplate(shellSingleQuoted("$${HOME}'"))}'\n`, ['X']).values.X).toBe("${HOME}'");
  });
});

describe('shellSingleQuoted: a Terraform expression is quoted at apply time', () => {
  test.each([
    ['a reference', '${aws_eip.n1.public_ip}', `\${replace(aws_eip.n1.public_ip, "'", "'\\\\''")}`],
    ['text around references', 'https://${aws_s3_bucket.b.bucket_regional_domain_name}/x.tar', `https://\${replace(aws_s3_bucket.b.bucket_regional_domain_name, "'", "'\\\\''")}/x.tar`],
    ['two references and a quote', "${a.b.c}.${d.e.f}'", `\${replace(a.b.c, "'", "'\\\\''")}.\${replace(d.e.f, "'", "'\\\\''")}'\\''`],
    ['an expression with strings and braces', '${lookup({ a = "}" }, "a")}', `\${replace(lookup({ a = "}" }, "a"), "'", "'\\\\''")}`],
    // cdktf resolves a token nested in an open ${ without its braces (test/nodes/env-quoting-synth.test.ts).
    ['a cdktf token, kept whole', '${TfToken[TOKEN.12]}', `\${replace(\${TfToken[TOKEN.12]}, "'", "'\\\\''")}`],
  ])('%s', (_what, value, quoted) => {
    expect(shellSingleQuoted(value)).toBe(quoted);
  });

  test("the value Terraform fills in reads back exactly, quotes and commands included (Terraform's replace, as interpolate does it)", () => {
    for (const value of HOSTILE) {
      const evaluated = shellSingleQuoted('${var.x}').replace(`\${replace(var.x, "'", "'\\\\''")}`, () => value.replace(/'/g, "'\\''"));
      expect(source(`X='${evaluated}'\n`, ['X'])).toEqual({ values: { X: value }, marker: false });
    }
  });

  test.each([
    ['a line break', 'a\nb', 'holds a line break, carriage return or NUL ("a\\nb")'],
    ['a carriage return', 'a\rb', 'holds a line break, carriage return or NUL ("a\\rb")'],
    ['NUL', 'a\0b', 'holds a line break, carriage return or NUL ("a\\u0000b")'],
    ['a template directive', '%{ if true }x%{ endif }', 'holds a Terraform template directive at character 0 ("%{ if true }x%{ endi")'],
    ['an unterminated interpolation', '${var.x', 'holds an unterminated Terraform interpolation at character 0 ("${var.x")'],
    ['a strip marker', '${~ var.x }', 'holds a Terraform strip marker (~) at character 0'],
  ])('refuses %s', (_what, value, message) => {
    expect(() => shellSingleQuoted(value)).toThrow(new Error(message));
  });
});

describe('env templates', () => {
  test.each(['cast/node.env', 'mesh/mesh.env'])('templates/%s: every placeholder is a whole single-quoted word', (file) => {
    const text = fs.readFileSync(path.join(__dirname, '../../../templates', file), 'utf8');
    const placeholders = [...text.matchAll(/\{\{[a-z0-9_-]+\}\}/g)];
    expect(placeholders.length).toBeGreaterThan(5);
    expect(placeholders.filter((m) => text[m.index - 1] !== "'" || text[m.index + m[0].length] !== "'").map((m) => m[0])).toEqual([]);
  });

  test('rendering an env file quotes every value', () => {
    const rendered = renderTemplateFile('cast/node.env', Object.fromEntries(NODE_ENV_KEYS.map((key) => [key, "v'$(touch M)"])));
    for (const line of rendered.split('\n').filter((l) => l.startsWith('CAST_'))) expect(line).toMatch(/^CAST_[A-Z0-9_]+='v'\\''\$\(touch M\)'$/);
  });
});

/** The placeholders of templates/cast/node.env. */
const NODE_ENV_KEYS = [...fs.readFileSync(path.join(__dirname, '../../../templates/cast/node.env'), 'utf8').matchAll(/\{\{([a-z0-9_-]+)\}\}/g)].map((m) => m[1]);

/** /etc/cast/node.env (or mesh.env) of a rendered document, as a template string. */
const envOf = (input: NodeBootstrapInput, file = '/etc/cast/node.env'): string => {
  // parseUserData would unescape the template: read the document as YAML alone, expressions left as written.
  return fileAt(parse(renderNodeUserData(input)), file).content;
};

describe('node.env as the node sources it', () => {
  test('a phone-home URL with $(...), backticks and ; is accepted, and reads back exactly; nothing runs', () => {
    // No spaces (a URL has none): each command makes the marker by redirection alone.
    const url = 'https://hooks.example.com/x?a=$(>M)&b=`>M`;>M&c=$HOME';
    const env = unescapeTerraformTemplate(envOf(fakeInput('worker', Cloud.AWS, { phoneHomeUrl: url })));
    const read = source(env, ['CAST_PHONE_HOME_URL', 'CAST_NODE_NAME', 'CAST_PUBLIC_ADDRESS']);
    expect(read).toEqual({ values: { CAST_PHONE_HOME_URL: url, CAST_NODE_NAME: 'aws-w-1', CAST_PUBLIC_ADDRESS: '198.51.100.21' }, marker: false });
  });

  test.each([
    ['a quote', "https://x.example/'", 'phoneHomeUrl must be an http(s) URL without spaces or quotes (got "https://x.example/\'"). Fix the URL or leave phoneHomeUrl out.'],
    ['a line break', 'https://x.example/\ntouch M', 'phoneHomeUrl must be one line (got "https://x.example/\\ntouch M"). Fix the URL or leave phoneHomeUrl out.'],
    ['more than 1024 characters', `https://x.example/${'a'.repeat(1010)}`, 'phoneHomeUrl must be at most 1024 characters (got 1028). Use a shorter URL.'],
    [
      'text around an expression',
      'https://${var.host}/x',
      'phoneHomeUrl must be a plain URL or one whole Terraform expression (got "https://${var.host}/x"): the node checks an expression\'s value at apply time, with Terraform\'s regex(). Build the URL in one expression (Fn.format, Fn.join), or pass it as a plain string.',
    ],
  ])('a phone-home URL with %s is refused, with the fix', (_what, url, message) => {
    expect(problemsOf(fakeInput('worker', Cloud.AWS, { phoneHomeUrl: url }))).toEqual([message]);
  });

  test('a value that reaches an env file and cannot be quoted is refused, naming the prop (a template directive in an expression-shaped value)', () => {
    // Rules that allow any Terraform expression (addresses, secret ids) see `${`; the directive behind it cannot be quoted.
    const input = fakeInput('worker', Cloud.AWS, { publicAddress: '${aws_eip.n1.public_ip}%{ if true }x%{ endif }' });
    expect(problemsOf(input)).toEqual([
      'publicAddress must be text the node\'s env files can quote: no line break, carriage return or NUL, and Terraform only as whole ${...} expressions (got "${aws_eip.n1.public_ip}%{ if true }x%{ endif }", which holds a Terraform template directive at character 23 ("%{ if true }x%{ endi")). Pass the plain value, or one reference.',
    ]);
  });

  test('a phone-home URL given as a Terraform expression is checked and quoted at apply time', () => {
    const env = envOf(fakeInput('worker', Cloud.AWS, { phoneHomeUrl: '${var.phone_home_url}' }));
    expect(env).toContain(
      `CAST_PHONE_HOME_URL='\${replace(regex("^https?://[^\\\\s'\\"\\\\\\\\]+$", [var.phone_home_url][length(var.phone_home_url) > 1024 ? 1 : 0]), "'", "'\\\\''")}'\n`,
    );
    // As Terraform fills it in (interpolate: the check, then replace), and as bash reads it.
    expect(source(interpolate(env), ['CAST_PHONE_HOME_URL'])).toEqual({ values: { CAST_PHONE_HOME_URL: 'https://hooks.example.com/cast?cluster=prod' }, marker: false });
  });
});

describe('the audit: every prop that reaches an env file', () => {
  test('is listed by scriptValues, and each listed value lands quoted in node.env or mesh.env', () => {
    const input = fakeMeshInput('control-plane', Cloud.AWS, { gateway: true, privateCidr: '10.10.0.0/24', agentUrl: 'https://b.example/a.tar', agentSha256: 'a'.repeat(64) });
    const env = `${envOf(input)}${envOf(input, '/etc/cast/mesh.env')}`;
    const listed = scriptValues(input).filter(([, value]) => value !== undefined);
    expect(listed.map(([prop]) => prop)).toEqual([
      'kind',
      'nodeName',
      'cloud',
      'clusterName',
      'kubernetesVersion',
      'publicAddress',
      'meshAddress',
      'podCidr',
      'serviceCidr',
      'phoneHomeUrl',
      'credentials.bootstrapTokenId',
      'credentials.bootstrapTokenSecret',
      'mesh.mode',
      'mesh.meshCidr',
      'mesh.privateCidr',
      'mesh.agentUrl',
      'mesh.agentSha256',
    ]);
    for (const [prop, value] of listed) {
      if (prop.startsWith('credentials.')) continue; // mesh.env's token is `<id>.<secret>`
      expect({ prop, quoted: env.includes(`='${value}'\n`) }).toEqual({ prop, quoted: true });
    }
    expect(env).toContain(`CAST_MESH_TOKEN='${input.credentials.bootstrapTokenId}.${input.credentials.bootstrapTokenSecret}'\n`);
  });
});

describeWithTerraform('env files as Terraform fills them in (terraform console, the synthesized JSON form)', () => {
  /** The env file's template evaluated by Terraform from a JSON configuration, with `vars`; throws with Terraform's error when it fails. */
  function evaluate(template: string, vars: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cast-env-terraform-'));
    try {
      const config = { variable: Object.fromEntries(Object.keys(vars).map((name) => [name, { type: 'string' }])), locals: { env: template } };
      fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config));
      const args = ['console', ...Object.entries(vars).flatMap(([name, value]) => ['-var', `${name}=${value}`])];
      // base64: the console prints strings in HCL syntax, whose escapes differ from JSON's.
      const run = spawnSync('terraform', args, { cwd: dir, input: 'base64encode(local.env)\n', encoding: 'utf8', env: quietEnvironment({}) });
      const printed = /^"([A-Za-z0-9+/=]*)"$/.exec(run.stdout.trim());
      if (run.status !== 0 || !printed) throw new Error(`terraform console failed: ${run.stdout}${run.stderr}`);
      return Buffer.from(printed[1], 'base64').toString('utf8');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const input = fakeInput('control-plane', Cloud.AWS, {
    publicAddress: '${var.public_address}',
    phoneHomeUrl: '${var.phone_home_url}',
    joinToken: { store: 'aws-secrets-manager', secretId: '${var.secret_id}', region: 'eu-west-1' },
    credentials: { ...fakeInput('control-plane').credentials, bootstrapTokenId: undefined, bootstrapTokenSecret: undefined },
  });

  test('values with quotes and commands read back exactly; nothing runs', () => {
    const vars = { public_address: "1.2.3.4'; touch M; '", phone_home_url: 'https://x.example/$(>M)`>M`;>M', secret_id: "arn'$(touch M)'" };
    const read = source(evaluate(envOf(input), vars), ['CAST_PUBLIC_ADDRESS', 'CAST_PHONE_HOME_URL', 'CAST_JOIN_TOKEN_SECRET']);
    expect(read).toEqual({ values: { CAST_PUBLIC_ADDRESS: vars.public_address, CAST_PHONE_HOME_URL: vars.phone_home_url, CAST_JOIN_TOKEN_SECRET: vars.secret_id }, marker: false });
  });

  test.each([
    ['with a quote', "https://x.example/'$(>M)'", 'does not match'],
    ['that is not http(s)', 'ftp://x.example/', 'does not match'],
    ['longer than 1024 characters', `https://x.example/${'a'.repeat(1010)}`, 'greater than or equal to the length of the collection'],
  ])('a phone-home URL %s fails the apply', (_what, url, error) => {
    const vars = { public_address: '1.2.3.4', phone_home_url: url, secret_id: 'arn' };
    expect(() => evaluate(envOf(input), vars)).toThrow(error === 'does not match' ? /pattern did not match|does not match/ : new RegExp(error));
  });
});
