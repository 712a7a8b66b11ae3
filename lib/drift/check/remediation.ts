/**
 * Remediation hints, spelled the same in every check: Terraform commands
 * with the address quoted for a POSIX shell, import blocks, and the cloud
 * CLI command that deletes a leaked VM.
 */
import { Cloud } from '../../core/cloud';
import { shellQuoteAddress } from '../read/state/instance-address';
import { InventoryItem } from '../model';

/** `terraform apply -replace=ADDR`. */
export function replaceCommand(address: string): string {
  return `terraform apply -replace=${shellQuoteAddress(address)}`;
}

/** `terraform state rm ADDR`. */
export function stateRmCommand(address: string): string {
  return `terraform state rm ${shellQuoteAddress(address)}`;
}

/** An import block, on one line: `import { to = ADDR, id = "ID" }` (HCL; in cdktf: `resource.importFrom(id)`). */
export function importBlock(address: string, id: string): string {
  return `import { to = ${address}, id = ${JSON.stringify(id)} }`;
}

/** The cloud CLI command that deletes an inventory VM. */
export function deleteCommand(item: InventoryItem): string {
  switch (item.cloud) {
    case Cloud.AWS:
      return `aws ec2 terminate-instances${item.location.region ? ` --region ${item.location.region}` : ''} --instance-ids ${item.id}`;
    case Cloud.GCP:
      return `gcloud compute instances delete ${item.name}${item.location.zone ? ` --zone ${item.location.zone}` : ''}${item.location.project ? ` --project ${item.location.project}` : ''}`;
    case Cloud.AZURE:
      return `az vm delete --ids ${item.id} --yes`;
    case Cloud.DIGITALOCEAN:
      return `doctl compute droplet delete ${item.id} --force`;
  }
}
