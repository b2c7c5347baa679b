#!/bin/sh
# Prints the root key of pgsodium and Supabase Vault. It is derived from the Secret key
# vault-enc-key instead of being generated into the container's file system, so it survives pod
# restarts and volume moves, and secrets stored in Vault stay readable. Any key length works: the
# 32-byte root key is its SHA-256, printed as 64 hex digits without a newline like the stock script.
set -eu
key_file=/etc/supacontrol/db-keys/vault-enc-key
if [ ! -s "$key_file" ]; then
  echo "pgsodium-getkey: $key_file is missing or empty (Secret key vault-enc-key)" >&2
  exit 1
fi
tr -d '\n' <"$key_file" | sha256sum | cut -c1-64 | tr -d '\n'
