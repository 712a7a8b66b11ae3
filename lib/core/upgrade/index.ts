export * from './upgrade-manifests';
export * from './upgrade-skew';
