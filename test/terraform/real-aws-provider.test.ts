/**
 * Where a real AWS provider sits in a local plugin mirror, it judges the AWS-only
 * stack too (the multi-cloud stacks would add ~25 s of the real provider's schema
 * loading for the same AWS resource types): `terraform validate` with the real provider for aws (its own validation
 * functions, not only its schema) and the stand-ins for the other providers. The
 * mirror's version may differ from the one the bindings wrap (6.25.0); the version
 * constraint is set to the mirror's. The schema differences between the two versions,
 * for the types the library uses, are listed in docs/decisions/0001-terraform-judges-every-stack.md.
 * Without a mirror (or without terraform) the group is skipped with the reason printed, and fails
 * on CI (test/support/requirements.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startStandIns, type StandIns } from './stand-in/stand-ins';
import { exampleApp, exampleNames } from '../support/example-stacks';
import { synthesizeApp } from './synthesized-app';
import { describeNeeding } from '../support/requirements';
import { describeRun, quietEnvironment, terraform, terraformMissing } from './terraform-cli';

const AWS = 'registry.terraform.io/hashicorp/aws';

/** The plugin folders terraform searches by default on Linux, and the one this machine family uses. */
const MIRRORS = ['/opt/tf-plugins', path.join(os.homedir(), '.terraform.d', 'plugins'), '/usr/local/share/terraform/plugins', '/usr/share/terraform/plugins'];

function findMirror(): { dir: string; version: string } | undefined {
  for (const dir of MIRRORS) {
    const versions = path.join(dir, AWS);
    if (!fs.existsSync(versions)) continue;
    const found = fs.readdirSync(versions).filter((v) => fs.existsSync(path.join(versions, v, 'linux_amd64'))).sort();
    if (found.length > 0) return { dir, version: found[found.length - 1] };
  }
  return undefined;
}

const mirror = findMirror();
const awsOnly = exampleNames().filter((name) => name === 'aws');
const MISSING = [
  ...terraformMissing(),
  ...(mirror
    ? []
    : [
        `no real AWS provider in a local plugin mirror, so only the stand-ins judge the AWS stacks (looked for ${AWS}/<version>/linux_amd64/ in ${MIRRORS.join(', ')}; ` +
          `unzip terraform-provider-aws_<version>_linux_amd64.zip from releases.hashicorp.com into /opt/tf-plugins/${AWS}/<version>/linux_amd64/)`,
      ]),
];

describeNeeding(`the real AWS provider ${mirror?.version ?? '(no local mirror)'} validates the AWS-only example`, MISSING, () => {
  let standIns: Promise<StandIns> | undefined;
  const attached = () => (standIns ??= startStandIns());
  afterAll(async () => (await standIns)?.close());

  const environment = async (root: string) => {
    const config = path.join(root, 'mirror.tfrc');
    fs.writeFileSync(config, `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror!.dir}"\n    include = ["${AWS}"]\n  }\n}\n`);
    const reattach = JSON.parse((await attached()).reattach);
    delete reattach[AWS];
    return { ...quietEnvironment({ TF_REATTACH_PROVIDERS: JSON.stringify(reattach) }), TF_CLI_CONFIG_FILE: config };
  };

  test.concurrent.each(awsOnly)('examples/%s', async (name) => {
    const app = synthesizeApp(exampleApp(name));
    try {
      const env = await environment(app.root);
      for (const stack of app.stacks) {
        const file = path.join(stack.dir, 'cdk.tf.json');
        const config = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (!config.terraform.required_providers?.aws) continue;
        config.terraform.required_providers.aws.version = mirror!.version;
        fs.writeFileSync(file, JSON.stringify(config, null, 2));
        const init = await terraform(stack.dir, ['init', '-input=false'], env);
        expect(init.code === 0 ? '' : describeRun(init)).toBe('');
        const validate = await terraform(stack.dir, ['validate'], env);
        expect(validate.code === 0 ? '' : `${describeRun(validate)}\n(real provider ${mirror!.version}; the bindings wrap 6.25.0)`).toBe('');
      }
    } finally {
      fs.rmSync(app.root, { recursive: true, force: true });
    }
  }, 120_000);
});
