// Read-only views over a rendered set of manifests, shared by the rule modules.

export const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet']);

export function id(manifest) {
  return `${manifest.kind}/${manifest.metadata?.name}`;
}

export function podSpec(workload) {
  return workload.spec?.template?.spec ?? {};
}

export function podLabels(workload) {
  return workload.spec?.template?.metadata?.labels ?? {};
}

export function containers(workload) {
  return podSpec(workload).containers ?? [];
}

/** True when a matchLabels-only selector (all this project uses) selects the labels. */
export function selects(selector, labels) {
  const wanted = Object.entries(selector?.matchLabels ?? selector ?? {});
  return wanted.length > 0 && wanted.every(([key, value]) => labels[key] === value);
}

export class Resources {
  constructor(manifests) {
    this.all = manifests;
    this.workloads = manifests.filter((m) => WORKLOAD_KINDS.has(m.kind));
  }

  ofKind(kind) {
    return this.all.filter((m) => m.kind === kind);
  }

  named(kind, name) {
    return this.all.find((m) => m.kind === kind && m.metadata?.name === name);
  }

  /** The ScaledObject or HPA that sets a workload's replicas, if any. */
  autoscalerOf(workload) {
    return this.all.find((m) => (m.kind === 'ScaledObject' || m.kind === 'HorizontalPodAutoscaler')
      && m.spec?.scaleTargetRef?.name === workload.metadata.name
      && (m.spec.scaleTargetRef.kind ?? 'Deployment') === workload.kind);
  }

  /** The fewest replicas a workload runs with: its autoscaler's minimum, else spec.replicas (default 1). */
  minReplicas(workload) {
    const autoscaler = this.autoscalerOf(workload);
    if (autoscaler?.kind === 'ScaledObject') {
      return autoscaler.spec.minReplicaCount ?? 0;
    }
    if (autoscaler) {
      return autoscaler.spec.minReplicas ?? 1;
    }
    return workload.spec?.replicas ?? 1;
  }

  /**
   * A container's environment as far as the render tells: envFrom ConfigMaps and Secrets, then env
   * values. `complete` is false when an envFrom Secret is not part of the render (created elsewhere).
   */
  environment(container) {
    const values = {};
    let complete = true;
    for (const source of container.envFrom ?? []) {
      const ref = source.configMapRef ?? source.secretRef;
      const found = this.named(source.configMapRef ? 'ConfigMap' : 'Secret', ref?.name);
      if (!found) {
        complete = false;
        continue;
      }
      for (const [key, value] of Object.entries({ ...found.data, ...found.stringData })) {
        values[`${source.prefix ?? ''}${key}`] = source.secretRef ? '(secret)' : value;
      }
    }
    for (const variable of container.env ?? []) {
      values[variable.name] = variable.value ?? '(from a reference)';
    }
    return { values, complete };
  }
}
