{{/*
Names. The fullname is cut to 48 characters so that "<fullname>-<component>" stays a valid
Service name (63) for every component.
*/}}
{{- define "supabase.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 48 | trimSuffix "-" -}}
{{- end -}}

{{- define "supabase.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 48 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 48 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<fullname>-<component>"; call with (list $ "component"). */}}
{{- define "supabase.componentName" -}}
{{- printf "%s-%s" (include "supabase.fullname" (index . 0)) (index . 1) -}}
{{- end -}}

{{/* Selector labels; call with (list $ "component"). */}}
{{- define "supabase.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "supabase.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Labels of every object; call with (list $ "component"). */}}
{{- define "supabase.labels" -}}
{{- $root := index . 0 -}}
{{ include "supabase.selectorLabels" . }}
app.kubernetes.io/managed-by: {{ $root.Release.Service }}
app.kubernetes.io/part-of: supabase
helm.sh/chart: {{ printf "%s-%s" $root.Chart.Name $root.Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- with $root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/*
The one Secret every component reads its secrets from. The chart never renders it: the caller
creates it with the keys listed in the README.
*/}}
{{- define "supabase.secretName" -}}
{{- required "secretName is required: set it to the name of an existing Secret in the release namespace that holds the instance's keys (jwt-secret, anon-key, service-role-key, db-password, dashboard-username, dashboard-password, realtime-secret-key-base, realtime-db-enc-key, meta-crypto-key, vault-enc-key; see the chart README)" .Values.secretName -}}
{{- end -}}

{{/* An env var read from the instance Secret; call with (list $ "ENV_NAME" "secret-key"). */}}
{{- define "supabase.secretEnv" -}}
- name: {{ index . 1 }}
  valueFrom:
    secretKeyRef:
      name: {{ include "supabase.secretName" (index . 0) }}
      key: {{ index . 2 }}
{{- end -}}

{{/* Plain env var with a quoted value; call with (list "ENV_NAME" value). */}}
{{- define "supabase.env" -}}
- name: {{ index . 0 }}
  value: {{ index . 1 | toString | quote }}
{{- end -}}

{{- define "supabase.image" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{- define "supabase.dbHost" -}}
{{- include "supabase.componentName" (list . "db") -}}
{{- end -}}

{{/*
Connection URL of one database role. The password is the DB_PASSWORD env var of the same
container, which the kubelet expands, so it never passes through Helm.
*/}}
{{- define "supabase.dbUrl" -}}
{{- $root := index . 0 -}}
{{- printf "%s://%s:$(DB_PASSWORD)@%s:5432/postgres" (index . 2) (index . 1) (include "supabase.dbHost" $root) -}}
{{- end -}}

{{- define "supabase.scheme" -}}
{{- if .Values.ingress.tls.enabled -}}https{{- else -}}http{{- end -}}
{{- end -}}

{{/* Kong inside the cluster: what the components call each other through. */}}
{{- define "supabase.internalApiUrl" -}}
{{- printf "http://%s:8000" (include "supabase.componentName" (list . "kong")) -}}
{{- end -}}

{{- define "supabase.apiUrl" -}}
{{- if .Values.publicUrls.api -}}
{{- .Values.publicUrls.api | trimSuffix "/" -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts.api -}}
{{- printf "%s://%s" (include "supabase.scheme" .) .Values.ingress.hosts.api -}}
{{- else -}}
{{- printf "http://%s.%s.svc:8000" (include "supabase.componentName" (list . "kong")) .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{- define "supabase.studioUrl" -}}
{{- if .Values.publicUrls.studio -}}
{{- .Values.publicUrls.studio | trimSuffix "/" -}}
{{- else if and .Values.ingress.enabled .Values.ingress.hosts.studio -}}
{{- printf "%s://%s" (include "supabase.scheme" .) .Values.ingress.hosts.studio -}}
{{- else -}}
{{- include "supabase.apiUrl" . -}}
{{- end -}}
{{- end -}}

{{/*
Pod template annotations: the checksum of the component's own configuration (passed in, may be
empty) and the Secret revision, so that a change to either rolls the pods.
Call with (list $ "checksum-or-empty").
*/}}
{{- define "supabase.podAnnotations" -}}
{{- $root := index . 0 -}}
{{- $checksum := index . 1 -}}
{{- if or $checksum $root.Values.secretRevision -}}
annotations:
  {{- with $checksum }}
  checksum/config: {{ . }}
  {{- end }}
  {{- with $root.Values.secretRevision }}
  supacontrol.io/secret-revision: {{ . | quote }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/*
Pod spec fields shared by every component: no API access (no component talks to Kubernetes),
no service links (Kong would read KONG_* variables injected for a Service named "kong"), and the
release-wide scheduling constraints. Call with (list $ componentValues).
*/}}
{{- define "supabase.podCommon" -}}
{{- $root := index . 0 -}}
{{- $c := index . 1 -}}
serviceAccountName: {{ include "supabase.fullname" $root }}
automountServiceAccountToken: false
enableServiceLinks: false
{{- with $root.Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $root.Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $c.podSecurityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Container fields shared by every container; call with componentValues. */}}
{{- define "supabase.containerCommon" -}}
image: {{ include "supabase.image" .image }}
imagePullPolicy: {{ .image.pullPolicy }}
{{- with .resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .securityContext }}
securityContext:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}


{{/* The data volume of db or storage; call with (list $ "db"|"storage"). */}}
{{- define "supabase.dataVolume" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- $p := index $root.Values.persistence $component -}}
- name: data
{{- if $root.Values.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ $p.existingClaim | default (printf "%s-data" (include "supabase.componentName" (list $root $component))) }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}

{{/* ClusterIP Service of a component; call with (list $ "component" port "portName"). */}}
{{- define "supabase.service" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "supabase.componentName" (list $root $component) }}
  labels:
    {{- include "supabase.labels" (list $root $component) | nindent 4 }}
spec:
  type: ClusterIP
  selector:
    {{- include "supabase.selectorLabels" (list $root $component) | nindent 4 }}
  ports:
    - name: {{ index . 3 }}
      port: {{ index . 2 }}
      targetPort: {{ index . 3 }}
{{- end -}}

{{/*
PersistentVolumeClaim of the data of db or storage; call with (list $ "db"|"storage"). A
standalone claim rather than a volumeClaimTemplate, so that it can carry the keep policy and
survive `helm uninstall`.
*/}}
{{- define "supabase.dataClaim" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- $p := index $root.Values.persistence $component -}}
{{- if and $root.Values.persistence.enabled (not $p.existingClaim) -}}
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: {{ include "supabase.componentName" (list $root $component) }}-data
  labels:
    {{- include "supabase.labels" (list $root $component) | nindent 4 }}
  {{- if $root.Values.keepDatabaseVolume }}
  annotations:
    helm.sh/resource-policy: keep
  {{- end }}
spec:
  accessModes: [ReadWriteOnce]
  {{- with ($p.storageClass | default $root.Values.persistence.storageClass) }}
  storageClassName: {{ . }}
  {{- end }}
  resources:
    requests:
      storage: {{ $p.size }}
{{- end -}}
{{- end -}}
