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
empty), the Secret revision, and the restart stamps (of all components and of this one), so that a
change to any of them rolls the pods. Call with (list $ "checksum-or-empty" "component").
*/}}
{{- define "supabase.podAnnotations" -}}
{{- $root := index . 0 -}}
{{- $checksum := index . 1 -}}
{{- $component := index . 2 -}}
{{- $restarts := $root.Values.restarts | default dict -}}
{{- $restart := printf "%s/%s" (get $restarts "all" | default "") (get $restarts $component | default "") -}}
{{- if or $checksum $root.Values.secretRevision (ne $restart "/") -}}
annotations:
  {{- with $checksum }}
  checksum/config: {{ . }}
  {{- end }}
  {{- with $root.Values.secretRevision }}
  supacontrol.io/secret-revision: {{ . | quote }}
  {{- end }}
  {{- if ne $restart "/" }}
  supacontrol.io/restarted-at: {{ $restart | quote }}
  {{- end }}
{{- end -}}
{{- end -}}

{{/*
Replicas of a component: none while the instance is paused (its volumes and Secret stay).
Call with (list $ componentValues).
*/}}
{{- define "supabase.replicas" -}}
{{- if (index . 0).Values.paused -}}0{{- else -}}{{ (index . 1).replicas }}{{- end -}}
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

{{/*
An init container that waits until the database accepts connections, as upstream's compose file
makes auth, storage and realtime wait for the db's health check (`pg_isready -U postgres -h
localhost`, supabase/supabase docker/docker-compose.yml). It runs pg_isready from the database
image itself (charts/supabase/images.yaml), as nobody, with nothing writable. Call with $.
*/}}
{{- define "supabase.waitForDb" -}}
- name: wait-for-db
  image: {{ include "supabase.image" .Values.db.image }}
  imagePullPolicy: {{ .Values.db.image.pullPolicy }}
  command:
    - /bin/sh
    - -c
    - until pg_isready --host="$DB_HOST" --port=5432 --username=postgres --timeout=5; do echo "waiting for the database at $DB_HOST:5432"; sleep 2; done
  env:
    {{- include "supabase.env" (list "DB_HOST" (include "supabase.dbHost" .)) | nindent 4 }}
  resources:
    requests: { cpu: 10m, memory: 16Mi }
    limits: { memory: 64Mi }
  securityContext:
    runAsNonRoot: true
    runAsUser: 65534
    runAsGroup: 65534
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities: { drop: [ALL] }
{{- end -}}

{{/*
How the IPv4 range `allowed` relates to the IPv4 range `denied`; call with (list "a.b.c.d/n"
"a.b.c.d/n"). Prints "contains" when `denied` is a strict part of `allowed` (it goes into the
ipBlock's except list, which Kubernetes accepts only for strict parts), "inside" when `allowed`
lies within `denied` or equals it (nothing of it may be allowed), and "apart" otherwise.
*/}}
{{- define "supabase.cidrRelation" -}}
{{- $a := include "supabase.cidrParts" (index . 0) | fromJson -}}
{{- $d := include "supabase.cidrParts" (index . 1) | fromJson -}}
{{- $wider := ternary $a $d (le (int $a.bits) (int $d.bits)) -}}
{{- $block := include "supabase.pow2" (sub 32 (int $wider.bits)) | atoi -}}
{{- if ne (div (int64 $a.ip) $block) (div (int64 $d.ip) $block) -}}
apart
{{- else if lt (int $a.bits) (int $d.bits) -}}
contains
{{- else -}}
inside
{{- end -}}
{{- end -}}

{{/* {"ip": <the address as an integer>, "bits": <prefix length>} of "a.b.c.d/n", as JSON. */}}
{{- define "supabase.cidrParts" -}}
{{- $cidr := splitList "/" . -}}
{{- $o := splitList "." (index $cidr 0) -}}
{{- $ip := add (mul (atoi (index $o 0)) 16777216) (mul (atoi (index $o 1)) 65536) (mul (atoi (index $o 2)) 256) (atoi (index $o 3)) -}}
{{- dict "ip" $ip "bits" (atoi (index $cidr 1)) | toJson -}}
{{- end -}}

{{/* 2 to the power of the argument (0 to 32). */}}
{{- define "supabase.pow2" -}}
{{- $p := 1 -}}
{{- range until (int .) -}}{{- $p = mul $p 2 -}}{{- end -}}
{{- $p -}}
{{- end -}}

{{/*
GOTRUE_MAILER_AUTOCONFIRM: auth.email.autoconfirm, or, when empty, on exactly when no SMTP server
is set. Without SMTP GoTrue uses a no-op mailer (supabase/auth internal/mailer/templatemailer
@ v2.189.0), so a sign-up that waits for its confirmation mail waits forever.
*/}}
{{- define "supabase.autoconfirm" -}}
{{- $auth := .Values.auth -}}
{{- if kindIs "bool" $auth.email.autoconfirm -}}
{{- if and (not $auth.email.autoconfirm) (not $auth.smtp.enabled) $auth.email.enabled -}}
{{- fail "auth.email.autoconfirm is false but auth.smtp is not enabled: without an SMTP server no confirmation e-mail is sent and nobody can sign in with e-mail. Enable auth.smtp or leave autoconfirm empty." -}}
{{- end -}}
{{- $auth.email.autoconfirm -}}
{{- else -}}
{{- not $auth.smtp.enabled -}}
{{- end -}}
{{- end -}}
