/**
 * The images the etcd backup CronJob runs, pinned by digest.
 *
 * etcd: registry.k8s.io/etcd, the image kubeadm runs etcd from, which ships etcdctl (the
 * snapshot) and etcdutl (its check). Digest from kubernetes/k8s.io
 * registry.k8s.io/images/k8s-staging-etcd/images.yaml (the promoted digests per tag). kubeadm
 * 1.34 runs etcd 3.6.4 or 3.6.5 (cmd/kubeadm/app/constants SupportedEtcdVersion); the newest 3.6
 * tag whose digest the stored images.yaml lists is 3.6.1-0. Any etcdctl 3.5 or 3.6 talks to a 3.5
 * or 3.6 server (etcd's v3 gRPC API is stable), and etcdutl 3.6 reads their snapshots, so the
 * backup does not have to match the cluster's etcd; the restore does (docs/etcd-backup.md).
 *
 * upload: registry.k8s.io/e2e-test-images/agnhost, Kubernetes' own image with bash and curl
 * (test/images/agnhost/Dockerfile: `apk --update add bind-tools curl netcat-openbsd iproute2
 * iperf bash` on Alpine), whose curl is newer than 7.75, the first with --aws-sigv4. Digest from
 * kubernetes/k8s.io registry.k8s.io/images/k8s-staging-e2e-test-images/images.yaml.
 */

/** etcdctl and etcdutl: registry.k8s.io/etcd 3.6.1-0. */
export const ETCD_BACKUP_ETCD_IMAGE = 'registry.k8s.io/etcd:3.6.1-0@sha256:3ecb80f64e038e0474cbc29c852ab8a25d6c22065bedfa98f40167af5fb988d7';

/** bash and curl: registry.k8s.io/e2e-test-images/agnhost 2.63.0. */
export const ETCD_BACKUP_UPLOAD_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.63.0@sha256:a62f40481e05709988fe44e5035b2e0f553cd52bf0ae4e83614928255b00e8c1';
