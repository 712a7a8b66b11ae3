/** The contract between IngressStack and each DNS service's builder. */
import { TerraformProvider } from 'cdktf';
import { ClusterLabels } from '../../core/cluster-labels';
import { Cloud } from '../../core/cloud';

/** What every DNS builder is given. */
export interface DnsSpec {
  /** The zone's domain, without a trailing dot. */
  readonly zoneName: string;
  /** The record's name relative to the zone. */
  readonly recordName: string;
  /** `<recordName>.<zoneName>`. */
  readonly hostname: string;
  readonly ttl: number;
  /** Create the zone, or use the existing one. */
  readonly createZone: boolean;
  /** Route 53 hosted zone id / Cloud DNS managed zone name, when the user gave one. */
  readonly zoneId?: string;
  /** Azure only: the zone's resource group. */
  readonly resourceGroupName?: string;
  /** One load balancer address per cloud with workers, in canonical cloud order. */
  readonly addresses: readonly { readonly cloud: Cloud; readonly address: string }[];
  readonly labels: ClusterLabels;
  readonly provider?: TerraformProvider;
}

/** What the stack learns about the zone. */
export interface DnsAttachment {
  /** The name servers of a zone the stack created (to delegate it); undefined for an existing zone. */
  readonly nameServers?: string[];
}
