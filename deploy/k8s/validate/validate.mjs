#!/usr/bin/env node
// Validates rendered manifests (`kubectl kustomize OVERLAY > FILE`) offline:
//   node validate.mjs [--min-replicas N] FILE...
// Each manifest against the strict Kubernetes v1.31 and KEDA v2.16 schemas in schemas/, then the
// rules across manifests (lib/policy.mjs) and this project's own (lib/relay.mjs). Exits 1 on any problem.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { checkPolicy } from './lib/policy.mjs';
import { checkRelay } from './lib/relay.mjs';
import { SchemaValidator } from './lib/schemas.mjs';

let shared;

/** Problems of one rendered file as messages; empty when it is valid. */
export function validateText(text, { minReplicas = 1, schemas = (shared ??= new SchemaValidator()) } = {}) {
  const manifests = [];
  const problems = [];
  for (const document of YAML.parseAllDocuments(text)) {
    if (document.errors.length > 0) {
      problems.push(...document.errors.map((error) => `YAML: ${error.message}`));
      continue;
    }
    const manifest = document.toJS();
    if (manifest === null) {
      continue;
    }
    const name = `${manifest.kind}/${manifest.metadata?.name}`;
    problems.push(...schemas.validate(manifest).map((problem) => `${name}: ${problem}`));
    manifests.push(manifest);
  }
  if (problems.length > 0) {
    return problems;
  }
  return [...checkPolicy(manifests, { minReplicas }), ...checkRelay(manifests)];
}

function main() {
  const { values, positionals } = parseArgs({
    options: { 'min-replicas': { type: 'string', default: '1' } },
    allowPositionals: true,
  });
  if (positionals.length === 0) {
    console.error('usage: node validate.mjs [--min-replicas N] RENDERED.yaml...');
    process.exit(2);
  }
  const schemas = new SchemaValidator();
  let failed = false;
  for (const file of positionals) {
    const problems = validateText(readFileSync(file, 'utf8'), { minReplicas: Number(values['min-replicas']), schemas });
    if (problems.length > 0) {
      failed = true;
      console.error(`INVALID ${file}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    } else {
      console.log(`valid ${file} (schemas: ${schemas.sources.join(', ')})`);
    }
  }
  process.exit(failed ? 1 : 0);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main();
}
