/**
 * Node shapes: one size name, the same vCPU and memory on every cloud.
 *
 *   shape     vCPU  GiB   AWS          GCP            Azure             DigitalOcean
 *   x-small     2     4   t3.medium    e2-medium      Standard_B2s      s-2vcpu-4gb     (burstable / shared CPU)
 *   small       2     8   m6i.large    e2-standard-2  Standard_D2s_v5   g-2vcpu-8gb
 *   medium      4    16   m6i.xlarge   e2-standard-4  Standard_D4s_v5   g-4vcpu-16gb
 *   large       8    32   m6i.2xlarge  e2-standard-8  Standard_D8s_v5   g-8vcpu-32gb
 *   x-large    16    64   m6i.4xlarge  e2-standard-16 Standard_D16s_v5  g-16vcpu-64gb
 *   2x-large   32   128   m6i.8xlarge  e2-standard-32 Standard_D32s_v5  g-32vcpu-128gb
 */
import { Cloud } from './cloud';

/** A node size, the same vCPU and memory on every cloud. */
export enum NodeShape {
  /** 2 vCPU, 4 GiB, burstable: the smallest size kubeadm accepts for a control plane. */
  X_SMALL = 'x-small',
  /** 2 vCPU, 8 GiB. */
  SMALL = 'small',
  /** 4 vCPU, 16 GiB. */
  MEDIUM = 'medium',
  /** 8 vCPU, 32 GiB. */
  LARGE = 'large',
  /** 16 vCPU, 64 GiB. */
  X_LARGE = 'x-large',
  /** 32 vCPU, 128 GiB. */
  XX_LARGE = '2x-large',
}

/** What one shape is on every cloud. */
export interface ShapeSpec {
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly instanceType: Readonly<Record<Cloud, string>>;
}

/** The shape table (see the file comment). */
export const SHAPES: Readonly<Record<NodeShape, ShapeSpec>> = {
  [NodeShape.X_SMALL]: shape(2, 4, 't3.medium', 'e2-medium', 'Standard_B2s', 's-2vcpu-4gb'),
  [NodeShape.SMALL]: shape(2, 8, 'm6i.large', 'e2-standard-2', 'Standard_D2s_v5', 'g-2vcpu-8gb'),
  [NodeShape.MEDIUM]: shape(4, 16, 'm6i.xlarge', 'e2-standard-4', 'Standard_D4s_v5', 'g-4vcpu-16gb'),
  [NodeShape.LARGE]: shape(8, 32, 'm6i.2xlarge', 'e2-standard-8', 'Standard_D8s_v5', 'g-8vcpu-32gb'),
  [NodeShape.X_LARGE]: shape(16, 64, 'm6i.4xlarge', 'e2-standard-16', 'Standard_D16s_v5', 'g-16vcpu-64gb'),
  [NodeShape.XX_LARGE]: shape(32, 128, 'm6i.8xlarge', 'e2-standard-32', 'Standard_D32s_v5', 'g-32vcpu-128gb'),
};

/** Every shape, smallest first. */
export const ALL_SHAPES: readonly NodeShape[] = Object.values(NodeShape);

/** The instance type of `shape` on `cloud`; undefined for an unknown shape. */
export function instanceTypeOf(shape: NodeShape, cloud: Cloud): string | undefined {
  return SHAPES[shape]?.instanceType[cloud];
}

function shape(vcpu: number, memoryGiB: number, aws: string, gcp: string, azure: string, digitalocean: string): ShapeSpec {
  return { vcpu, memoryGiB, instanceType: { [Cloud.AWS]: aws, [Cloud.GCP]: gcp, [Cloud.AZURE]: azure, [Cloud.DIGITALOCEAN]: digitalocean } };
}
