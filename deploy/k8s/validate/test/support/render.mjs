// Renders overlays for the tests with the kubectl that check.sh chose (KUBECTL) or the one on PATH.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

export const K8S = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const rendered = new Map();

export function render(directory) {
  return execFileSync(process.env.KUBECTL ?? 'kubectl', ['kustomize', directory], { encoding: 'utf8' });
}

/** Renders a committed overlay once per test run. */
export function renderOverlay(name) {
  if (!rendered.has(name)) {
    rendered.set(name, render(join(K8S, 'overlays', name)));
  }
  return rendered.get(name);
}

/** The rendered manifests as objects, to change one and serialize them again with {@link toText}. */
export function manifestsOf(text) {
  return YAML.parseAllDocuments(text).map((document) => document.toJS());
}

export function toText(manifests) {
  return manifests.map((manifest) => YAML.stringify(manifest)).join('---\n');
}

export function find(manifests, kind, name) {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name.startsWith(name));
  if (!found) {
    throw new Error(`${kind}/${name} is not in the render`);
  }
  return found;
}
