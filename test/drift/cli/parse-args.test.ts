import { CliCommand, parseArgs } from '../../../lib/drift/cli/parse-args';
import { ReportFormat } from '../../../lib/drift/report/render-report';

describe('parseArgs', () => {
  test('lists take values up to the next option, and repeat', () => {
    expect(parseArgs(['check', '--desired', 'a.json', 'b.json', '--state', '-', '--inventory', 'gcp=g.json', '--inventory=aws.json', '--format=sarif', '--output', 'o.sarif', '--no-color'])).toEqual({
      command: CliCommand.CHECK,
      desired: ['a.json', 'b.json'],
      state: ['-'],
      plan: [],
      inventory: ['gcp=g.json', 'aws.json'],
      format: ReportFormat.SARIF,
      ignore: undefined,
      output: 'o.sarif',
      clusterUuid: undefined,
      statePassphraseEnv: undefined,
      color: false,
      allowUnchecked: [],
    });
  });
  test('--allow-unchecked repeats and takes comma-separated clouds, once each', () => {
    const args = parseArgs(['guard-destroy', '--desired', 'd', '--state', 's', '--inventory', 'aws.json', '--allow-unchecked', 'gcp,azure', '--allow-unchecked=DigitalOcean', '--allow-unchecked', 'gcp']);
    expect(args.allowUnchecked).toEqual(['gcp', 'azure', 'digitalocean']);
  });
  test.each([
    [['--help'], CliCommand.HELP, undefined],
    [['-h'], CliCommand.HELP, undefined],
    [['check', '--help'], CliCommand.HELP, CliCommand.CHECK],
    [['help', 'guard-destroy'], CliCommand.HELP, CliCommand.GUARD_DESTROY],
    [['--version'], CliCommand.VERSION, undefined],
    [['check', '-V'], CliCommand.VERSION, undefined],
  ])('%j', (argv, command, topic) => {
    const args = parseArgs(argv);
    expect([args.command, args.helpTopic]).toEqual([command, topic]);
  });
  test.each([
    [[], 'missing command: check or guard-destroy (see cast-drift --help)'],
    [['plan'], 'unknown command "plan" (commands: check, guard-destroy, help)'],
    [['check', '--state', 's'], 'check needs --desired: the synthesized cdk.tf.json of each stack (see cast-drift --help)'],
    [['check', '--desired', 'd'], 'check needs --state: a state file, or - for stdin'],
    [['guard-destroy', '--desired', 'd', '--state', 's'], "guard-destroy needs --inventory: the clouds' VM lists"],
    [['check', '--desired'], '--desired needs at least one file'],
    [['check', '--desired='], '--desired= needs a value'],
    [['check', '--desired', 'd', '--state', 's', '--format', 'xml'], '--format must be text, json, sarif or github (got xml)'],
    [['check', '--desired', 'd', '--state', 's', '--format'], '--format needs a value'],
    [['check', '--desired', 'd', '--state', 's', '--ignore', 'a', '--ignore', 'b'], '--ignore given twice'],
    [['check', '--desired', 'd', '--state', 's', '--bogus'], 'unknown option --bogus'],
    [['check', '--desired', 'd', '--state', 's', '-x'], 'unknown option -x'],
    [['check', '--desired', 'd', '--state', '-', '--plan', '-'], 'only one input can be - (stdin)'],
    [['check', '--desired', '-', '--state', 's'], '--desired cannot be - (stdin)'],
    [['check', 'extra', '--desired', 'd', '--state', 's'], 'unexpected argument "extra": files follow an option, e.g. --desired extra'],
    [['check', '--color=yes', '--desired', 'd', '--state', 's'], '--color takes no value'],
    [['help', 'nope'], 'no help for "nope"'],
    [['guard-destroy', '--desired', 'd', '--state', 's', '--inventory', 'i', '--allow-unchecked', 'mars'], '--allow-unchecked must be aws, gcp, azure or digitalocean (got "mars") (see cast-drift --help)'],
    [['guard-destroy', '--desired', 'd', '--state', 's', '--inventory', 'i', '--allow-unchecked', 'gcp,'], '--allow-unchecked must be aws, gcp, azure or digitalocean (got "")'],
    [['guard-destroy', '--desired', 'd', '--state', 's', '--inventory', 'i', '--allow-unchecked'], '--allow-unchecked needs a cloud: aws, gcp, azure or digitalocean'],
    [['check', '--desired', 'd', '--state', 's', '--allow-unchecked', 'gcp'], '--allow-unchecked is for guard-destroy only (got it with check)'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv)).toThrow(message);
  });
});
