{{/*
The services this chart runs, with the port each listens on and the variable that sets it. These
mirror libs/service-kit/src/service-catalogue.ts; tools/deploy-check tests that they agree.
*/}}
{{- define "eventide.components" -}}
command-service: { port: 3001, portEnv: COMMAND_PORT, api: true, needs: [kafka, mongo, redis] }
query-gateway: { port: 3000, portEnv: GATEWAY_PORT, api: true, needs: [mongo, redis] }
projector-mongo: { port: 3002, portEnv: PROJECTOR_MONGO_PORT, projector: true, needs: [kafka, mongo, redis] }
projector-redis: { port: 3003, portEnv: PROJECTOR_REDIS_PORT, projector: true, needs: [kafka, mongo, redis] }
{{- end }}

{{- define "eventide.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}{{ .Release.Name | trunc 40 | trimSuffix "-" }}{{ else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" }}{{ end }}
{{- end }}

{{- define "eventide.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "eventide.labels" -}}
{{ include "eventide.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: eventide
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end }}

{{- define "eventide.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest }}{{ printf "%s@%s" .Values.image.repository .Values.image.digest }}{{ else }}{{ printf "%s:%s" .Values.image.repository $tag }}{{ end }}
{{- end }}

{{- define "eventide.secretName" -}}
{{- default (printf "%s-secrets" (include "eventide.fullname" .)) .Values.secret.existingSecret -}}
{{- end }}

{{- define "eventide.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}{{ default (include "eventide.fullname" .) .Values.serviceAccount.name }}{{ else }}{{ default "default" .Values.serviceAccount.name }}{{ end }}
{{- end }}

{{- define "eventide.consumerGroup" -}}
{{- printf "%s%s" .root.Values.kafka.groupPrefix .name -}}
{{- end }}

{{/* Refuses settings that cannot work, before anything reaches the cluster. */}}
{{- define "eventide.validate" -}}
{{- if gt (int .Values.autoscaling.maxReplicas) (int .Values.kafka.partitions) }}
{{- fail (printf "autoscaling.maxReplicas (%d) exceeds kafka.partitions (%d): replicas beyond the partition count would idle" (int .Values.autoscaling.maxReplicas) (int .Values.kafka.partitions)) }}
{{- end }}
{{- if lt (int .Values.autoscaling.minReplicas) 1 }}
{{- fail "autoscaling.minReplicas must be at least 1: a projector scaled to zero would let lag grow unseen" }}
{{- end }}
{{- if gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas) }}
{{- fail "autoscaling.minReplicas exceeds autoscaling.maxReplicas" }}
{{- end }}
{{- if and (not .Values.secret.existingSecret) (not .Values.secret.values.API_KEYS) }}
{{- fail "set secret.values.API_KEYS (key1=tenantA,...) or secret.existingSecret" }}
{{- end }}
{{- if and (not .Values.secret.existingSecret) (or (not .Values.secret.values.MONGO_URL) (not .Values.secret.values.REDIS_URL)) }}
{{- fail "set secret.values.MONGO_URL and secret.values.REDIS_URL, or secret.existingSecret" }}
{{- end }}
{{- if and .Values.kafka.sasl.mechanism (not (has .Values.kafka.sasl.mechanism (list "plain" "scram-sha-256" "scram-sha-512"))) }}
{{- fail "kafka.sasl.mechanism must be plain, scram-sha-256 or scram-sha-512" }}
{{- end }}
{{- if and .Values.route.enabled (not .Values.route.parentRefs) }}
{{- fail "route.enabled needs route.parentRefs: the Gateway the route attaches to" }}
{{- end }}
{{- end }}

{{/* Environment shared by every container: the ConfigMap, the Secret, and TLS file paths. */}}
{{- define "eventide.envFrom" -}}
- configMapRef:
    name: {{ include "eventide.fullname" . }}-config
- secretRef:
    name: {{ include "eventide.secretName" . }}
{{- end }}

{{- define "eventide.tlsVolumeMounts" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  mountPath: /etc/eventide/kafka-ca
  readOnly: true
{{- end }}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.clientSecret.name }}
- name: kafka-client
  mountPath: /etc/eventide/kafka-client
  readOnly: true
{{- end }}
- name: tmp
  mountPath: /tmp
{{- end }}

{{- define "eventide.tlsVolumes" -}}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.caSecret.name }}
- name: kafka-ca
  secret:
    secretName: {{ .Values.kafka.tls.caSecret.name }}
    items: [{ key: {{ .Values.kafka.tls.caSecret.key }}, path: ca.crt }]
{{- end }}
{{- if and .Values.kafka.tls.enabled .Values.kafka.tls.clientSecret.name }}
- name: kafka-client
  secret:
    secretName: {{ .Values.kafka.tls.clientSecret.name }}
    items:
      - { key: {{ .Values.kafka.tls.clientSecret.certKey }}, path: tls.crt }
      - { key: {{ .Values.kafka.tls.clientSecret.keyKey }}, path: tls.key }
{{- end }}
- name: tmp
  emptyDir: { sizeLimit: 64Mi }
{{- end }}

{{- define "eventide.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 1000
runAsGroup: 1000
fsGroup: 1000
seccompProfile: { type: RuntimeDefault }
{{- end }}

{{- define "eventide.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities: { drop: [ALL] }
{{- end }}

{{/* Pod template fields every workload shares (scheduling, identity, pull secrets). */}}
{{- define "eventide.podCommon" -}}
serviceAccountName: {{ include "eventide.serviceAccountName" . }}
automountServiceAccountToken: false
securityContext:
  {{- include "eventide.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- end }}

{{/* One NetworkPolicy egress rule: TCP to `ports`, at `to` peers (any address when empty). */}}
{{- define "eventide.egressRule" -}}
- ports:
    {{- range .ports }}
    - { port: {{ . }}, protocol: TCP }
    {{- end }}
  {{- if .to }}
  to:
    {{- toYaml .to | nindent 4 }}
  {{- end }}
{{- end }}

{{/* DNS over UDP and TCP. */}}
{{- define "eventide.dnsEgress" -}}
- ports:
    {{- range .ports }}
    - { port: {{ . }}, protocol: UDP }
    - { port: {{ . }}, protocol: TCP }
    {{- end }}
  {{- if .to }}
  to:
    {{- toYaml .to | nindent 4 }}
  {{- end }}
{{- end }}
