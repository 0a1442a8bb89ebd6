import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { aggregateTypes } from '@eventide/domain';
import { infraSettings } from '@eventide/local-infra';
import { consumerGroupFor, kafkaEnv, topicFor } from '@eventide/messaging';
import { consumerTimeouts, deadLetterTopic } from '@eventide/projections';
import { commonServiceEnv, dependencyEnv, healthPaths, httpTimeouts, serviceCatalogue, serviceNames, type ServiceName } from '@eventide/service-kit';
import { ensureDeployTools, type DeployTools } from './toolchain';
import { renderChart } from './render';

// The chart is checked against what the apps themselves read: the service catalogue (names, ports,
// port variables, dependencies, consumer groups), the variables the services read, the topic and
// group naming, and the shutdown timings. A rename on either side fails here, not in a cluster.

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const { workspaceRoot } = infraSettings();
const exampleValues = (name: string) => parse(readFileSync(join(workspaceRoot, 'deploy/helm/eventide/ci', `${name}-values.yaml`), 'utf8')) as object;
const fullname = 'eventide'; // release "eventide" of chart "eventide"
const preStopSeconds = 5;

let tools: DeployTools;
const rendered: Record<string, Doc[]> = {};
const render = async (values: object) => (await renderChart(values, { tools })).documents as Doc[];
const ofKind = (docs: Doc[], kind: string) => docs.filter((d) => d['kind'] === kind);
const named = (docs: Doc[], kind: string, name: string) => {
  const found = docs.find((d) => d['kind'] === kind && d['metadata']?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} rendered`);
  return found;
};

beforeAll(async () => {
  tools = await ensureDeployTools();
  for (const example of ['default', 'secured', 'hpa']) rendered[example] = await render(exampleValues(example));
}, 15 * 60_000);

describe.each(serviceNames)('the %s Deployment', (name: ServiceName) => {
  const descriptor = serviceCatalogue[name];
  const deployment = () => named(rendered['default'] as Doc[], 'Deployment', `${fullname}-${name}`);
  const container = () => deployment()['spec'].template.spec.containers[0] as Doc;

  it('runs this app from the one image, listening on its port through its own variable', () => {
    expect(container()['args']).toEqual([name]);
    expect(container()['ports']).toEqual([{ name: 'http', containerPort: descriptor.defaultPort, protocol: 'TCP' }]);
    expect(container()['env']).toContainEqual({ name: descriptor.portEnv, value: String(descriptor.defaultPort) });
  });

  it('probes the real health endpoints on that port', () => {
    expect(container()['startupProbe'].httpGet).toEqual({ path: healthPaths.live, port: 'http' });
    expect(container()['livenessProbe'].httpGet).toEqual({ path: healthPaths.live, port: 'http' });
    expect(container()['readinessProbe'].httpGet).toEqual({ path: healthPaths.ready, port: 'http' });
  });

  it('is reached through a Service and protected by a PodDisruptionBudget that select its pods', () => {
    const podLabels = deployment()['spec'].template.metadata.labels as Record<string, string>;
    const service = named(rendered['default'] as Doc[], 'Service', `${fullname}-${name}`);
    expect(service['spec'].ports).toEqual([{ name: 'http', port: descriptor.defaultPort, targetPort: 'http', protocol: 'TCP' }]);
    const pdb = named(rendered['default'] as Doc[], 'PodDisruptionBudget', `${fullname}-${name}`);
    for (const selector of [service['spec'].selector, pdb['spec'].selector.matchLabels, deployment()['spec'].selector.matchLabels]) {
      expect(Object.entries(selector as object).every(([k, v]) => podLabels[k] === v)).toBe(true);
    }
  });

  it('is given every server it needs, through the ConfigMap or the Secret', () => {
    const config = named(rendered['default'] as Doc[], 'ConfigMap', `${fullname}-config`)['data'] as Record<string, string>;
    const secret = named(rendered['default'] as Doc[], 'Secret', `${fullname}-secrets`)['stringData'] as Record<string, string>;
    for (const need of descriptor.needs) expect([need, config[dependencyEnv[need]] ?? secret[dependencyEnv[need]]]).toEqual([need, expect.any(String)]);
    expect(container()['envFrom']).toEqual([{ configMapRef: { name: `${fullname}-config` } }, { secretRef: { name: `${fullname}-secrets` } }]);
  });

  it('stops within its termination grace period: in-flight requests or the chunk in hand, commit and leave', () => {
    const grace = deployment()['spec'].template.spec.terminationGracePeriodSeconds as number;
    if (descriptor.consumerGroups.length && name.startsWith('projector-')) expect(grace).toBeGreaterThan(consumerTimeouts.sessionTimeout / 1000);
    else expect(grace).toBeGreaterThan(httpTimeouts.requestMs / 1000 + preStopSeconds);
  });
});

describe('configuration', () => {
  const known = new Set<string>([...serviceNames.map((n) => serviceCatalogue[n].portEnv), ...Object.values(dependencyEnv), ...commonServiceEnv]);

  it.each(['default', 'secured', 'hpa'])('sets only variables the services read (%s values)', (example) => {
    const docs = rendered[example] as Doc[];
    const names = [
      ...ofKind(docs, 'ConfigMap').flatMap((c) => Object.keys(c['data'] ?? {})),
      ...ofKind(docs, 'Secret').flatMap((s) => Object.keys(s['stringData'] ?? {})),
      ...[...ofKind(docs, 'Deployment'), ...ofKind(docs, 'Job')].flatMap((d) => (d['spec'].template.spec.containers as Doc[]).flatMap((c) => ((c['env'] ?? []) as Doc[]).map((e) => e['name'] as string))),
    ];
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
  });

  it('passes Kafka TLS files at paths that are mounted from the named secrets, and SASL through the Secret', () => {
    const docs = rendered['secured'] as Doc[];
    const config = named(docs, 'ConfigMap', `${fullname}-config`)['data'] as Record<string, string>;
    const secret = named(docs, 'Secret', `${fullname}-secrets`)['stringData'] as Record<string, string>;
    expect(kafkaEnv.filter((n) => config[n] === undefined && secret[n] === undefined)).toEqual([]);
    for (const workload of [...ofKind(docs, 'Deployment'), ...ofKind(docs, 'Job')]) {
      const spec = workload['spec'].template.spec as Doc;
      const mounts = (spec['containers'][0].volumeMounts as Doc[]).map((m) => ({ path: m['mountPath'] as string, volume: (spec['volumes'] as Doc[]).find((v) => v['name'] === m['name']) as Doc }));
      for (const variable of ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const) {
        const file = config[variable] as string;
        const mount = mounts.find((m) => file.startsWith(`${m.path}/`));
        expect([workload['metadata'].name, variable, mount?.volume['secret']?.items.some((i: Doc) => `${mount.path}/${i['path']}` === file)]).toEqual([workload['metadata'].name, variable, true]);
      }
    }
  });
});

describe('projector autoscaling', () => {
  const projectors = serviceNames.filter((n) => n.startsWith('projector-'));
  const partitions = (docs: Doc[]) => Number((named(docs, 'ConfigMap', `${fullname}-config`)['data'] as Record<string, string>)['KAFKA_PARTITIONS']);

  it.each(projectors)('KEDA scales %s on its own consumer group, from at least 1 to at most the partition count', (name) => {
    const docs = rendered['default'] as Doc[];
    const scaled = named(docs, 'ScaledObject', `${fullname}-${name}`)['spec'] as Doc;
    expect(scaled['scaleTargetRef'].name).toBe(`${fullname}-${name}`);
    expect(scaled['triggers'][0].metadata.consumerGroup).toBe(consumerGroupFor(serviceCatalogue[name].consumerGroups[0] as string));
    expect(scaled['minReplicaCount']).toBeGreaterThanOrEqual(1);
    expect(scaled['maxReplicaCount']).toBeLessThanOrEqual(partitions(docs));
    expect(named(docs, 'Deployment', `${fullname}-${name}`)['spec'].replicas).toBeUndefined(); // the autoscaler owns it
  });

  it.each(projectors)('the plain HPA alternative scales %s on its group lag within the same bounds', (name) => {
    const docs = rendered['hpa'] as Doc[];
    const hpa = named(docs, 'HorizontalPodAutoscaler', `${fullname}-${name}`)['spec'] as Doc;
    expect(hpa['scaleTargetRef']).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `${fullname}-${name}` });
    expect(hpa['metrics'][0].external.metric.selector.matchLabels.group).toBe(consumerGroupFor(serviceCatalogue[name].consumerGroups[0] as string));
    expect(hpa['minReplicas']).toBeGreaterThanOrEqual(1);
    expect(hpa['maxReplicas']).toBeLessThanOrEqual(partitions(docs));
  });

  it('authenticates KEDA to a secured cluster with the keys the services use', () => {
    const docs = rendered['secured'] as Doc[];
    const auth = named(docs, 'TriggerAuthentication', `${fullname}-kafka`)['spec'].secretTargetRef as Doc[];
    expect(auth.map((r) => r['parameter']).sort()).toEqual(['ca', 'cert', 'key', 'password', 'username']);
    const secret = named(docs, 'Secret', `${fullname}-secrets`)['stringData'] as Record<string, string>;
    for (const ref of auth.filter((r) => r['name'] === `${fullname}-secrets`)) expect(secret[ref['key']]).toBeDefined();
    for (const name of projectors) {
      const trigger = named(docs, 'ScaledObject', `${fullname}-${name}`)['spec'].triggers[0] as Doc;
      expect(trigger['authenticationRef']).toEqual({ name: `${fullname}-kafka` });
      expect(trigger['metadata']).toMatchObject({ sasl: 'scram_sha512', tls: 'enable' });
    }
  });

  it('follows a changed partition count everywhere, and refuses a replica cap above it', async () => {
    const docs = await render({ ...exampleValues('secured'), kafka: { ...(exampleValues('secured') as Doc)['kafka'], partitions: 24 }, autoscaling: { maxReplicas: 24 } });
    expect(partitions(docs)).toBe(24);
    expect(ofKind(docs, 'KafkaTopic').map((t) => t['spec'].partitions)).toEqual([24, 24, 24, 24]);
    expect(ofKind(docs, 'ScaledObject').map((s) => s['spec'].maxReplicaCount)).toEqual([24, 24]);
    await expect(render({ ...exampleValues('default'), autoscaling: { maxReplicas: 13 } })).rejects.toThrow(/exceeds kafka.partitions \(12\)/);
    await expect(render({ ...exampleValues('default'), autoscaling: { minReplicas: 0 } })).rejects.toThrow(/minReplicas/);
  }, 60_000);
});

describe('topics', () => {
  it('declares exactly the topics the services use, with the configured partition count', () => {
    const docs = rendered['secured'] as Doc[];
    const topics = ofKind(docs, 'KafkaTopic');
    const expected = [...Object.values(aggregateTypes).map((t) => topicFor(t, 'eventide.')), ...serviceNames.filter((n) => n.startsWith('projector-')).map((n) => deadLetterTopic(n, 'eventide.'))];
    expect(topics.map((t) => t['spec'].topicName).sort()).toEqual(expected.sort());
    expect(new Set(topics.map((t) => t['spec'].partitions))).toEqual(new Set([12]));
    expect(new Set(topics.map((t) => t['metadata'].labels['strimzi.io/cluster']))).toEqual(new Set(['eventide']));
  });

  it('names the consumer groups the services join in its alerts', () => {
    const rule = ofKind(rendered['secured'] as Doc[], 'PrometheusRule')[0] as Doc;
    const exprs = (rule['spec'].groups as Doc[]).flatMap((g) => (g['rules'] as Doc[]).map((r) => r['expr'] as string)).join('\n');
    for (const name of serviceNames) for (const group of serviceCatalogue[name].consumerGroups) expect(exprs).toContain(consumerGroupFor(group, 'eventide.'));
  });
});

describe('the route and the network policies', () => {
  it('presents both APIs on one host: POST to the command service, GET and HEAD to the query gateway', () => {
    const route = ofKind(rendered['secured'] as Doc[], 'HTTPRoute')[0]?.['spec'] as Doc;
    expect(route['hostnames']).toHaveLength(1);
    const backendFor = (method: string) =>
      (route['rules'] as Doc[]).filter((r) => (r['matches'] as Doc[]).some((m) => m['method'] === method && m['path'].value === '/v1')).map((r) => r['backendRefs'][0]);
    expect(backendFor('POST')).toEqual([{ name: `${fullname}-command-service`, port: serviceCatalogue['command-service'].defaultPort }]);
    expect(backendFor('GET')).toEqual([{ name: `${fullname}-query-gateway`, port: serviceCatalogue['query-gateway'].defaultPort }]);
    expect(backendFor('HEAD')).toEqual(backendFor('GET'));
  });

  it.each(serviceNames)('lets %s reach only DNS and the servers it uses, and accept clients only if it is an API', (name) => {
    const policy = named(rendered['default'] as Doc[], 'NetworkPolicy', `${fullname}-${name}`)['spec'] as Doc;
    const deployment = named(rendered['default'] as Doc[], 'Deployment', `${fullname}-${name}`);
    expect(deployment['spec'].template.metadata.labels).toMatchObject(policy['podSelector'].matchLabels);
    const ports = new Set((policy['egress'] as Doc[]).flatMap((rule) => (rule['ports'] as Doc[]).map((p) => p['port'] as number)));
    const kafkaPorts = [9092, 9093];
    expect(kafkaPorts.some((p) => ports.has(p))).toBe((serviceCatalogue[name].needs as readonly string[]).includes('kafka'));
    for (const need of serviceCatalogue[name].needs) expect([need, ports.has({ kafka: 9092, mongo: 27017, redis: 6379 }[need])]).toEqual([need, true]);
    const isApi = name === 'command-service' || name === 'query-gateway';
    expect((policy['ingress'] as Doc[]).length).toBe(isApi ? 2 : 1);
  });
});

describe('the operator CLI Job', () => {
  it('runs the CLI from the same image with the same configuration and secrets', () => {
    const docs = rendered['secured'] as Doc[];
    const job = ofKind(docs, 'Job')[0] as Doc;
    const cli = job['spec'].template.spec.containers[0] as Doc;
    const service = named(docs, 'Deployment', `${fullname}-query-gateway`)['spec'].template.spec.containers[0] as Doc;
    expect(cli['args']).toEqual(['operator-cli', 'rebuild', 'projector-mongo']);
    expect(cli['image']).toBe(service['image']);
    expect(cli['envFrom']).toEqual(service['envFrom']);
    expect(job['spec'].template.spec.restartPolicy).toBe('Never');
  });
});
