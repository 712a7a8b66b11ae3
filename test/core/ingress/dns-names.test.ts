import { domainNameProblem, emailProblem, isLabelValue, isObjectName, relativeNameProblem } from '../../../lib/core/ingress/dns-names';

describe('DNS and Kubernetes name checks', () => {
  test.each(['example.com', 'apps.example.co.uk', 'a-b.example.io', 'xn--bcher-kva.example', `${'a'.repeat(63)}.com`])('%s is a domain', (name) => {
    expect(domainNameProblem(name)).toBeUndefined();
  });

  test.each<[string, string]>([
    ['', 'has an empty label'],
    ['example.com.', 'has an empty label'],
    ['-example.com', 'has the label "-example", which is not 1-63 letters, digits or inner dashes'],
    [`${'a'.repeat(64)}.com`, `has the label "${'a'.repeat(64)}", which is not 1-63 letters, digits or inner dashes`],
    [`${'a.'.repeat(127)}com`, 'is 257 characters long, over DNS\'s 253'],
    ['example.c0m1', 'ends in "c0m1", which is not a top-level domain'],
  ])('%j is not a domain: it %s', (name, why) => {
    expect(domainNameProblem(name)).toBe(why);
  });

  test('record names are relative: one label is enough', () => {
    expect(relativeNameProblem('ingress')).toBeUndefined();
    expect(relativeNameProblem('ingress.prod')).toBeUndefined();
    expect(relativeNameProblem('')).toBe('is empty');
    expect(relativeNameProblem('Ingress')).toBe('has uppercase letters');
  });

  test.each(['ops@example.com', 'first.last+tag@sub.example.org', 'OPS@Example.COM'])('%s is an email address', (email) => {
    expect(emailProblem(email)).toBeUndefined();
  });

  test.each(['@example.com', 'ops@', 'a..b@example.com', 'ops@@example.com'])('%s is not an email address', (email) => {
    expect(emailProblem(email)).toBeDefined();
  });

  test('Kubernetes object names and label values', () => {
    expect(isObjectName('letsencrypt-staging')).toBe(true);
    expect(isObjectName('Lets')).toBe(false);
    expect(isLabelValue('kube-prometheus-stack')).toBe(true);
    expect(isLabelValue('a'.repeat(64))).toBe(false);
  });
});
