export * from './cert-renewal-manifests';
