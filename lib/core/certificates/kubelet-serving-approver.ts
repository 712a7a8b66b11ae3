/**
 * The approver of the kubelets' serving certificates, as manifests for the in-cluster stack.
 * The KubeletConfiguration of a cluster this library founds sets serverTLSBootstrap
 * (templates/kubeadm/init.yaml): every kubelet asks the cluster CA for its serving certificate
 * with a CSR of signer kubernetes.io/kubelet-serving, which neither kubeadm nor the controller
 * manager approves ("Certificate Management with kubeadm", Kubelet serving certificates). Until
 * one is approved the kubelet serves no TLS, so `kubectl logs`, `exec` and metrics scrapes of
 * that node fail: install these with the cluster.
 *
 * The approval rule (templates/certificates/cast-kubelet-serving-approver.py, `decide`): the
 * request comes from the node itself, the Node exists, the subject is the node's, every name it
 * asks for is one of the Node's reported addresses, usages are server auth only. Pure; no
 * cdktf import.
 */
import { escapeTerraformTemplate, renderTemplateFile } from '../bootstrap/render-template';
import { CERT_RENEWAL_IMAGE } from './cert-renewal-manifests';

/** The in-cluster release (Helm, cast-manifests chart) that installs these manifests. */
export const KUBELET_SERVING_APPROVER_RELEASE = 'cast-kubelet-serving-approver';

/** The manifests, one YAML document each: the ConfigMap with the approver, then its Deployment. */
export function renderKubeletServingApproverManifests(): string[] {
  // Already escaped for Terraform (renderTemplateFile); JSON quoting keeps that.
  const script = renderTemplateFile('certificates/cast-kubelet-serving-approver.py', {});
  return [
    renderTemplateFile('certificates/cast-kubelet-serving-approver-scripts.yaml', { script: JSON.stringify(script) }),
    renderTemplateFile('certificates/cast-kubelet-serving-approver-deployment.yaml', { image: escapeTerraformTemplate(JSON.stringify(CERT_RENEWAL_IMAGE)) }),
  ].map((document) => document.replace(/^(#[^\n]*\n)+/, ''));
}
