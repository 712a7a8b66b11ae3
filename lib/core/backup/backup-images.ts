/**
 * The images the etcd backup CronJob runs, pinned by digest.
 *
 * etcd: registry.k8s.io/etcd, the image kubeadm runs etcd from, for its etcdctl: `snapshot save`,
 * then `snapshot status` to check the file. The image has no etcdutl (kubernetes
 * cluster/images/etcd/Makefile installs only etcd and etcdctl from each release; etcd-io/etcd#13764),
 * and etcd 3.6 removed the snapshot status and restore commands from etcdctl (etcd, "Disaster
 * recovery": etcdutl), so the image is a 3.5 release, whose etcdctl still has them. An etcdctl 3.5
 * talks to a 3.5 or 3.6 server (the v3 gRPC Maintenance API is stable); the backup does not have
 * to match the cluster's etcd, the restore does (docs/etcd-backup.md). 3.5.21-0 is the newest 3.5
 * tag whose digest kubernetes/k8s.io registry.k8s.io/images/k8s-staging-etcd/images.yaml lists as
 * stored here (kubeadm 1.31 to 1.33 ran 3.5.x: cmd/kubeadm/app/constants SupportedEtcdVersion).
 *
 * upload: registry.k8s.io/e2e-test-images/agnhost, Kubernetes' own image with bash and curl
 * (test/images/agnhost/Dockerfile: `apk --update add bind-tools curl netcat-openbsd iproute2
 * iperf bash` on Alpine), whose curl is newer than 7.75, the first with --aws-sigv4. Digest from
 * kubernetes/k8s.io registry.k8s.io/images/k8s-staging-e2e-test-images/images.yaml.
 */

/** etcdctl 3.5: registry.k8s.io/etcd 3.5.21-0. */
export const ETCD_BACKUP_ETCD_IMAGE = 'registry.k8s.io/etcd:3.5.21-0@sha256:d58c035df557080a27387d687092e3fc2b64c6d0e3162dc51453a115f847d121';

/** bash and curl: registry.k8s.io/e2e-test-images/agnhost 2.63.0. */
export const ETCD_BACKUP_UPLOAD_IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.63.0@sha256:a62f40481e05709988fe44e5035b2e0f553cd52bf0ae4e83614928255b00e8c1';
