{{- define "supacontrol.labels" -}}
app.kubernetes.io/name: supacontrol
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end }}

{{- define "supacontrol.selector" -}}
app.kubernetes.io/name: supacontrol
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "supacontrol.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* The pod of a portal replica; `apiOnly` adds the config that turns the reconciler off. */}}
{{- define "supacontrol.pod" -}}
{{- $root := .root -}}
metadata:
  labels:
    {{- include "supacontrol.selector" $root | nindent 4 }}
    supacontrol.io/role: {{ .role }}
  annotations:
    checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
    {{- if $root.Values.metrics.enabled }}
    # For Prometheus' kubernetes_sd pod discovery with the common relabelling on these.
    prometheus.io/scrape: "true"
    prometheus.io/port: {{ $root.Values.metrics.port | quote }}
    prometheus.io/path: /metrics
    {{- end }}
spec:
  serviceAccountName: {{ $root.Values.serviceAccount.name }}
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets: {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    # The `node` user of the node base image (uid 1000), which the Dockerfile runs as.
    runAsNonRoot: true
    runAsUser: 1000
    runAsGroup: 1000
    seccompProfile: { type: RuntimeDefault }
  affinity:
    podAntiAffinity:
      # One replica per node where the cluster allows it; still schedulable on one node.
      preferredDuringSchedulingIgnoredDuringExecution:
        - weight: 100
          podAffinityTerm:
            topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels:
                {{- include "supacontrol.selector" $root | nindent 18 }}
  {{- with $root.Values.nodeSelector }}
  nodeSelector: {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations: {{- toYaml . | nindent 4 }}
  {{- end }}
  containers:
    - name: portal
      image: {{ include "supacontrol.image" $root }}
      imagePullPolicy: {{ $root.Values.image.pullPolicy }}
      # The image's CMD (packages/backend/Dockerfile) with the chart's configuration after it.
      workingDir: /app/packages/backend
      command: [node, .]
      args:
        - --config
        - ../../backstage.yaml
        - --config
        - ../../backstage.production.yaml
        - --config
        - /etc/supacontrol/app-config.chart.yaml
        {{- if .apiOnly }}
        - --config
        - /etc/supacontrol/app-config.api-only.yaml
        {{- end }}
      ports:
        - name: http
          containerPort: 7007
        {{- if $root.Values.metrics.enabled }}
        - name: metrics
          containerPort: {{ $root.Values.metrics.port }}
        {{- end }}
      env:
        # OpenTelemetry's Prometheus endpoint (packages/backend/src/instrumentation.ts).
        {{- if $root.Values.metrics.enabled }}
        - name: OTEL_EXPORTER_PROMETHEUS_HOST
          value: 0.0.0.0
        - name: OTEL_EXPORTER_PROMETHEUS_PORT
          value: {{ $root.Values.metrics.port | quote }}
        {{- else }}
        - name: OTEL_METRICS_EXPORTER
          value: none
        {{- end }}
        - name: SUPACONTROL_BASE_URL
          value: {{ required "baseUrl is required (the portal's external URL)" $root.Values.baseUrl | quote }}
        - name: SUPACONTROL_LISTEN_HOST
          value: 0.0.0.0
        # The root filesystem is read-only: Helm's cache and config go to the emptyDir.
        - name: HOME
          value: /tmp
        {{- $db := $root.Values.database }}
        {{- $dbSecret := required "database.existingSecret is required (a Secret with the PostgreSQL connection)" $db.existingSecret }}
        {{- range $var, $key := dict "POSTGRES_HOST" $db.keys.host "POSTGRES_PORT" $db.keys.port "POSTGRES_USER" $db.keys.user "POSTGRES_PASSWORD" $db.keys.password }}
        - name: {{ $var }}
          valueFrom: { secretKeyRef: { name: {{ $dbSecret }}, key: {{ $key }} } }
        {{- end }}
        {{- $auth := $root.Values.auth }}
        {{- $authSecret := required "auth.existingSecret is required (a Secret with the GitHub OAuth App's client id and secret)" $auth.existingSecret }}
        - name: AUTH_GITHUB_CLIENT_ID
          valueFrom: { secretKeyRef: { name: {{ $authSecret }}, key: {{ $auth.keys.clientId }} } }
        - name: AUTH_GITHUB_CLIENT_SECRET
          valueFrom: { secretKeyRef: { name: {{ $authSecret }}, key: {{ $auth.keys.clientSecret }} } }
      {{- with $root.Values.extraEnvFrom }}
      envFrom: {{- toYaml . | nindent 8 }}
      {{- end }}
      readinessProbe:
        httpGet: { path: /.backstage/health/v1/readiness, port: http }
        periodSeconds: 10
        failureThreshold: 3
      livenessProbe:
        httpGet: { path: /.backstage/health/v1/liveness, port: http }
        # Start-up runs the migrations; give it time before the first check.
        initialDelaySeconds: 60
        periodSeconds: 20
        failureThreshold: 3
      securityContext:
        allowPrivilegeEscalation: false
        readOnlyRootFilesystem: true
        capabilities: { drop: [ALL] }
      resources: {{- toYaml $root.Values.resources | nindent 8 }}
      volumeMounts:
        - name: config
          mountPath: /etc/supacontrol
          readOnly: true
        # Helm's cache and the backend's temporary files.
        - name: tmp
          mountPath: /tmp
        {{- if $root.Values.clusterKubeconfigs.existingSecret }}
        # Kubeconfigs of the other clusters (supacontrol.clusters[].kubeconfigPath).
        - name: cluster-kubeconfigs
          mountPath: /etc/supacontrol-clusters
          readOnly: true
        {{- end }}
  volumes:
    - name: config
      configMap:
        name: {{ $root.Release.Name }}-app-config
    - name: tmp
      emptyDir: {}
    {{- with $root.Values.clusterKubeconfigs.existingSecret }}
    - name: cluster-kubeconfigs
      secret:
        secretName: {{ . }}
        defaultMode: 0400
    {{- end }}
{{- end }}
