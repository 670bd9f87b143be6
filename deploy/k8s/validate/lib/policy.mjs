// Rules across manifests that a schema cannot express: references resolve, every workload is
// hardened, probed, budgeted and sized, and autoscalers are coherent. Each rule returns messages.
import { Resources, containers, id, podLabels, podSpec, selects } from './resources.mjs';

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PriorityClass']);

/**
 * @param manifests   every manifest of one rendered overlay
 * @param minReplicas the fewest instances each workload must run with (production: 2)
 */
export function checkPolicy(manifests, { minReplicas = 1 } = {}) {
  const resources = new Resources(manifests);
  return [
    ...unique(resources),
    ...oneNamespace(resources),
    ...resources.workloads.flatMap((workload) => [
      ...hardened(workload),
      ...probedAndSized(workload),
      ...references(resources, workload),
      ...budgeted(resources, workload),
      ...replicas(resources, workload, minReplicas),
    ]),
    ...resources.ofKind('Service').flatMap((service) => routed(resources, service)),
    ...resources.ofKind('PodDisruptionBudget').flatMap((budget) => evictable(resources, budget)),
    ...[...resources.ofKind('ScaledObject'), ...resources.ofKind('HorizontalPodAutoscaler')]
      .flatMap((autoscaler) => scaling(resources, autoscaler)),
  ];
}

function unique(resources) {
  const seen = new Set();
  return resources.all.flatMap((m) => {
    const key = `${m.apiVersion} ${id(m)} in ${m.metadata?.namespace ?? '(default)'}`;
    return seen.has(key) ? [`${key}: defined twice`] : (seen.add(key), []);
  });
}

// Kustomize sets the namespace only on what its own overlay renders; a resource added above it lands
// in the default namespace, out of reach of the references of the others.
function oneNamespace(resources) {
  const namespaced = resources.all.filter((m) => !CLUSTER_SCOPED.has(m.kind));
  const namespaces = new Set(namespaced.map((m) => m.metadata?.namespace ?? '(none)'));
  const created = resources.ofKind('Namespace').map((m) => m.metadata.name);
  if (namespaces.size > 1) {
    return namespaced.filter((m) => !m.metadata?.namespace)
      .map((m) => `${id(m)}: has no namespace, the others have ${[...namespaces].join(', ')}`);
  }
  const [namespace] = namespaces;
  return created.length > 0 && namespace && !created.includes(namespace)
    ? [`the resources are in namespace ${namespace}, but the render creates ${created.join(', ')}`]
    : [];
}

function hardened(workload) {
  const pod = podSpec(workload).securityContext ?? {};
  const problems = [];
  if (pod.runAsNonRoot !== true) {
    problems.push('pod securityContext.runAsNonRoot must be true');
  }
  for (const container of containers(workload)) {
    const context = container.securityContext ?? {};
    const seccomp = context.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      problems.push(`container ${container.name}: seccompProfile must be RuntimeDefault`);
    }
    if (context.allowPrivilegeEscalation !== false) {
      problems.push(`container ${container.name}: allowPrivilegeEscalation must be false`);
    }
    if (!(context.capabilities?.drop ?? []).includes('ALL')) {
      problems.push(`container ${container.name}: capabilities must drop ALL`);
    }
    if (context.readOnlyRootFilesystem !== true) {
      problems.push(`container ${container.name}: readOnlyRootFilesystem must be true`);
    } else if (!(container.volumeMounts ?? []).some((mount) => mount.mountPath === '/tmp')) {
      problems.push(`container ${container.name}: a read-only root needs a volume on /tmp`);
    }
  }
  return problems.map((problem) => `${id(workload)}: ${problem}`);
}

function probedAndSized(workload) {
  const problems = [];
  for (const container of containers(workload)) {
    const ports = new Set((container.ports ?? []).flatMap((port) => [port.name, port.containerPort]));
    for (const probe of ['readinessProbe', 'livenessProbe']) {
      const port = container[probe]?.httpGet?.port ?? container[probe]?.tcpSocket?.port;
      if (!container[probe]) {
        problems.push(`container ${container.name}: no ${probe}`);
      } else if (port !== undefined && !ports.has(port)) {
        problems.push(`container ${container.name}: ${probe} port ${port} is not a port of the container`);
      }
    }
    const resources = container.resources ?? {};
    for (const [section, name] of [['requests', 'cpu'], ['requests', 'memory'], ['limits', 'memory']]) {
      if (resources[section]?.[name] === undefined) {
        problems.push(`container ${container.name}: no resources.${section}.${name}`);
      }
    }
  }
  return problems.map((problem) => `${id(workload)}: ${problem}`);
}

function references(resources, workload) {
  const spec = podSpec(workload);
  const problems = [];
  const configMaps = [
    ...(spec.volumes ?? []).map((volume) => volume.configMap?.name),
    ...containers(workload).flatMap((c) => (c.envFrom ?? []).map((source) => source.configMapRef?.name)),
    ...containers(workload).flatMap((c) => (c.env ?? []).map((v) => v.valueFrom?.configMapKeyRef?.name)),
  ].filter(Boolean);
  for (const name of configMaps) {
    if (!resources.named('ConfigMap', name)) {
      problems.push(`ConfigMap ${name} is not defined`);
    }
  }
  const account = spec.serviceAccountName;
  if (account && !resources.named('ServiceAccount', account)) {
    problems.push(`ServiceAccount ${account} is not defined`);
  }
  if (workload.kind === 'StatefulSet') {
    const service = resources.named('Service', workload.spec.serviceName);
    if (service?.spec?.clusterIP !== 'None') {
      problems.push(`serviceName ${workload.spec.serviceName} must be a headless Service of the render`);
    }
  }
  return problems.map((problem) => `${id(workload)}: ${problem}`);
}

function budgeted(resources, workload) {
  const budgets = resources.ofKind('PodDisruptionBudget').filter((b) => selects(b.spec?.selector, podLabels(workload)));
  return budgets.length === 1 ? [] : [`${id(workload)}: needs exactly one PodDisruptionBudget, has ${budgets.length}`];
}

function replicas(resources, workload, minReplicas) {
  const autoscaler = resources.autoscalerOf(workload);
  const problems = [];
  if (autoscaler && workload.spec?.replicas !== undefined) {
    problems.push(`sets spec.replicas although ${id(autoscaler)} scales it: every apply would reset the replicas`);
  }
  const fewest = resources.minReplicas(workload);
  if (fewest < minReplicas) {
    problems.push(`runs with ${fewest} replica(s) at least, this overlay needs ${minReplicas}`);
  }
  return problems.map((problem) => `${id(workload)}: ${problem}`);
}

function routed(resources, service) {
  const backends = resources.workloads.filter((w) => selects(service.spec?.selector, podLabels(w)));
  if (backends.length === 0) {
    return [`${id(service)}: its selector matches no workload`];
  }
  return (service.spec.ports ?? []).flatMap((port) => {
    const target = port.targetPort ?? port.port;
    const served = backends.every((w) => containers(w).some((c) => (c.ports ?? [])
      .some((p) => p.name === target || p.containerPort === target)));
    return served ? [] : [`${id(service)}: targetPort ${target} is not a container port of its pods`];
  });
}

function evictable(resources, budget) {
  const selected = resources.workloads.filter((w) => selects(budget.spec?.selector, podLabels(w)));
  if (selected.length === 0) {
    return [`${id(budget)}: its selector matches no workload`];
  }
  const { minAvailable } = budget.spec;
  return selected
    .filter((w) => Number.isInteger(minAvailable) && minAvailable >= resources.minReplicas(w))
    .map((w) => `${id(budget)}: minAvailable ${minAvailable} with ${resources.minReplicas(w)} replica(s) of ${id(w)} blocks every node drain`);
}

function scaling(resources, autoscaler) {
  const ref = autoscaler.spec?.scaleTargetRef ?? {};
  const target = resources.named(ref.kind ?? 'Deployment', ref.name);
  const [min, max] = autoscaler.kind === 'ScaledObject'
    ? [autoscaler.spec.minReplicaCount ?? 0, autoscaler.spec.maxReplicaCount ?? 100]
    : [autoscaler.spec.minReplicas ?? 1, autoscaler.spec.maxReplicas];
  const problems = [];
  if (!target) {
    problems.push(`scaleTargetRef ${ref.kind ?? 'Deployment'}/${ref.name} is not defined`);
  }
  if (min > max) {
    problems.push(`minimum ${min} is above maximum ${max}`);
  }
  return problems.map((problem) => `${id(autoscaler)}: ${problem}`);
}
