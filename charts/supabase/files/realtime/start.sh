#!/bin/bash
# Starts Realtime as the image's own /app/run.sh does (supabase/realtime run.sh @ v2.102.3), minus
# its two `sudo -E -u nobody` calls. The pod already runs as nobody (uid 65534), and sudo cannot
# change users once every capability is dropped: "setresuid ... Operation not permitted"
# (supabase/realtime#2063). Kept from run.sh, in its order: the soft open-files limit from
# RLIMIT_NOFILE, crash dumps in /tmp, the migrations, the self-hosted tenant's seed when
# SEED_SELF_HOST=true, then the server (the image's CMD, passed as arguments). Left out, because
# the chart uses neither: the crash-dump upload to S3 and the cluster certificates from AWS.
set -euo pipefail

if [ -n "${RLIMIT_NOFILE:-}" ]; then
  ulimit -Sn "$RLIMIT_NOFILE" ||
    echo "realtime start: could not raise the open-files limit to $RLIMIT_NOFILE; keeping $(ulimit -n)" >&2
fi
export ERL_CRASH_DUMP=/tmp/erl_crash.dump

echo "realtime start: running migrations"
/app/bin/migrate

if [ "${SEED_SELF_HOST:-}" = true ]; then
  echo "realtime start: seeding the self-hosted tenant"
  /app/bin/realtime eval 'Realtime.Release.seeds(Realtime.Repo)'
fi

echo "realtime start: starting Realtime"
exec "$@"
