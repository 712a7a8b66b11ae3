/**
 * The contract between the cluster and each cloud's control-plane key store:
 * where a cloud keeps the CA keys and the service-account key pair so that only
 * the cluster's control planes read them, with their own cloud identity
 * (docs/decisions/0003-control-plane-keys-from-the-cloud.md).
 */
import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { ControlPlaneKeySource, JoinTokenSource } from '../core/bootstrap/node-bootstrap-input';
import { ClusterLabels } from '../core/cluster-labels';
import { CloudLocation } from '../core/regions';
import { NetworkAttachment } from '../network/network-spec';

/** What a cloud's key store is built from. */
export interface KeyStoreSpec {
  readonly clusterName: string;
  /** The cluster's UUID: names that must be unique beyond the cluster's account derive from it. */
  readonly clusterUuid: string;
  readonly labels: ClusterLabels;
  readonly location: CloudLocation;
  readonly network: NetworkAttachment;
  readonly provider: TerraformProvider;
  /** The cluster's random provider (aliased to the cluster), for names that must be unique per deployment. */
  readonly randomProvider: TerraformProvider;
  /**
   * The secret's value: the JSON of `controlPlaneKeyBundle` as a Terraform expression
   * (`${jsonencode(...)}` over the credentials' references). It lives in the secret store
   * and in Terraform state (sensitive), never in a VM's user-data or metadata.
   */
  readonly bundle: string;
}

/** The identity the cloud's control-plane VMs run with, as each cloud's VM takes it. */
export type ControlPlaneIdentity = NodeIdentity;

/** An identity a cloud's VMs run with, as each cloud's VM takes it. */
export interface NodeIdentity {
  /** AWS: the instance profile name for `aws_instance.iam_instance_profile`. */
  readonly awsInstanceProfile?: string;
  /** AWS: the profile's role, for other policies control planes need (the cluster-autoscaler's). */
  readonly awsRoleName?: string;
  /** GCP: the service account email for the instance's `service_account` block. */
  readonly gcpServiceAccountEmail?: string;
  /** Azure: the user-assigned identity id for the VM's `identity` block. */
  readonly azureIdentityId?: string;
}

/** A built key store: where control planes read, with what identity, after what. */
export interface ControlPlaneKeyStore {
  /** What each control plane's node.env names (its `controlPlaneKeys`). */
  readonly source: ControlPlaneKeySource;
  readonly identity: ControlPlaneIdentity;
  /** What a control-plane VM must be created after: the secret's value and the grant to read it. */
  readonly dependencies: ITerraformDependable[];
  /** The cloud's join-token secret (docs/decisions/0006-join-tokens-from-the-cloud.md). */
  readonly joinToken: JoinTokenStore;
}

/**
 * The secret that holds the cluster's current join token on one cloud: created empty (no
 * version; the control planes write the first one), written by the cloud's control planes
 * when they rotate it, read by every node of the cloud at boot.
 */
export interface JoinTokenStore {
  /** What a control plane's node.env names: read and write, with the control planes' `identity`. */
  readonly controlPlane: JoinTokenSource;
  /** What a worker's node.env names: read only, with `workerIdentity`. */
  readonly worker: JoinTokenSource;
  /** The identity the cloud's workers run with (static and autoscaled): may read the join token, nothing else. */
  readonly workerIdentity: NodeIdentity;
}

/** One cloud's builder. */
export type KeyStoreBuilder = (scope: Construct, spec: KeyStoreSpec) => ControlPlaneKeyStore;
