/**
 * The stand-in providers and a work folder for one describe block of Terraform tests:
 * started before its tests, closed and removed after them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { quietEnvironment } from '../terraform-cli';
import { startStandIns, type StandIns } from './stand-ins';

/** What a block's tests run terraform with; filled in by its beforeAll. */
export interface StandInTerraform {
  /** The environment that attaches terraform to the stand-ins. */
  env: NodeJS.ProcessEnv;
  /** A folder of the block's own, removed after it. */
  workdir: string;
}

/** Registers the block's beforeAll and afterAll; `prefix` names its work folder under the system's temporary folder. */
export function useStandInTerraform(prefix: string): StandInTerraform {
  let standIns: StandIns | undefined;
  const terraform: StandInTerraform = { env: {}, workdir: '' };
  beforeAll(async () => {
    standIns = await startStandIns();
    terraform.env = quietEnvironment({ TF_REATTACH_PROVIDERS: standIns.reattach });
    terraform.workdir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    await standIns?.close();
    if (terraform.workdir !== '') fs.rmSync(terraform.workdir, { recursive: true, force: true });
  });
  return terraform;
}
