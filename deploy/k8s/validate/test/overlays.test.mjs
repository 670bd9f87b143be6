// The overlays as committed are valid, and validation rejects each kind of mistake it exists for.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { validateText } from '../validate.mjs';
import { K8S, find, manifestsOf, render, renderOverlay, toText } from './support/render.mjs';

const OVERLAYS = { dev: 1, production: 2, 'production-hpa': 2 };
const VALIDATE = join(K8S, 'validate', 'validate.mjs');

describe('committed overlays', () => {
  for (const [overlay, minReplicas] of Object.entries(OVERLAYS)) {
    it(`${overlay} renders and is valid`, () => {
      assert.deepEqual(validateText(renderOverlay(overlay), { minReplicas }), []);
    });
  }
});

/** Renders production, applies one change and returns the problems validation finds. */
function problemsAfter(change, { overlay = 'production', minReplicas = OVERLAYS[overlay] } = {}) {
  const manifests = manifestsOf(renderOverlay(overlay));
  change(manifests);
  return validateText(toText(manifests), { minReplicas });
}

function assertFinds(problems, expected) {
  assert.ok(problems.some((problem) => problem.includes(expected)),
    `expected a problem containing "${expected}", got:\n${problems.join('\n')}`);
}

const app = (manifests, kind, name) => find(manifests, kind, name).spec.template.spec.containers[0];

describe('schema violations are rejected', () => {
  it('a misspelt field', () => {
    assertFinds(problemsAfter((m) => {
      const container = app(m, 'Deployment', 'wecom-relay-ingress');
      container.readinesProbe = container.readinessProbe;
    }), 'Deployment/wecom-relay-ingress: /spec/template/spec/containers/0: unknown field "readinesProbe"');
  });

  it('a string where an integer belongs', () => {
    assertFinds(problemsAfter((m) => { find(m, 'StatefulSet', 'wecom-relay-processor').spec.replicas = 'two'; }),
      'StatefulSet/wecom-relay-processor: /spec/replicas: must be integer');
  });

  it('a malformed quantity', () => {
    assertFinds(problemsAfter((m) => { app(m, 'Deployment', 'wecom-relay-responder').resources.limits.memory = '512Mx'; }),
      '/resources/limits/memory: not a valid Quantity');
  });

  it('a missing required field', () => {
    assertFinds(problemsAfter((m) => { delete app(m, 'Deployment', 'wecom-relay-llm-worker').name; }),
      "/spec/template/spec/containers/0: must have required property 'name'");
  });

  it('a duplicate environment variable', () => {
    assertFinds(problemsAfter((m) => {
      const container = app(m, 'Deployment', 'wecom-relay-ingress');
      container.env.push({ name: 'SERVER_PORT', value: '8081' });
    }), '/spec/template/spec/containers/0/env: two items with the same name');
  });

  it('a kind without a schema', () => {
    assertFinds(problemsAfter((m) => { find(m, 'Deployment', 'wecom-relay-ingress').kind = 'Deploymnet'; }),
      'no schema for apiVersion apps/v1 kind Deploymnet');
  });

  it('a number in a KEDA trigger, whose metadata are strings', () => {
    assertFinds(problemsAfter((m) => { find(m, 'ScaledObject', 'wecom-relay-llm-worker').spec.triggers[0].metadata.lagThreshold = 128; }),
      'ScaledObject/wecom-relay-llm-worker: /spec/triggers/0/metadata/lagThreshold: must be string');
  });

  it('an unknown ScaledObject field', () => {
    assertFinds(problemsAfter((m) => { find(m, 'ScaledObject', 'wecom-relay-responder').spec.maxReplicas = 4; }),
      'ScaledObject/wecom-relay-responder: /spec: unknown field "maxReplicas"');
  });
});

describe('rules across manifests', () => {
  it('resources outside the namespace the render creates', () => {
    assertFinds(problemsAfter((m) => { find(m, 'Namespace', 'wecom-relay').metadata.name = 'relay'; }),
      'the resources are in namespace wecom-relay, but the render creates relay');
  });

  it('more scaled instances than partitions', () => {
    assertFinds(problemsAfter((m) => { find(m, 'ScaledObject', 'wecom-relay-llm-worker').spec.maxReplicaCount = 12; }),
      'max replicas 12 exceed the 6 partitions of wecom.accepted');
  });

  it('more HPA instances than partitions', () => {
    assertFinds(problemsAfter((m) => { find(m, 'HorizontalPodAutoscaler', 'wecom-relay-responder').spec.maxReplicas = 7; },
      { overlay: 'production-hpa' }), 'max replicas 7 exceed the 6 partitions of wecom.chunks');
  });

  it('services that would create one topic with different partitions', () => {
    assertFinds(problemsAfter((m) => { find(m, 'ConfigMap', 'wecom-relay-env').data.RELAY_WORKER_TOPICS_PARTITIONS_WECOM_ACCEPTED = '12'; }),
      'partitions of wecom.accepted disagree');
  });

  it('a trigger on another consumer group than the service uses', () => {
    assertFinds(problemsAfter((m) => { find(m, 'ScaledObject', 'wecom-relay-responder').spec.triggers[1].metadata.consumerGroup = 'responder'; }),
      'consumerGroup responder is not the group of Deployment/wecom-relay-responder');
  });

  it('a scaled Deployment that sets its own replicas', () => {
    assertFinds(problemsAfter((m) => { find(m, 'Deployment', 'wecom-relay-llm-worker').spec.replicas = 3; }),
      'sets spec.replicas although ScaledObject/wecom-relay-llm-worker scales it');
  });

  it('too few replicas for production', () => {
    assertFinds(problemsAfter((m) => { find(m, 'Deployment', 'wecom-relay-ingress').spec.replicas = 1; }),
      'Deployment/wecom-relay-ingress: runs with 1 replica(s) at least, this overlay needs 2');
  });

  it('a budget that blocks every drain', () => {
    assertFinds(problemsAfter((m) => { find(m, 'PodDisruptionBudget', 'wecom-relay-processor').spec.minAvailable = 2; }),
      'minAvailable 2 with 2 replica(s) of StatefulSet/wecom-relay-processor blocks every node drain');
  });

  it('a workload without a budget', () => {
    const problems = problemsAfter((m) => {
      find(m, 'PodDisruptionBudget', 'wecom-relay-responder').spec.selector.matchLabels['app.kubernetes.io/name'] = 'responder';
    });
    assertFinds(problems, 'Deployment/wecom-relay-responder: needs exactly one PodDisruptionBudget, has 0');
    assertFinds(problems, 'PodDisruptionBudget/wecom-relay-responder: its selector matches no workload');
  });

  it('a Service port the pods do not have', () => {
    assertFinds(problemsAfter((m) => { find(m, 'Service', 'wecom-relay-ingress').spec.ports[0].targetPort = 'web'; }),
      'Service/wecom-relay-ingress: targetPort web is not a container port of its pods');
  });

  it('a probe on a port the container does not have', () => {
    assertFinds(problemsAfter((m) => { app(m, 'Deployment', 'wecom-relay-ingress').readinessProbe.httpGet.port = 8081; }),
      'readinessProbe port 8081 is not a port of the container');
  });

  it('a writable root filesystem and escalation', () => {
    const problems = problemsAfter((m) => {
      const context = app(m, 'StatefulSet', 'wecom-relay-processor').securityContext;
      context.readOnlyRootFilesystem = false;
      context.allowPrivilegeEscalation = true;
    });
    assertFinds(problems, 'container app: readOnlyRootFilesystem must be true');
    assertFinds(problems, 'container app: allowPrivilegeEscalation must be false');
  });

  it('a JVM without a heap bound', () => {
    assertFinds(problemsAfter((m) => {
      const container = app(m, 'Deployment', 'wecom-relay-responder');
      container.env = container.env.filter((variable) => variable.name !== 'JAVA_TOOL_OPTIONS');
    }), 'JAVA_TOOL_OPTIONS must set -XX:MaxRAMPercentage');
  });

  it('a missing ConfigMap', () => {
    assertFinds(problemsAfter((m) => { m.splice(m.indexOf(find(m, 'ConfigMap', 'wecom-relay-env')), 1); }),
      'ConfigMap wecom-relay-env-');
  });

  it('a bots file reference no environment provides', () => {
    assertFinds(problemsAfter((m) => {
      const bots = find(m, 'ConfigMap', 'wecom-relay-bots');
      bots.data['bots.yaml'] = bots.data['bots.yaml'].replace('${DIFY_API_KEY}', '${DEMO_DIFY_KEY}');
    }, { overlay: 'dev' }), 'the bots file needs DEMO_DIFY_KEY, which its environment lacks');
  });
});

describe('the command line', () => {
  it('fails on the broken fixture and names its problems', () => {
    const result = spawnSync(process.execPath, [VALIDATE, join(K8S, 'validate', 'test', 'fixtures', 'broken.yaml')], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /INVALID .*broken\.yaml/);
    assert.match(result.stderr, /Deployment\/broken: \/spec\/template\/spec\/containers\/0: unknown field "imagePullPolicyy"/);
    assert.match(result.stderr, /Deployment\/broken: \/spec\/replicas: must be integer/);
  });

  it('fails on an overlay whose kustomize patch breaks a manifest', () => {
    const overlay = mkdtempSync(join(tmpdir(), 'broken-overlay-'));
    writeFileSync(join(overlay, 'kustomization.yaml'), [
      'resources:', `  - ${relative(overlay, join(K8S, 'overlays', 'production'))}`,
      'patches:', '  - target: {kind: StatefulSet, name: wecom-relay-processor}',
      '    patch: |-', '      - op: add', '        path: /spec/template/spec/containers/0/resource', '        value: {}', '',
    ].join('\n'));
    const rendered = join(overlay, 'rendered.yaml');
    writeFileSync(rendered, render(overlay));
    const result = spawnSync(process.execPath, [VALIDATE, '--min-replicas', '2', rendered], { encoding: 'utf8' });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /StatefulSet\/wecom-relay-processor: .*unknown field "resource"/);
  });

  it('passes a valid render', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dev-')), 'dev.yaml');
    writeFileSync(file, renderOverlay('dev'));
    const result = spawnSync(process.execPath, [VALIDATE, file], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /valid .*dev\.yaml \(schemas: keda-v2\.16\.1, kubernetes-v1\.31\)/);
  });
});
