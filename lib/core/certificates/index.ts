export * from './cert-renewal-manifests';
export * from './kubelet-serving-approver';
