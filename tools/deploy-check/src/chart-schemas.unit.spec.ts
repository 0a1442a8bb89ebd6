import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { infraSettings } from '@eventide/local-infra';
import { helmLint, kubeconform, renderChart, type KubeconformResult } from './render';
import { ensureDeployTools, type DeployTools } from './toolchain';

// The Helm chart, rendered with each family of values it offers, must be valid Kubernetes: every
// document is checked by kubeconform in strict mode (unknown fields fail) against schemas of the
// pinned Kubernetes version and of the CRDs it uses (KEDA, Strimzi, Gateway API, Prometheus
// Operator), all generated offline by ./toolchain.ts. The first run builds helm and kubeconform
// with Go (about 2 minutes on 2 cores); later runs reuse the cache.
const chartDir = process.env['DEPLOY_CHECK_CHART'] ?? join(infraSettings().workspaceRoot, 'deploy', 'helm', 'eventide');
const chartExists = existsSync(join(chartDir, 'Chart.yaml'));

type Values = Record<string, unknown>;

function merge(base: Values, override: Values): Values {
  const out: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    const bothObjects = [current, value].every((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
    out[key] = bothObjects ? merge(current as Values, value as Values) : value;
  }
  return out;
}

// What every install must provide: the chart refuses to render without credentials.
const required: Values = {
  secret: { values: { API_KEYS: 'key1=tenantA', MONGO_URL: 'mongodb://mongo:27017', REDIS_URL: 'redis://redis:6379' } },
};

const valueSets: [string, Values][] = [
  ['the defaults (KEDA autoscaling, network policies)', {}],
  ['HPA autoscaling instead of KEDA', { autoscaling: { mode: 'hpa' } }],
  ['fixed replicas (no autoscaling), no network policies', { autoscaling: { mode: 'none' }, networkPolicy: { enabled: false } }],
  ['Strimzi KafkaTopics', { topics: { strimzi: { enabled: true } } }],
  ['a Gateway API HTTPRoute', { route: { enabled: true, parentRefs: [{ name: 'public', namespace: 'gateway-system', sectionName: 'https' }] } }],
  ['a ServiceMonitor and PrometheusRule', { serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } }, prometheusRule: { enabled: true } }],
  [
    'Kafka with SASL/SCRAM and mutual TLS, with KEDA authenticating the same way',
    {
      kafka: {
        sasl: { mechanism: 'scram-sha-512' },
        tls: { enabled: true, caSecret: { name: 'eventide-cluster-ca-cert', key: 'ca.crt' }, clientSecret: { name: 'eventide-user', certKey: 'user.crt', keyKey: 'user.key' } },
      },
      secret: { values: { KAFKA_SASL_USERNAME: 'eventide', KAFKA_SASL_PASSWORD: 'secret' } },
    },
  ],
  ['Kafka with SASL/PLAIN and HPA', { kafka: { sasl: { mechanism: 'plain' } }, autoscaling: { mode: 'hpa' }, secret: { values: { KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' } } }],
  ['an operator CLI job', { cli: { run: ['rebuild', 'projector-mongo'] } }],
  ['an existing Secret, extra env, tracing and scheduling settings', {
    secret: { existingSecret: 'eventide-credentials', values: { API_KEYS: '', MONGO_URL: '', REDIS_URL: '' } },
    config: { otlpEndpoint: 'http://otel-collector.observability:4318', extraEnv: { LOG_LEVEL: 'debug' } },
    serviceAccount: { create: false, name: 'eventide' },
    podAnnotations: { 'example.com/a': 'b' },
    podLabels: { team: 'orders' },
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'eventide', effect: 'NoSchedule' }],
    priorityClassName: 'high',
    image: { digest: 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef' },
  }],
];

function describeFailures(result: KubeconformResult): string[] {
  return result.resources
    .filter((r) => r.status !== 'statusValid')
    .map((r) => `${r.kind}/${r.name} (${r.version}): ${r.status} ${r.validationErrors?.map((e) => `${e.path}: ${e.msg}`).join('; ') || r.msg}`);
}

let tools: DeployTools;
beforeAll(async () => {
  tools = await ensureDeployTools();
}, 15 * 60_000);

(chartExists ? describe : describe.skip)(`the chart at ${chartDir}`, () => {
  describe.each(valueSets)('with %s', (_, overrides) => {
    const values = merge(required, overrides);

    it('renders only resources that kubeconform finds valid in strict mode', async () => {
      const { yaml, documents } = await renderChart(values, { chartDir, tools });
      expect(documents.length).toBeGreaterThan(0);
      const result = await kubeconform(yaml, tools);
      expect(describeFailures(result)).toEqual([]);
      expect(result.summary).toEqual({ valid: documents.length, invalid: 0, errors: 0, skipped: 0 });
      expect(result.code).toBe(0);
    });

    it('passes helm lint --strict', async () => {
      const lint = await helmLint(values, { chartDir, tools });
      expect({ code: lint.code, output: lint.code === 0 ? '' : lint.stdout + lint.stderr }).toEqual({ code: 0, output: '' });
    });
  });

  // The chart's own CI values (ci/*-values.yaml, the chart-testing convention), each on its own.
  const ciValues = existsSync(join(chartDir, 'ci')) ? readdirSync(join(chartDir, 'ci')).filter((f) => /-values\.ya?ml$/.test(f)).sort() : [];
  (ciValues.length ? describe.each(ciValues) : describe.skip.each([['(none)']]))('with ci/%s', (file) => {
    const extraArgs = ['--values', join(chartDir, 'ci', file)];

    it('renders only resources that kubeconform finds valid in strict mode', async () => {
      const { yaml, documents } = await renderChart(undefined, { chartDir, tools, extraArgs });
      expect(documents.length).toBeGreaterThan(0);
      const result = await kubeconform(yaml, tools);
      expect(describeFailures(result)).toEqual([]);
      expect(result.summary).toEqual({ valid: documents.length, invalid: 0, errors: 0, skipped: 0 });
    });

    it('passes helm lint --strict', async () => {
      const lint = await helmLint(undefined, { chartDir, tools, extraArgs });
      expect({ code: lint.code, output: lint.code === 0 ? '' : lint.stdout + lint.stderr }).toEqual({ code: 0, output: '' });
    });
  });

  it('renders the resources each option promises', async () => {
    const kinds = async (overrides: Values) => (await renderChart(merge(required, overrides), { chartDir, tools })).documents.map((d) => `${String(d['apiVersion'])} ${String(d['kind'])}`);
    expect(await kinds({})).toContain('keda.sh/v1alpha1 ScaledObject');
    expect(await kinds({ autoscaling: { mode: 'hpa' } })).toContain('autoscaling/v2 HorizontalPodAutoscaler');
    expect(await kinds({ topics: { strimzi: { enabled: true } } })).toContain('kafka.strimzi.io/v1beta2 KafkaTopic');
    expect(await kinds({ route: { enabled: true, parentRefs: [{ name: 'public' }] } })).toContain('gateway.networking.k8s.io/v1 HTTPRoute');
    expect(await kinds({ serviceMonitor: { enabled: true } })).toContain('monitoring.coreos.com/v1 ServiceMonitor');
    expect(await kinds({ cli: { run: ['rebuild', 'projector-mongo'] } })).toContain('batch/v1 Job');
  });
});

describe('the check itself', () => {
  const deployment = (spec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: eventide }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
${spec}`;
  const statuses = (result: KubeconformResult) => result.resources.map((r) => `${r.kind}/${r.name}: ${r.status}`);

  it('accepts a valid Deployment (nulls for optional fields, quantities and int-or-strings in either form)', async () => {
    const result = await kubeconform(
      deployment(`          ports: [{ containerPort: 8080, name: http }]
          resources: { requests: { cpu: 1, memory: 128Mi }, limits: { cpu: "500m" } }
          readinessProbe: { httpGet: { path: /health, port: http } }
          livenessProbe: { httpGet: { path: /health, port: 8080 } }
          env:
  strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 25% } }
  replicas: 2
`),
      tools,
    );
    expect(describeFailures(result)).toEqual([]);
    expect(result.summary.valid).toBe(1);
  });

  it('refuses an unknown field in a built-in kind', async () => {
    const result = await kubeconform(deployment('  replicaz: 2\n'), tools);
    expect(statuses(result)).toEqual(['Deployment/web: statusInvalid']);
    expect(result.resources[0]?.msg).toContain("additionalProperties 'replicaz' not allowed");
    expect(result.code).not.toBe(0);
  });

  it('refuses an unknown field deep inside a pod template', async () => {
    const result = await kubeconform(deployment('          imagePullPolicyy: Always\n'), tools);
    expect(statuses(result)).toEqual(['Deployment/web: statusInvalid']);
    expect(result.resources[0]?.msg).toMatch(/containers\/0' does not validate .* additionalProperties 'imagePullPolicyy' not allowed/);
  });

  it('refuses a field of the wrong type', async () => {
    const result = await kubeconform(deployment('          ports: [{ containerPort: "8080" }]\n'), tools);
    expect(statuses(result)).toEqual(['Deployment/web: statusInvalid']);
    expect(result.resources[0]?.msg).toMatch(/containerPort.*expected integer, but got string/);
  });

  it('refuses an unknown field in a KEDA ScaledObject, so CRD schemas are in use', async () => {
    const scaledObject = (extra: string) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: { name: projector, namespace: eventide }
spec:
  scaleTargetRef: { name: projector }
  minReplicaCount: 2
  triggers:
    - type: kafka
      metadata: { bootstrapServers: "kafka:9092", consumerGroup: g, topic: t, lagThreshold: "1000" }
${extra}`;
    expect(statuses(await kubeconform(scaledObject(''), tools))).toEqual(['ScaledObject/projector: statusValid']);
    const result = await kubeconform(scaledObject('  minReplicaCountt: 3\n'), tools);
    expect(statuses(result)).toEqual(['ScaledObject/projector: statusInvalid']);
    expect(result.resources[0]?.validationErrors).toEqual([{ path: '/spec', msg: "additionalProperties 'minReplicaCountt' not allowed" }]);
  });

  it('refuses a wrong type in a Strimzi KafkaTopic and an unknown field in an HTTPRoute and a ServiceMonitor', async () => {
    const result = await kubeconform(
      `apiVersion: kafka.strimzi.io/v1beta2
kind: KafkaTopic
metadata: { name: orders, labels: { strimzi.io/cluster: eventide } }
spec: { partitions: "twelve", replicas: 3 }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: api }
spec: { hostnames: [api.example.com], rulez: [] }
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: { name: api }
spec: { selector: {}, endpoints: [{ port: http, intervall: 30s }] }
`,
      tools,
    );
    expect(statuses(result).sort()).toEqual(['HTTPRoute/api: statusInvalid', 'KafkaTopic/orders: statusInvalid', 'ServiceMonitor/api: statusInvalid']);
  });

  it('fails a kind it holds no schema for instead of skipping it (no remote schemas, no -ignore-missing-schemas)', async () => {
    const result = await kubeconform('apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w }\nspec: {}\n', tools);
    expect(statuses(result)).toEqual(['Widget/w: statusError']);
    expect(result.summary.errors).toBe(1);
    expect(result.code).not.toBe(0);
  });
});
