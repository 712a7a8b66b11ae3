/** The --help texts. */
import * as path from 'node:path';
import { CliCommand } from './parse-args';

/**
 * docs/drift.md where this copy of the package is: the package ships docs/ (package.json
 * `files`), and this file sits three folders below the package root both as source
 * (lib/drift/cli) and compiled (dist/drift/cli), so the help names a file that exists.
 */
const DOCS_PATH = path.resolve(__dirname, '..', '..', '..', 'docs', 'drift.md');

const EXIT_CODES = `Exit codes (as terraform plan -detailed-exitcode):
  0  in sync (guard-destroy: safe to destroy)
  2  drift found (guard-destroy: destroying is unsafe); the report lists why
  1  error: bad input or unreadable file; a one-line message on stderr, nothing written`;

const INPUTS = `Inputs are recognized by content, not name:
  state       terraform.tfstate (format 4; Terraform 0.13-1.14 or OpenTofu), or
              \`terraform show -json\`; - reads stdin (terraform state pull | cast-drift ...)
  plan        \`terraform show -json\` of \`terraform plan -refresh-only -out=p\`
  inventory   aws ec2 describe-instances | gcloud compute instances list --format=json |
              az vm list -d -o json | doctl compute droplet list -o json
              (prefix with CLOUD= for a list that may be empty, e.g. gcp=vms.json)`;

const CHECK = `Usage: cast-drift check --desired <cdk.tf.json>... --state <file|->... [options]

Compares the synthesized stacks with the state (and, when given, a refresh-only
plan and cloud inventories): network ranges and firewall rules, missing or
tainted nodes, unused and leaked resources, foreign VMs in cluster networks.

Options:
  --desired FILE...          synthesized stacks (cdktf.out/stacks/<stack>/cdk.tf.json)
  --state FILE|-...          state of those stacks
  --plan FILE...             refresh-only plan JSON (what changed outside Terraform)
  --inventory [CLOUD=]FILE...  cloud VM lists
  --format text|json|sarif|github   report format (default: text)
  --output FILE              write the report to FILE instead of stdout
  --ignore FILE              accepted drift: JSON {"ignore": [{"address": "...", "reason": "...", "expires": "2026-06-30"}]}
  --cluster-uuid UUID        the cluster UUID, when the stacks do not state it
  --state-passphrase-env VAR read the passphrase of an OpenTofu pbkdf2-encrypted state from env VAR
  --color, --no-color        force or disable ANSI colour (default: on a TTY unless NO_COLOR is set)

${INPUTS}

${EXIT_CODES}
`;

const GUARD = `Usage: cast-drift guard-destroy --desired <cdk.tf.json>... --state <file|->... --inventory [CLOUD=]FILE... [options]

Run before \`terraform destroy\`: lists VMs in the cluster's networks that do not
carry the cluster UUID (the destroy would fail on them, and they are not the
cluster's to delete) and the cluster's leaked VMs (with the command to delete
them), and names each cloud of the cluster it checked and each it could not.
It says safe only when every cloud of the cluster has an --inventory, or is
allowed unchecked. Takes the options of \`check\`, and:

  --allow-unchecked CLOUD    call it safe without that cloud's inventory (aws, gcp,
                             azure, digitalocean; repeatable or comma-separated)

${EXIT_CODES}
`;

const GENERAL = `cast-drift: drift check for a cdktf-cast-cluster cluster

Usage:
  cast-drift check --desired <cdk.tf.json>... --state <file|-> [--plan <plan.json>] [--inventory <file>...]
                   [--format text|json|sarif|github] [--ignore <file>] [--output <file>]
  cast-drift guard-destroy --desired <cdk.tf.json>... --state <file|-> --inventory <file>...
                   [--allow-unchecked <cloud>]
  cast-drift help [check|guard-destroy]
  cast-drift --version

${INPUTS}

${EXIT_CODES}

Documentation: ${DOCS_PATH}
`;

/** The help text for a command, or the general one. */
export function helpText(topic?: CliCommand): string {
  if (topic === CliCommand.CHECK) return CHECK;
  if (topic === CliCommand.GUARD_DESTROY) return GUARD;
  return GENERAL;
}
