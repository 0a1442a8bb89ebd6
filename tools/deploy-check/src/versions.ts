/**
 * Pinned versions of everything the offline chart check builds or reads: bump here, nowhere else.
 * Each source is a Go module from the module proxy or a Maven artifact, so nothing is fetched from
 * anywhere else and the check runs without network once the cache is warm.
 */
export const deployToolVersions = {
  /** Built with `go install helm.sh/helm/v3/cmd/helm@…`. */
  helm: 'v3.16.4',
  /** Built with `go install github.com/yannh/kubeconform/cmd/kubeconform@…`. */
  kubeconform: 'v0.6.7',
  /** Go module k8s.io/kubernetes: api/openapi-spec/swagger.json is turned into JSON schemas. */
  kubernetes: 'v1.34.3',
  /** Go module github.com/kedacore/keda/v2: ScaledObject, TriggerAuthentication, … CRDs. */
  keda: 'v2.18.0',
  /** Go module sigs.k8s.io/gateway-api: the standard channel CRDs (HTTPRoute, …). */
  gatewayApi: 'v1.4.1',
  /** Go module github.com/prometheus-operator/prometheus-operator: ServiceMonitor, PodMonitor, … */
  prometheusOperator: 'v0.85.0',
  /** Maven io.strimzi:api + io.strimzi:crd-generator (1.x needs Java 21); KafkaTopic, KafkaUser. */
  strimzi: '0.45.0',
} as const;

/** The Kubernetes version `helm template --kube-version` and `kubeconform -kubernetes-version` use. */
export const kubernetesVersion = deployToolVersions.kubernetes.replace(/^v/, '');
