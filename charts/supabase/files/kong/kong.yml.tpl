# Kong's declarative configuration. Helm fills in the upstream Service names (rendered with tpl);
# the ${...} placeholders are filled in by start.sh when the pod starts, from the instance Secret.
{{- $auth := include "supabase.componentName" (list . "auth") }}
{{- $rest := include "supabase.componentName" (list . "rest") }}
{{- $realtime := include "supabase.componentName" (list . "realtime") }}
{{- $storage := include "supabase.componentName" (list . "storage") }}
{{- $functions := include "supabase.componentName" (list . "functions") }}
{{- $meta := include "supabase.componentName" (list . "meta") }}
{{- $studio := include "supabase.componentName" (list . "studio") }}
_format_version: "3.0"
_transform: true

consumers:
  - username: dashboard
  - username: anon
    keyauth_credentials:
      - key: ${SUPABASE_ANON_KEY}
  - username: service_role
    keyauth_credentials:
      - key: ${SUPABASE_SERVICE_KEY}

acls:
  - consumer: anon
    group: anon
  - consumer: service_role
    group: admin

basicauth_credentials:
  - consumer: dashboard
    username: ${DASHBOARD_USERNAME}
    password: ${DASHBOARD_PASSWORD}

services:
  # Auth endpoints that browsers reach without an API key: e-mail links, OAuth redirects and the
  # public signing keys.
  - name: auth-v1-open
    url: http://{{ $auth }}:9999/verify
    routes:
      - name: auth-v1-open
        strip_path: true
        paths: [/auth/v1/verify]
    plugins:
      - name: cors
  - name: auth-v1-open-callback
    url: http://{{ $auth }}:9999/callback
    routes:
      - name: auth-v1-open-callback
        strip_path: true
        paths: [/auth/v1/callback]
    plugins:
      - name: cors
  - name: auth-v1-open-authorize
    url: http://{{ $auth }}:9999/authorize
    routes:
      - name: auth-v1-open-authorize
        strip_path: true
        paths: [/auth/v1/authorize]
    plugins:
      - name: cors
  - name: auth-v1-open-jwks
    url: http://{{ $auth }}:9999/.well-known/jwks.json
    routes:
      - name: auth-v1-open-jwks
        strip_path: true
        paths: [/auth/v1/.well-known/jwks.json]
    plugins:
      - name: cors
  # SAML single sign-on: the identity provider posts to the ACS URL and reads the metadata
  # without an API key. GoTrue names them <API_EXTERNAL_URL>/sso/saml/... (supabase/auth
  # internal/api/saml.go @ v2.189.0), and API_EXTERNAL_URL is the API's root here, as in
  # supabase/supabase docker/volumes/api/kong.yml (@ 089440f).
  - name: auth-v1-open-sso-acs
    url: http://{{ $auth }}:9999/sso/saml/acs
    routes:
      - name: auth-v1-open-sso-acs
        strip_path: true
        paths: [/sso/saml/acs]
    plugins:
      - name: cors
  - name: auth-v1-open-sso-metadata
    url: http://{{ $auth }}:9999/sso/saml/metadata
    routes:
      - name: auth-v1-open-sso-metadata
        strip_path: true
        paths: [/sso/saml/metadata]
    plugins:
      - name: cors
  # OAuth 2.0 authorization server metadata (RFC 8414), public by definition.
  - name: well-known-oauth
    url: http://{{ $auth }}:9999/.well-known/oauth-authorization-server
    routes:
      - name: well-known-oauth
        strip_path: true
        paths: [/.well-known/oauth-authorization-server]
    plugins:
      - name: cors

  - name: auth-v1
    url: http://{{ $auth }}:9999/
    routes:
      - name: auth-v1-all
        strip_path: true
        paths: [/auth/v1/]
    plugins:
      - name: cors
      - name: key-auth
        config:
          hide_credentials: false
      - name: acl
        config:
          hide_groups_header: true
          allow: [admin, anon]

  - name: rest-v1
    url: http://{{ $rest }}:3000/
    routes:
      - name: rest-v1-all
        strip_path: true
        paths: [/rest/v1/]
    plugins:
      - name: cors
      - name: key-auth
        config:
          hide_credentials: true
      - name: acl
        config:
          hide_groups_header: true
          allow: [admin, anon]

  - name: graphql-v1
    url: http://{{ $rest }}:3000/rpc/graphql
    routes:
      - name: graphql-v1-all
        strip_path: true
        paths: [/graphql/v1]
    plugins:
      - name: cors
      - name: key-auth
        config:
          hide_credentials: true
      - name: request-transformer
        config:
          add:
            headers: ["Content-Profile:graphql_public"]
      - name: acl
        config:
          hide_groups_header: true
          allow: [admin, anon]

  # Realtime finds its tenant from the first label of the Host header, which Kong sets to the
  # upstream Service name; the chart seeds the tenant under that name.
  - name: realtime-v1-ws
    url: http://{{ $realtime }}:4000/socket/
    routes:
      - name: realtime-v1-ws
        strip_path: true
        paths: [/realtime/v1/]
    plugins:
      - name: cors
      - name: key-auth
        config:
          hide_credentials: false
      - name: acl
        config:
          hide_groups_header: true
          allow: [admin, anon]
  # Realtime's tenant management API and its OpenAPI document are for the operator, never for
  # an API key: upstream blocks both (supabase/supabase docker/volumes/api/kong.yml), and so do
  # we, before the general /realtime/v1/api route (Kong prefers the longest path).
  - name: realtime-v1-rest-openapi
    url: http://{{ $realtime }}:4000/api/openapi
    routes:
      - name: realtime-v1-rest-openapi
        strip_path: true
        paths: [/realtime/v1/api/openapi]
    plugins:
      - name: request-termination
        config:
          status_code: 403
          message: Access is forbidden.
  - name: realtime-v1-rest-tenants
    url: http://{{ $realtime }}:4000/api/tenants
    routes:
      - name: realtime-v1-rest-tenants
        strip_path: true
        paths: [/realtime/v1/api/tenants]
    plugins:
      - name: request-termination
        config:
          status_code: 403
          message: Access is forbidden.
  - name: realtime-v1-rest
    url: http://{{ $realtime }}:4000/api
    routes:
      - name: realtime-v1-rest
        strip_path: true
        paths: [/realtime/v1/api]
    plugins:
      - name: cors
      - name: key-auth
        config:
          hide_credentials: false
      - name: acl
        config:
          hide_groups_header: true
          allow: [admin, anon]

  # Storage checks the JWT itself (public buckets need none).
  - name: storage-v1
    url: http://{{ $storage }}:5000/
    routes:
      - name: storage-v1-all
        strip_path: true
        paths: [/storage/v1/]
    plugins:
      - name: cors
{{- if .Values.functions.enabled }}

  # Edge Functions check the JWT themselves when verifyJwt is on.
  - name: functions-v1
    url: http://{{ $functions }}:9000/
    read_timeout: 150000
    routes:
      - name: functions-v1-all
        strip_path: true
        paths: [/functions/v1/]
    plugins:
      - name: cors
{{- end }}

  # postgres-meta: only with the service_role key.
  - name: meta
    url: http://{{ $meta }}:8080/
    routes:
      - name: meta-all
        strip_path: true
        paths: [/pg/]
    plugins:
      - name: key-auth
        config:
          hide_credentials: false
      - name: acl
        config:
          hide_groups_header: true
          allow: [admin]

  # Studio, behind the dashboard credentials; the catch-all route.
  - name: dashboard
    url: http://{{ $studio }}:3000/
    routes:
      - name: dashboard-all
        strip_path: true
        paths: [/]
    plugins:
      - name: cors
      - name: basic-auth
        config:
          hide_credentials: true
