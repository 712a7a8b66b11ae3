/**
 * The kubelet serving-certificate approver: its manifests, and the approver itself
 * (templates/certificates/cast-kubelet-serving-approver.py) run with python3 and the real
 * openssl against CSRs made here by openssl as a kubelet makes them (EC P-256, subject
 * O=system:nodes CN=system:node:<name>, the node's names as SANs), with kubectl a stub that
 * serves the CSRs and Nodes as JSON and records approvals. No kubelet or API server here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { CERT_RENEWAL_IMAGE, renderKubeletServingApproverManifests } from '../../lib/core/certificates';
import { unescapeTerraformTemplate } from '../../lib/core/bootstrap/render-template';
import { readTemplateFile, templatesDirectory } from '../../lib/core/bootstrap/template-files';
import { describeWithTool } from '../core/bootstrap/node-tools';

test('manifests: the approver in a ConfigMap as the template has it, one replica on a control-plane host, the image by digest', () => {
  const [config, deployment] = renderKubeletServingApproverManifests().map((doc) => parse(unescapeTerraformTemplate(doc)));
  expect(config.data['cast-kubelet-serving-approver.py']).toBe(readTemplateFile('certificates/cast-kubelet-serving-approver.py'));
  expect(deployment.kind).toBe('Deployment');
  expect(deployment.spec.replicas).toBe(1);
  const pod = deployment.spec.template.spec;
  expect(pod.nodeSelector).toEqual({ 'node-role.kubernetes.io/control-plane': '' });
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.containers[0].image).toBe(CERT_RENEWAL_IMAGE);
  expect(pod.containers[0].image).toMatch(/@sha256:[0-9a-f]{64}$/);
  expect(pod.containers[0].command[2]).toContain('nsenter -t 1 -m -u -i -n -p -- /usr/bin/python3 -c "$(cat /cast/cast-kubelet-serving-approver.py)"');
});

describeWithTool('openssl', 'openssl', 'cast-kubelet-serving-approver.py', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cast-approver-'));
    writeFileSync(join(dir, 'kubectl'), [
      '#!/usr/bin/env bash',
      'shift 2', // --kubeconfig <file>
      'case "$*" in',
      '  "get csr -o json") cat "$FAKE_DIR/csrs.json" ;;',
      '  "get nodes -o json") cat "$FAKE_DIR/nodes.json" ;;',
      '  "certificate approve "*) echo "$3" >>"$FAKE_DIR/approved" ;;',
      '  *) exit 2 ;;',
      'esac',
    ].join('\n'));
    chmodSync(join(dir, 'kubectl'), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A kubelet-like CSR: base64 of the PEM request. */
  function request(subject: string, san: string): string {
    const out = join(dir, 'req.pem');
    execFileSync('openssl', ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'key.pem'), '-subj', subject, ...(san ? ['-addext', `subjectAltName=${san}`] : []), '-out', out], { stdio: 'ignore' });
    return readFileSync(out).toString('base64');
  }
  const csr = (name: string, node: string, req: string, extra: Record<string, unknown> = {}) => ({
    metadata: { name },
    spec: { signerName: 'kubernetes.io/kubelet-serving', username: `system:node:${node}`, groups: ['system:nodes', 'system:authenticated'], usages: ['digital signature', 'server auth'], request: req, ...extra },
    status: {},
  });
  const NODES = {
    items: [
      { metadata: { name: 'aws-w-1' }, status: { addresses: [{ type: 'InternalIP', address: '10.4.17.3' }, { type: 'Hostname', address: 'aws-w-1' }] } },
      { metadata: { name: 'gcp-w-1' }, status: { addresses: [{ type: 'InternalIP', address: '10.4.18.9' }] } },
    ],
  };

  function approve(csrs: object[]) {
    const fake = mkdtempSync(join(dir, 'run-'));
    writeFileSync(join(fake, 'csrs.json'), JSON.stringify({ items: csrs }));
    writeFileSync(join(fake, 'nodes.json'), JSON.stringify(NODES));
    const run = spawnSync('python3', [join(templatesDirectory(), 'certificates/cast-kubelet-serving-approver.py')], {
      env: { PATH: `${dir}:${process.env.PATH}`, FAKE_DIR: fake, CAST_KUBECONFIG: '/nonexistent/admin.conf' },
      encoding: 'utf8',
    });
    let approved: string[] = [];
    try {
      approved = readFileSync(join(fake, 'approved'), 'utf8').trim().split('\n');
    } catch {
      // none approved
    }
    return { status: run.status, output: `${run.stdout}${run.stderr}`, approved };
  }

  test('a node asking for its own name and address is approved; every other request stays pending, with the reason', () => {
    const own = '/O=system:nodes/CN=system:node:aws-w-1';
    const result = approve([
      csr('good', 'aws-w-1', request(own, 'DNS:aws-w-1,IP:10.4.17.3')),
      csr('foreign-ip', 'aws-w-1', request(own, 'DNS:aws-w-1,IP:10.4.18.9')),
      csr('foreign-name', 'aws-w-1', request(own, 'DNS:kubernetes.default')),
      csr('other-subject', 'aws-w-1', request('/O=system:nodes/CN=system:node:gcp-w-1', 'IP:10.4.17.3')),
      csr('no-names', 'aws-w-1', request(own, '')),
      csr('no-node', 'azure-w-7', request('/O=system:nodes/CN=system:node:azure-w-7', 'IP:10.4.19.1')),
      csr('not-a-node', 'aws-w-1', request(own, 'IP:10.4.17.3'), { username: 'mallory', groups: ['system:authenticated'] }),
      csr('client-usage', 'aws-w-1', request(own, 'IP:10.4.17.3'), { usages: ['digital signature', 'server auth', 'client auth'] }),
      { ...csr('decided', 'aws-w-1', request(own, 'IP:10.4.17.3')), status: { conditions: [{ type: 'Denied' }] } },
      csr('client-signer', 'aws-w-1', request(own, 'IP:10.4.17.3'), { signerName: 'kubernetes.io/kube-apiserver-client-kubelet' }),
    ]);
    expect(result.status).toBe(0);
    expect(result.approved).toEqual(['good']);
    const lines = result.output.trim().split('\n');
    expect(lines).toEqual([
      'cast-kubelet-serving-approver: approved good (system:node:aws-w-1)',
      "cast-kubelet-serving-approver: left foreign-ip pending: 10.4.18.9 not among Node aws-w-1's addresses",
      "cast-kubelet-serving-approver: left foreign-name pending: kubernetes.default not among Node aws-w-1's addresses",
      'cast-kubelet-serving-approver: left other-subject pending: subject CN=system:node:gcp-w-1,O=system:nodes, not O=system:nodes, CN=system:node:aws-w-1',
      "cast-kubelet-serving-approver: left no-names pending: names none: only the node's DNS names and IP addresses",
      'cast-kubelet-serving-approver: left no-node pending: no Node azure-w-7',
      'cast-kubelet-serving-approver: left not-a-node pending: requested by mallory, not by a node',
      "cast-kubelet-serving-approver: left client-usage pending: usages ['client auth', 'digital signature', 'server auth']: only server auth with digital signature or key encipherment",
    ]);
  });

  test('nothing pending: nothing approved, nothing said', () => {
    const result = approve([]);
    expect(result).toEqual({ status: 0, output: '', approved: [] });
  });
});
