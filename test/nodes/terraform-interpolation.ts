/**
 * Evaluates a synthesized Terraform string template the way `terraform apply`
 * would, with made-up values for the references: what the node finally
 * receives. Knows exactly the expressions the node bootstrap uses; any other
 * expression is an error, so a new kind of reference cannot slip in unchecked.
 */

const FAKE_PEM = '-----BEGIN TEST CERTIFICATE-----\nMIIBfake\n-----END TEST CERTIFICATE-----\n';

function fakeValue(expression: string): string {
  // A value single-quoted for a shell at apply time (render-template.ts, shellSingleQuoted): replace() of each ' by '\''.
  const quoted = /^replace\((.*), "'", "'\\\\''"\)$/s.exec(expression);
  if (quoted) return fakeValue(quoted[1]).replace(/'/g, "'\\''");
  // An expression checked at apply time (phoneHomeUrl: regex() with the synth-time rule), failing the apply when it does not match.
  const checked = /^regex\(("(?:[^"\\]|\\.)*"), (.*)\)$/s.exec(expression);
  if (checked) {
    const value = fakeValue(checked[2]);
    if (!new RegExp(JSON.parse(checked[1])).test(value)) throw new Error(`regex() fails the apply: ${JSON.stringify(value)} does not match ${checked[1]}`);
    return value;
  }
  // The phone-home check's length guard: [E][length(E) > N ? 1 : 0] fails the apply when E is longer than N.
  const guarded = /^\[(.+)\]\[length\(\1\) > (\d+) \? 1 : 0\]$/s.exec(expression);
  if (guarded) {
    const value = fakeValue(guarded[1]);
    if (value.length > Number(guarded[2])) throw new Error(`the index fails the apply: ${value.length} characters, more than ${guarded[2]}`);
    return value;
  }
  if (expression === 'var.phone_home_url') return 'https://hooks.example.com/cast?cluster=prod';
  const pem = /^base64encode\(([a-z_]+\.[\w-]+\.(private_key_pem|public_key_pem|cert_pem))\)$/.exec(expression);
  if (pem) return Buffer.from(FAKE_PEM).toString('base64');
  if (/^(aws_eip\.[\w-]+\.public_ip|google_compute_address\.[\w-]+\.address|azurerm_public_ip\.[\w-]+\.ip_address|digitalocean_reserved_ip\.[\w-]+\.ip_address)$/.test(expression)) return '203.0.113.10';
  // No private address: a node finds its own at boot (one in its user-data would be its own VM's attribute, a cycle).
  if (/^aws_s3_bucket\.[\w-]+\.bucket_regional_domain_name$/.test(expression)) return 'cast-mesh-bucket.s3.us-east-1.amazonaws.com';
  // Where control planes read their keys (lib/keys): identifiers the node.env carries.
  if (/^aws_secretsmanager_secret\.[\w-]+\.arn$/.test(expression)) return 'arn:aws:secretsmanager:us-east-1:123456789012:secret:c1-control-plane-keys-AbCdEf';
  if (/^google_secret_manager_secret\.[\w-]+\.name$/.test(expression)) return 'projects/123456789012/secrets/c1-control-plane-keys-0a1b2c3d';
  if (/^azurerm_key_vault_secret\.[\w-]+\.versionless_id$/.test(expression)) return 'https://cast0a1b2c3d4e5f6a7b.vault.azure.net/secrets/control-plane-keys';
  // The Azure join-token secret's URL (lib/keys/azure.ts): the vault's URI without its trailing slash.
  if (/^trimsuffix\(azurerm_key_vault\.[\w-]+\.vault_uri, "\/"\)$/.test(expression)) return 'https://castjoin0a1b2c3d4e5f6a7b.vault.azure.net';
  if (/^random_string\.[\w-]+\.result$/.test(expression)) return 'abc123';
  if (/^random_password\.[\w-]+\.result$/.test(expression)) return '0123456789abcdef';
  // The first control plane's cluster-autoscaler manifests name the scaling groups and the Azure identity.
  if (/^(aws_autoscaling_group|azurerm_linux_virtual_machine_scale_set|azurerm_resource_group)\.[\w-]+\.name$/.test(expression)) return 'elastic-group';
  if (/^azurerm_user_assigned_identity\.[\w-]+\.client_id$/.test(expression)) return '00000000-0000-4000-8000-000000000001';
  if (/^data\.azurerm_client_config\.[\w-]+\.subscription_id$/.test(expression)) return '00000000-0000-4000-8000-000000000002';
  throw new Error(`unexpected Terraform expression in user-data: \${${expression}}`);
}

/** The template with every `${expr}` replaced and every `$${` / `%%{` unescaped; `%{` directives are refused. */
export function interpolate(template: string): string {
  let out = '';
  for (let i = 0; i < template.length; ) {
    if (template.startsWith('$${', i) || template.startsWith('%%{', i)) {
      out += template[i + 1] + '{';
      i += 3;
    } else if (template.startsWith('${replace(', i)) {
      // Quoted at apply time: the expression inside may hold braces of its own (a regex's {1,1000}), inside strings.
      let end = i + 2;
      for (let depth = 1, inString = false; depth > 0; end++) {
        const c = template[end];
        if (inString && c === '\\') end++;
        else if (c === '"') inString = !inString;
        else if (!inString && c === '{') depth++;
        else if (!inString && c === '}') depth--;
      }
      out += fakeValue(template.slice(i + 2, end - 1));
      i = end;
    } else if (template.startsWith('${', i)) {
      const end = template.indexOf('}', i);
      out += fakeValue(template.slice(i + 2, end));
      i = end + 1;
    } else if (template.startsWith('%{', i)) {
      throw new Error(`unexpected Terraform template directive at ${i}: ${template.slice(i, i + 30)}`);
    } else {
      out += template[i++];
    }
  }
  return out;
}
