#!/usr/bin/env bash
# Makes sure PostgreSQL's server programs (initdb, pg_ctl) are installed, for the tests of
# SharedChannels.Sdk.PostgreSql, which start a throwaway cluster of their own.
#
# Does nothing when initdb is already on PATH or under /usr/lib/postgresql/*/bin (where the tests look).
# Otherwise installs Debian's `postgresql` package with apt-get, without letting the package create
# and start a system cluster: the tests need the programs, not a server.
#
# Exit code 0 when the programs are there afterwards; non-zero, saying why, when they cannot be installed.
# Output of apt-get is kept quiet, and any address in an error is masked.
set -euo pipefail

find_initdb() {
  if command -v initdb >/dev/null 2>&1; then
    command -v initdb
    return 0
  fi
  local candidate
  for candidate in /usr/lib/postgresql/*/bin/initdb; do
    if [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if found="$(find_initdb)"; then
  echo "PostgreSQL is installed: $found"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: PostgreSQL is not installed and this machine has no apt-get; install PostgreSQL's server programs (initdb, pg_ctl) another way." >&2
  exit 1
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo)
  else
    echo "error: PostgreSQL is not installed, and installing it needs root (or sudo)." >&2
    exit 1
  fi
fi

# apt-get's messages name the package sources; show an error's text with any address masked.
quietly() {
  local log rc=0
  log="$(mktemp)"
  "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "error: '$*' failed with exit code $rc:" >&2
    sed -E 's#[A-Za-z][A-Za-z0-9+.-]*://[^ ]*#<source>#g' "$log" | tail -n 20 >&2
  fi
  rm -f "$log"
  return "$rc"
}

echo "Installing PostgreSQL (Debian package postgresql)..."

# The package would create and start a cluster on port 5432 (and at every boot); the tests start their own.
"${sudo_cmd[@]}" mkdir -p /etc/postgresql-common/createcluster.d
echo "create_main_cluster = false" | "${sudo_cmd[@]}" tee /etc/postgresql-common/createcluster.d/sharedchannels-no-main-cluster.conf >/dev/null

export DEBIAN_FRONTEND=noninteractive
quietly "${sudo_cmd[@]}" apt-get update -q
quietly "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends postgresql

if found="$(find_initdb)"; then
  echo "PostgreSQL is installed: $found"
else
  echo "error: the postgresql package was installed, but initdb is still not under /usr/lib/postgresql/*/bin." >&2
  exit 1
fi
