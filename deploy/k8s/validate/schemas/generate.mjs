// Regenerates the vendored strict schemas in this directory from their upstream sources:
//   node schemas/generate.mjs --kubernetes SWAGGER_JSON --keda-crd SCALEDOBJECTS_CRD_YAML
// SWAGGER_JSON: Kubernetes' OpenAPI v2 document of the pinned release (for v1.31: the file
// kubernetes/swagger.json.unprocessed at tag v31.0.0 of the kubernetes-client/python repository,
// which copies release-1.31's api/openapi-spec/swagger.json). SCALEDOBJECTS_CRD_YAML: KEDA's
// config/crd/bases/keda.sh_scaledobjects.yaml at the pinned tag (v2.16.1).
// Only the definitions reachable from KINDS are kept, without descriptions. "Strict" as in
// kubeconform's -strict: an object with declared properties accepts no other property, so a
// misspelt field fails instead of being dropped by the API server.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';

export const KUBERNETES_VERSION = 'v1.31';
export const KEDA_VERSION = 'v2.16.1';

// The kinds a manifest of this project may use; a kind missing here fails validation.
const KINDS = [
  ['', 'v1', 'ConfigMap'], ['', 'v1', 'Secret'], ['', 'v1', 'Service'], ['', 'v1', 'ServiceAccount'],
  ['', 'v1', 'Namespace'], ['', 'v1', 'PersistentVolumeClaim'],
  ['apps', 'v1', 'Deployment'], ['apps', 'v1', 'StatefulSet'],
  ['policy', 'v1', 'PodDisruptionBudget'],
  ['autoscaling', 'v2', 'HorizontalPodAutoscaler'],
  ['networking.k8s.io', 'v1', 'Ingress'], ['networking.k8s.io', 'v1', 'NetworkPolicy'],
];

// Kubernetes accepts a number or a string for these; the swagger document says "string".
const QUANTITY = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
const SPECIAL = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { anyOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { anyOf: [{ type: 'string', pattern: QUANTITY }, { type: 'number' }] },
};
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export function apiVersionOf(group, version) {
  return group ? `${group}/${version}` : version;
}

/** Copies a schema node without prose and vendor extensions, closing objects that declare properties. */
export function strict(node) {
  if (Array.isArray(node)) {
    return node.map(strict);
  }
  if (node === null || typeof node !== 'object') {
    return node;
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' || (key.startsWith('x-kubernetes-') && !KEPT_EXTENSIONS.has(key))) {
      continue;
    }
    out[key] = key === 'properties' ? mapValues(value, strict) : strict(value);
  }
  if (out['x-kubernetes-list-type'] === 'set') {
    out.uniqueItems = true;
  }
  delete out['x-kubernetes-list-type'];
  const open = node['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !open) {
    out.additionalProperties = false;
  }
  return out;
}

// list-map keys become the validator's own keyword (no two items with the same key values)
const KEPT_EXTENSIONS = new Set(['x-kubernetes-list-map-keys', 'x-kubernetes-list-type']);

function mapValues(object, fn) {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key, fn(value)]));
}

function refsOf(node, found = new Set()) {
  if (Array.isArray(node)) {
    node.forEach((item) => refsOf(item, found));
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref') {
        found.add(value.replace('#/definitions/', ''));
      } else {
        refsOf(value, found);
      }
    }
  }
  return found;
}

export function kubernetesBundle(swagger) {
  const kinds = {};
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    for (const gvk of definition['x-kubernetes-group-version-kind'] ?? []) {
      if (KINDS.some(([g, v, k]) => g === gvk.group && v === gvk.version && k === gvk.kind)) {
        kinds[`${apiVersionOf(gvk.group, gvk.version)}/${gvk.kind}`] = name;
      }
    }
  }
  const missing = KINDS.filter(([g, v, k]) => !kinds[`${apiVersionOf(g, v)}/${k}`]);
  if (missing.length > 0) {
    throw new Error(`not in the swagger document: ${JSON.stringify(missing)}`);
  }
  const definitions = {};
  const pending = Object.values(kinds);
  while (pending.length > 0) {
    const name = pending.pop();
    if (definitions[name]) {
      continue;
    }
    definitions[name] = SPECIAL[name] ?? strict(swagger.definitions[name]);
    pending.push(...refsOf(definitions[name]));
  }
  return { kinds, definitions: sortKeys(definitions) };
}

export function kedaBundle(crd) {
  const kinds = {};
  const definitions = {};
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    const name = `sh.keda.${version.name}.${crd.spec.names.kind}`;
    const schema = strict(version.schema.openAPIV3Schema);
    schema.properties.metadata = { $ref: `#/definitions/${OBJECT_META}` };
    kinds[`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`] = name;
    definitions[name] = schema;
  }
  return { kinds, definitions };
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}

function write(file, comment, bundle) {
  writeFileSync(file, `${JSON.stringify({ $comment: comment, ...bundle }, null, 1)}\n`);
  console.log(`wrote ${file}: ${Object.keys(bundle.kinds).length} kinds, ${Object.keys(bundle.definitions).length} definitions`);
}

function main() {
  const { values } = parseArgs({ options: { kubernetes: { type: 'string' }, 'keda-crd': { type: 'string' } } });
  if (!values.kubernetes || !values['keda-crd']) {
    throw new Error('usage: node schemas/generate.mjs --kubernetes SWAGGER_JSON --keda-crd SCALEDOBJECTS_CRD_YAML');
  }
  const here = dirname(fileURLToPath(import.meta.url));
  write(join(here, `kubernetes-${KUBERNETES_VERSION}-strict.json`),
    `Generated by generate.mjs from the Kubernetes ${KUBERNETES_VERSION} OpenAPI v2 document (Apache-2.0); do not edit.`,
    kubernetesBundle(JSON.parse(readFileSync(values.kubernetes, 'utf8'))));
  write(join(here, `keda-${KEDA_VERSION}-strict.json`),
    `Generated by generate.mjs from KEDA ${KEDA_VERSION} config/crd/bases/keda.sh_scaledobjects.yaml (Apache-2.0); do not edit.`,
    kedaBundle(YAML.parse(readFileSync(values['keda-crd'], 'utf8'))));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main();
}
