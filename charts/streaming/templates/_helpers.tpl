{{/* Names and labels. */}}
{{- define "streaming.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "streaming.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of one service's objects: <fullname>-<service>. Args: root, name. */}}
{{- define "streaming.componentName" -}}
{{- printf "%s-%s" (include "streaming.fullname" .root) .name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "streaming.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "streaming.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "streaming.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "streaming.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: streaming
{{- end -}}

{{/* Selector labels of one service. Args: root, name. */}}
{{- define "streaming.selectorLabels" -}}
app.kubernetes.io/name: {{ include "streaming.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* Labels of one service's objects. Args: root, name. */}}
{{- define "streaming.componentLabels" -}}
{{ include "streaming.labels" .root }}
app.kubernetes.io/component: {{ .name }}
{{- end -}}

{{/* One service's values: serviceDefaults with the service's own entry laid over them. Args: root, name. Returns YAML. */}}
{{- define "streaming.service" -}}
{{- $svc := index .root.Values.services .name -}}
{{- if not $svc -}}
{{- fail (printf "services.%s is not defined (a Job names it in jobs.*.service)" .name) -}}
{{- end -}}
{{- $merged := mergeOverwrite (deepCopy .root.Values.serviceDefaults) (deepCopy $svc) -}}
{{- if not $merged.project -}}
{{- fail (printf "services.%s.project is required: the suffix of services/Streaming.<project>" .name) -}}
{{- end -}}
{{- toYaml $merged -}}
{{- end -}}

{{/* Image of one service. Args: root, svc. */}}
{{- define "streaming.image" -}}
{{- $img := .root.Values.image -}}
{{- $svcImage := .svc.image | default dict -}}
{{- $repository := $svcImage.repository | default (printf "%s%s" $img.repositoryPrefix (lower .svc.project)) -}}
{{- if and $img.registry (not $svcImage.repository) -}}
{{- $repository = printf "%s/%s" $img.registry $repository -}}
{{- end -}}
{{- $tag := $svcImage.tag | default $img.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository $tag -}}
{{- end -}}

{{/*
Settings every service gets, as name: value. The ConfigMap holds them for the Deployments; the
hook Jobs, which run before the ConfigMap exists, get them inline.
*/}}
{{- define "streaming.sharedConfig" -}}
ASPNETCORE_HTTP_PORTS: "8080"
Kafka__BootstrapServers: {{ required "kafka.bootstrapServers is required" .Values.kafka.bootstrapServers | quote }}
{{- with .Values.kafka.securityProtocol }}
Kafka__SecurityProtocol: {{ . | quote }}
{{- end }}
{{- with .Values.kafka.sasl.mechanism }}
Kafka__SaslMechanism: {{ . | quote }}
{{- end }}
{{- with .Values.kafka.sasl.username }}
Kafka__SaslUsername: {{ . | quote }}
{{- end }}
SchemaRegistry__Url: {{ required "schemaRegistry.url is required" .Values.schemaRegistry.url | quote }}
{{- with .Values.schemaRegistry.auth.username }}
SchemaRegistry__BasicAuthUsername: {{ . | quote }}
{{- end }}
{{- with .Values.telemetry.otlpEndpoint }}
OTEL_EXPORTER_OTLP_ENDPOINT: {{ . | quote }}
{{- end }}
{{- range $key, $value := .Values.config }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/*
Environment of one service that is not in the ConfigMap: its name in telemetry, its connection
strings and every secret. A password reaches a connection string through Kubernetes' $(VAR)
expansion of an earlier variable, so no secret is ever written into a manifest.
Args: root, name, svc.
*/}}
{{- define "streaming.env" -}}
{{- $root := .root -}}
{{- $v := .root.Values -}}
{{- $uses := .svc.uses | default list -}}
- name: OTEL_SERVICE_NAME
  value: {{ printf "streaming-%s" .name | quote }}
{{- if and .svc.grpc .svc.grpc.enabled }}
- name: Gateway__GrpcPort
  value: {{ .svc.grpc.port | quote }}
{{- end }}
- name: Admin__ApiKey
  valueFrom:
    secretKeyRef:
      name: {{ required "admin.existingSecret is required: the Secret holding the admin API key" $v.admin.existingSecret }}
      key: {{ $v.admin.apiKeyKey }}
{{- if and (has "kafka" $uses) $v.kafka.sasl.existingSecret }}
- name: Kafka__SaslPassword
  valueFrom:
    secretKeyRef:
      name: {{ $v.kafka.sasl.existingSecret }}
      key: {{ $v.kafka.sasl.passwordKey }}
{{- end }}
{{- if $v.schemaRegistry.auth.existingSecret }}
- name: SchemaRegistry__BasicAuthPassword
  valueFrom:
    secretKeyRef:
      name: {{ $v.schemaRegistry.auth.existingSecret }}
      key: {{ $v.schemaRegistry.auth.passwordKey }}
{{- end }}
{{- if has "redis" $uses }}
{{- if $v.redis.auth.existingSecret }}
- name: STREAMING_REDIS_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $v.redis.auth.existingSecret }}
      key: {{ $v.redis.auth.passwordKey }}
- name: Redis__Configuration
  value: {{ printf "%s,password=$(STREAMING_REDIS_PASSWORD)" $v.redis.configuration | quote }}
{{- else }}
- name: Redis__Configuration
  value: {{ $v.redis.configuration | quote }}
{{- end }}
{{- end }}
{{- if has "clickhouse" $uses }}
{{- $ch := $v.clickhouse -}}
{{- $cs := printf "Host=%s;Port=%v;Protocol=%s;Username=%s;Database=%s" $ch.host $ch.port $ch.protocol $ch.username $ch.database -}}
{{- if $ch.auth.existingSecret }}
{{- $cs = printf "%s;Password=$(STREAMING_CLICKHOUSE_PASSWORD)" $cs -}}
{{- end }}
{{- with $ch.extraConnectionOptions }}
{{- $cs = printf "%s;%s" $cs (trimPrefix ";" .) -}}
{{- end }}
{{- if $ch.auth.existingSecret }}
- name: STREAMING_CLICKHOUSE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $ch.auth.existingSecret }}
      key: {{ $ch.auth.passwordKey }}
{{- end }}
- name: ClickHouse__ConnectionString
  value: {{ $cs | quote }}
{{- end }}
{{- range .svc.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "secretEnv %s needs existingSecret" .name) .existingSecret }}
      key: {{ required (printf "secretEnv %s needs key" .name) .key }}
{{- end }}
{{- range $key, $value := .svc.env }}
- name: {{ $key }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* The pod's writable /tmp; the root filesystem is read-only. */}}
{{- define "streaming.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: 256Mi
{{- end -}}

{{- define "streaming.tmpVolumeMount" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}
