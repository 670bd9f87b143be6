// Rules about wecom-relay itself: settings that must agree between the services' environment and
// the autoscalers, and the JVM's memory settings. The environment names are the services'
// Spring relaxed names (see each module's application.yaml).
import YAML from 'yaml';
import { Resources, containers, id, podSpec } from './resources.mjs';

/**
 * Every environment key that sets the partitions a topic is created with, by topic. Topics are
 * created by whichever service starts first, so the keys of one topic must agree.
 */
export const PARTITION_KEYS = {
  'wecom.inbound': ['RELAY_INGRESS_TOPICS_PARTITIONS_WECOM_INBOUND', 'RELAY_PROCESSOR_TOPICS_PARTITIONS_INBOUND',
    'RELAY_CONNECTOR_TOPICS_INBOUNDPARTITIONS'],
  'wecom.outbound': ['RELAY_RESPONDER_TOPICS_PARTITIONS', 'RELAY_CONNECTOR_TOPICS_OUTBOUNDPARTITIONS'],
  'wecom.accepted': ['RELAY_PROCESSOR_TOPICS_PARTITIONS_ACCEPTED', 'RELAY_WORKER_TOPICS_PARTITIONS_WECOM_ACCEPTED'],
  'wecom.chunks': ['RELAY_WORKER_TOPICS_PARTITIONS_WECOM_CHUNKS', 'RELAY_RESPONDER_TOPICS_PARTITIONS'],
  'wecom.rejected': ['RELAY_PROCESSOR_TOPICS_PARTITIONS_REJECTED', 'RELAY_RESPONDER_TOPICS_PARTITIONS'],
};

/** The consumer group of each scaled service: its default and the environment key that changes it. */
export const CONSUMER_GROUPS = {
  'wecom-relay-llm-worker': { group: 'wecom-relay-llm-worker', key: 'RELAY_WORKER_CONSUMER_GROUP_ID' },
  'wecom-relay-responder': { group: 'wecom-relay-responder', key: 'SPRING_KAFKA_CONSUMER_GROUP_ID' },
};

const KAFKA_TRIGGER_KEYS = ['consumerGroup', 'topic', 'lagThreshold'];
const MIN_GRACE_SECONDS = 30;

export function checkRelay(manifests) {
  const resources = new Resources(manifests);
  const partitions = topicPartitions(resources);
  return [
    ...partitions.problems,
    ...resources.workloads.flatMap((workload) => [...jvm(workload), ...botSecrets(resources, workload)]),
    ...resources.ofKind('ScaledObject').flatMap((scaled) => kafkaTriggers(resources, scaled, partitions.byTopic)),
    ...resources.ofKind('HorizontalPodAutoscaler').flatMap((hpa) => lagMetrics(hpa, partitions.byTopic)),
  ];
}

function jvm(workload) {
  const problems = [];
  if ((podSpec(workload).terminationGracePeriodSeconds ?? 30) < MIN_GRACE_SECONDS) {
    problems.push(`terminationGracePeriodSeconds below ${MIN_GRACE_SECONDS}: Kafka clients need time to close`);
  }
  for (const container of containers(workload)) {
    const options = (container.env ?? []).find((v) => v.name === 'JAVA_TOOL_OPTIONS')?.value ?? '';
    if (!/-XX:MaxRAMPercentage=\d+/.test(options)) {
      problems.push(`container ${container.name}: JAVA_TOOL_OPTIONS must set -XX:MaxRAMPercentage (heap from the memory limit)`);
    }
  }
  return problems.map((problem) => `${id(workload)}: ${problem}`);
}

function topicPartitions(resources) {
  const byTopic = {};
  const problems = [];
  for (const [topic, keys] of Object.entries(PARTITION_KEYS)) {
    const values = new Map();
    for (const workload of resources.workloads) {
      for (const container of containers(workload)) {
        const { values: env } = resources.environment(container);
        keys.filter((key) => env[key] !== undefined).forEach((key) => values.set(key, env[key]));
      }
    }
    const counts = new Set(values.values());
    if (counts.size > 1) {
      problems.push(`partitions of ${topic} disagree: ${[...values].map(([k, v]) => `${k}=${v}`).join(', ')}`);
    } else if (counts.size === 1) {
      byTopic[topic] = Number([...counts][0]);
    }
  }
  return { byTopic, problems };
}

function kafkaTriggers(resources, scaled, partitions) {
  const target = resources.named(scaled.spec?.scaleTargetRef?.kind ?? 'Deployment', scaled.spec?.scaleTargetRef?.name);
  const problems = [];
  if (scaled.spec.minReplicaCount === undefined || scaled.spec.minReplicaCount < 1) {
    problems.push('minReplicaCount must be 1 or more (the responder also drains the Redis outbox; a worker at 0 delays the first reply by a pod start)');
  }
  for (const trigger of (scaled.spec.triggers ?? []).filter((t) => t.type === 'kafka')) {
    const meta = trigger.metadata ?? {};
    const missing = KAFKA_TRIGGER_KEYS.filter((key) => !meta[key]);
    if (!meta.bootstrapServers && !meta.bootstrapServersFromEnv) {
      missing.push('bootstrapServers or bootstrapServersFromEnv');
    }
    if (missing.length > 0) {
      problems.push(`kafka trigger without ${missing.join(', ')}`);
      continue;
    }
    if (!/^[1-9]\d*$/.test(meta.lagThreshold)) {
      problems.push(`kafka trigger on ${meta.topic}: lagThreshold must be a positive integer`);
    }
    if (meta.allowIdleConsumers === 'true') {
      problems.push(`kafka trigger on ${meta.topic}: allowIdleConsumers would scale past the partitions`);
    }
    problems.push(...partitionBound(meta.topic, scaled.spec.maxReplicaCount ?? 100, partitions));
    if (target) {
      problems.push(...targetAgrees(resources, target, meta));
    }
  }
  return problems.map((problem) => `${id(scaled)}: ${problem}`);
}

function targetAgrees(resources, target, meta) {
  const problems = [];
  const { values: env, complete } = resources.environment(containers(target)[0] ?? {});
  if (meta.bootstrapServersFromEnv && env[meta.bootstrapServersFromEnv] === undefined && complete) {
    problems.push(`bootstrapServersFromEnv ${meta.bootstrapServersFromEnv} is not in the environment of ${id(target)}`);
  }
  const expected = CONSUMER_GROUPS[target.metadata.name];
  const group = expected && (env[expected.key] ?? expected.group);
  if (group && meta.consumerGroup !== group) {
    problems.push(`consumerGroup ${meta.consumerGroup} is not the group of ${id(target)} (${group})`);
  }
  return problems;
}

function partitionBound(topic, max, partitions) {
  if (partitions[topic] === undefined) {
    return [`the partitions of ${topic} are not set (${(PARTITION_KEYS[topic] ?? ['unknown topic']).join(', ')}); they bound the replicas`];
  }
  return max > partitions[topic]
    ? [`max replicas ${max} exceed the ${partitions[topic]} partitions of ${topic}: the extra consumers would idle`]
    : [];
}

function lagMetrics(hpa, partitions) {
  return (hpa.spec?.metrics ?? [])
    .map((metric) => metric.external?.metric?.selector?.matchLabels?.topic)
    .filter(Boolean)
    .flatMap((topic) => partitionBound(topic, hpa.spec.maxReplicas, partitions))
    .map((problem) => `${id(hpa)}: ${problem}`);
}

// Every ${NAME} without a default in a mounted bots file must reach the container's environment.
function botSecrets(resources, workload) {
  const problems = [];
  for (const volume of podSpec(workload).volumes ?? []) {
    const bots = resources.named('ConfigMap', volume.configMap?.name)?.data?.['bots.yaml'];
    if (!bots) {
      continue;
    }
    const names = referencesIn(YAML.parse(bots));
    for (const container of containers(workload)) {
      const { values, complete } = resources.environment(container);
      const unset = [...new Set(names)].filter((name) => values[name] === undefined);
      if (complete && unset.length > 0) {
        problems.push(`container ${container.name}: the bots file needs ${unset.join(', ')}, which its environment lacks`);
      }
    }
  }
  return problems.map((problem) => `${id(workload)}: ${problem}`);
}

function referencesIn(value) {
  if (typeof value === 'string') {
    return [...value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((match) => match[1]);
  }
  return value && typeof value === 'object' ? Object.values(value).flatMap(referencesIn) : [];
}
