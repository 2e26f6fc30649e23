#!/usr/bin/env bash
# Installs the Debian packages Kerbside needs, and only those missing.
#   scripts/install-system-packages.sh run    what `make run` needs (build + runtime parts)
#   scripts/install-system-packages.sh test   plus what the test suite drives (clients, Python tools)
#   scripts/install-system-packages.sh bench  plus the load generator
# Runs apt-get as root (directly, or through sudo when available).
set -euo pipefail

profile=${1:-run}

# Build: SQLite headers for GRDB, a C compiler, PAM's headers for Kerbside's PAM module, and GSSAPI's (libkrb5-dev)
# for the MySQL front door's Kerberos logins.
# Runtime: MIT Kerberos (one KDC per directory), PostgreSQL (one server per PostgreSQL DB
# instance, run as the `postgres` user the package creates; psql is its client) and MariaDB
# (one server per MySQL-family DB instance, run as `mysql`; the mariadb client is its client),
# with MariaDB's GSSAPI plugins for `IDENTIFIED VIA gssapi` accounts.
run_packages=(libsqlite3-dev pkg-config gcc libpam0g-dev libkrb5-dev krb5-kdc krb5-admin-server krb5-user postgresql postgresql-client
              mariadb-server mariadb-client mariadb-plugin-gssapi-server mariadb-plugin-gssapi-client)
test_packages=(python3-pip)
bench_packages=(wrk)

packages=("${run_packages[@]}")
case "$profile" in
  run) ;;
  test) packages+=("${test_packages[@]}") ;;
  bench) packages+=("${test_packages[@]}" "${bench_packages[@]}") ;;
  *) echo "usage: $0 run|test|bench" >&2; exit 2 ;;
esac

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
# A Python that already has pip (pyenv, say) needs no Debian pip.
if command -v pip3 >/dev/null 2>&1 || python3 -m pip --version >/dev/null 2>&1; then
  missing=("${missing[@]/python3-pip}")
fi
read -r -a missing <<< "${missing[*]:-}"
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "Kerbside needs these Debian packages and cannot become root to install them: ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
# Keep package scripts from starting system services (the system KDC or database): Kerbside
# runs its own, on its own ports.
export DEBIAN_FRONTEND=noninteractive RUNLEVEL=1
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
