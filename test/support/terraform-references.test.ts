import { extractTraversals, isExpression } from './terraform-references';

/** `root.a.b[]` rendering of the traversals, to keep the table readable. */
function render(value: string): string[] {
  return extractTraversals(value).map((t) =>
    [t.root, ...t.steps.map((s) => (s.kind === 'attribute' ? `.${s.name}` : '[]'))].join(''));
}

describe('extractTraversals', () => {
  test.each<[string, string[]]>([
    ['plain text, no interpolation', []],
    ['${aws_vpc.main.id}', ['aws_vpc.main.id']],
    ['${data.aws_ami.ubuntu.id}', ['data.aws_ami.ubuntu.id']],
    ['arn:${aws_iam_role.node.arn}/x-${var.name}', ['aws_iam_role.node.arn', 'var.name']],
    ['${aws_instance.node[0].private_ip}', ['aws_instance.node[].private_ip']],
    ['${aws_instance.node.0.private_ip}', ['aws_instance.node[].private_ip']],
    ['${aws_instance.node["a"].id}', ['aws_instance.node[].id']],
    ['${aws_instance.node.*.id}', ['aws_instance.node[].id']],
    ['${aws_instance.node[each.key].id}', ['aws_instance.node[].id', 'each.key']],
    ['${tolist(aws_security_group.sg.ingress).0.from_port}', ['aws_security_group.sg.ingress']],
    ['${element(aws_subnet.a[*].id, count.index)}', ['aws_subnet.a[].id', 'count.index']],
    ['${var.on ? aws_eip.a.public_ip : ""}', ['var.on', 'aws_eip.a.public_ip']],
    ['${join(",", [for s in aws_subnet.a : s.id])}', ['for', 's', 'in', 'aws_subnet.a', 's.id']],
    ['${format("%s.aws_vpc.x ${aws_vpc.y.id}", local.name)}', ['aws_vpc.y.id', 'local.name']],
    ['$${aws_vpc.escaped.id} and %%{if x}', []],
    ['%{ if var.enabled }on%{ endif }', ['if', 'var.enabled', 'endif']],
    ['${provider::aws::arn_parse(aws_iam_role.r.arn).account_id}', ['aws_iam_role.r.arn']],
    ['${{ for k, v in aws_instance.n : k => v.id }}', ['for', 'k', 'v', 'in', 'aws_instance.n', 'k', 'v.id']],
  ])('%s', (value, expected) => {
    expect(render(value)).toEqual(expected);
  });

  test('keeps the text as written, string indexes included', () => {
    expect(extractTraversals('${aws_instance.node["a"].id}').map((t) => t.text)).toEqual(['aws_instance.node["a"].id']);
  });
});

describe('isExpression', () => {
  test.each<[string, boolean]>([
    ['10.0.0.0/16', false],
    ['${var.cidr}', true],
    ['prefix-${var.name}', true],
    ['%{ if true }x%{ endif }', true],
    ['$${not.an.expression}', false],
  ])('%s → %s', (value, expected) => {
    expect(isExpression(value)).toBe(expected);
  });
});
