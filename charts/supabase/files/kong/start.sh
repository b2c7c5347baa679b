#!/bin/bash
# Writes Kong's declarative configuration from the template, filling in the API keys and the
# Studio credentials from the environment (the instance Secret), then starts Kong. The keys thus
# never pass through Helm and never sit in a ConfigMap.
set -euo pipefail
# With patsub_replacement (bash 5.2) an unquoted '&' in a replacement means the match; the
# replacements below are quoted, and this keeps older and newer bash alike.
shopt -u patsub_replacement 2>/dev/null || true

template=/etc/supacontrol/kong/kong.yml
target=${KONG_DECLARATIVE_CONFIG:?KONG_DECLARATIVE_CONFIG is not set}

# A YAML single-quoted scalar: only the quote itself needs escaping, by doubling it.
yaml_quote() {
  local value=$1
  printf "'%s'" "${value//\'/\'\'}"
}

config=$(<"$template")
for name in SUPABASE_ANON_KEY SUPABASE_SERVICE_KEY DASHBOARD_USERNAME DASHBOARD_PASSWORD; do
  value=${!name:-}
  if [ -z "$value" ]; then
    echo "kong start: $name is empty; check the instance Secret" >&2
    exit 1
  fi
  config=${config//"\${$name}"/"$(yaml_quote "$value")"}
done

umask 077
printf '%s\n' "$config" >"$target"
# kong/kong's own entrypoint (Kong/kong build/dockerfiles/deb.Dockerfile @ 3.9.1:
# ENTRYPOINT ["/entrypoint.sh"]). /docker-entrypoint.sh exists only in Docker Hub's library image
# `kong`, not in kong/kong (Kong/kong#11179); charts/supabase/images.yaml keeps the fact.
exec /entrypoint.sh kong docker-start
