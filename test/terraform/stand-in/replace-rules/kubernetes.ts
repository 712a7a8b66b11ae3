/**
 * Attributes whose change makes hashicorp/kubernetes 2.38.0 plan a replacement, for the stand-in provider.
 *
 * Read from hashicorp/terraform-provider-kubernetes at tag v2.38.0 (the pinned version). kubernetes_namespace and
 * kubernetes_namespace_v1 are the same SDKv2 resource (resourceKubernetesNamespaceV1); kubernetes_manifest is served
 * by the raw-protocol server in manifest/provider, whose PlanResourceChange sets RequiresReplace. Paths into
 * `manifest` step into its dynamic value (the object as written in HCL).
 */
import { ReplaceTable } from './replace-rule';

const K8S = 'hashicorp/terraform-provider-kubernetes v2.38.0';
const SCHEMA_METADATA = `${K8S} kubernetes/schema_metadata.go`;
const SECRET = `${K8S} kubernetes/resource_kubernetes_secret_v1.go`;
const MANIFEST_PLAN = `${K8S} manifest/provider/plan.go`;

/** Force-new attributes of registry.terraform.io/hashicorp/kubernetes 2.38.0, by resource type. */
export const KUBERNETES_REPLACE_RULES: ReplaceTable = {
  kubernetes_manifest: [
    // Not modelled: a custom resource without an OpenAPI schema replaces on any manifest change (RequiresReplace on manifest and object).
    // None of these apply to a resource imported in this plan (isImportedFlagFromPrivate).
    { path: ['manifest', 'apiVersion'], source: `${MANIFEST_PLAN}:186 PlanResourceChange "manifest.apiVersion" RequiresReplace` },
    { path: ['manifest', 'kind'], source: `${MANIFEST_PLAN}:187 PlanResourceChange "manifest.kind" RequiresReplace` },
    { path: ['manifest', 'metadata', 'name'], source: `${MANIFEST_PLAN}:188 PlanResourceChange "manifest.metadata.name" RequiresReplace` },
    // Only for namespaced kinds (cluster-scoped objects have no namespace).
    { path: ['manifest', 'metadata', 'namespace'], source: `${MANIFEST_PLAN}:332 PlanResourceChange "manifest.metadata.namespace" RequiresReplace` },
  ],
  kubernetes_namespace: [
    // metadata.labels/annotations and wait_for_default_service_account are updated in place.
    { path: ['metadata', '*', 'name'], source: `${SCHEMA_METADATA}:37 metadataFields() "metadata.name" ForceNew` },
    { path: ['metadata', '*', 'generate_name'], source: `${SCHEMA_METADATA}:62 metadataSchema(generatableName = true) "metadata.generate_name" ForceNew` },
  ],
  kubernetes_secret_v1: [
    // Not modelled: with immutable = true already set, a change to data, binary_data or immutable replaces (CustomizeDiff, line 42); the library never sets immutable.
    { path: ['metadata', '*', 'name'], source: `${SCHEMA_METADATA}:37 metadataFields() "metadata.name" ForceNew` },
    { path: ['metadata', '*', 'namespace'], source: `${SCHEMA_METADATA}:95 namespacedMetadataSchemaIsTemplate "metadata.namespace" ForceNew` },
    { path: ['metadata', '*', 'generate_name'], source: `${SCHEMA_METADATA}:103 namespacedMetadataSchemaIsTemplate(generatableName = true) "metadata.generate_name" ForceNew` },
    { path: ['type'], source: `${SECRET}:123 "type" ForceNew` },
  ],
  kubernetes_namespace_v1: [
    // metadata.labels/annotations and wait_for_default_service_account are updated in place.
    { path: ['metadata', '*', 'name'], source: `${SCHEMA_METADATA}:37 metadataFields() "metadata.name" ForceNew` },
    { path: ['metadata', '*', 'generate_name'], source: `${SCHEMA_METADATA}:62 metadataSchema(generatableName = true) "metadata.generate_name" ForceNew` },
  ],
};
