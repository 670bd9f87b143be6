// Schema validation of single manifests against the vendored strict schemas (schemas/*.json).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';

const SCHEMAS = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

/** Loads every schemas/*-strict.json bundle into one set of definitions (KEDA's refer to Kubernetes' ObjectMeta). */
export function loadBundles(dir = SCHEMAS) {
  const bundles = readdirSync(dir).filter((file) => file.endsWith('-strict.json')).sort()
    .map((file) => ({ file, ...JSON.parse(readFileSync(join(dir, file), 'utf8')) }));
  return {
    sources: bundles.map((bundle) => bundle.file.replace('-strict.json', '')),
    kinds: Object.assign({}, ...bundles.map((bundle) => bundle.kinds)),
    definitions: Object.assign({}, ...bundles.map((bundle) => bundle.definitions)),
  };
}

export class SchemaValidator {
  #ajv;
  #kinds;
  #compiled = new Map();

  constructor(bundles = loadBundles()) {
    this.sources = bundles.sources;
    this.#kinds = bundles.kinds;
    this.#ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
    this.#ajv.addKeyword({ keyword: 'x-kubernetes-list-map-keys', type: 'array', validate: uniqueByKeys, errors: true });
    this.#ajv.addSchema({ $id: 'k8s', definitions: bundles.definitions });
  }

  /** Problems of one manifest as "path: message" strings; empty when it is valid. */
  validate(manifest) {
    const key = `${manifest?.apiVersion}/${manifest?.kind}`;
    const definition = this.#kinds[key];
    if (!definition) {
      return [`no schema for apiVersion ${manifest?.apiVersion} kind ${manifest?.kind} (known: ${Object.keys(this.#kinds).join(', ')})`];
    }
    if (!this.#compiled.has(key)) {
      this.#compiled.set(key, this.#ajv.compile({ $ref: `k8s#/definitions/${definition}` }));
    }
    const check = this.#compiled.get(key);
    return check(withoutNulls(manifest)) ? [] : describeAll(check.errors);
  }
}

// Kubernetes reads a null field as an absent one.
function withoutNulls(value) {
  if (Array.isArray(value)) {
    return value.map(withoutNulls);
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
  }
  return value;
}

// Server-side apply refuses a list-map (env, ports, containers, ...) with two items of the same key.
function uniqueByKeys(keys, items) {
  const seen = new Set();
  for (const item of items) {
    const id = JSON.stringify(keys.map((key) => item?.[key]));
    if (seen.has(id)) {
      uniqueByKeys.errors = [{ keyword: 'x-kubernetes-list-map-keys', message: `two items with the same ${keys.join('+')}`, params: { keys } }];
      return false;
    }
    seen.add(id);
  }
  return true;
}

// An anyOf (IntOrString, Quantity) fails with one error per branch: report it once, by its type name.
function describeAll(errors) {
  const anyOf = new Map(errors.filter((e) => e.keyword === 'anyOf').map((e) => [e.instancePath, e]));
  const messages = errors
    .filter((e) => e.keyword === 'anyOf' || !anyOf.has(e.instancePath))
    .map((e) => (e.keyword === 'anyOf' ? `${e.instancePath}: not a valid ${typeName(e.schemaPath)}` : describe(e)));
  return [...new Set(messages)];
}

function typeName(schemaPath) {
  const match = schemaPath.match(/definitions\/([^/]+)\/anyOf$/);
  return match ? match[1].split('.').pop() : 'value';
}

function describe(error) {
  const path = error.instancePath || '/';
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path}: unknown field "${error.params.additionalProperty}"`;
    default:
      return `${path}: ${error.message}`;
  }
}
