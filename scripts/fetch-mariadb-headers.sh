#!/usr/bin/env bash
# Fetches the MariaDB server's plugin headers that Kerbside's server plugins build against
# (Sources/mariadb_kerbside): only the headers of Debian's libmariadbd-dev, of the version of the
# installed server, unpacked into $1 (nothing is installed on the system). Does nothing when
# they are there already.
#   scripts/fetch-mariadb-headers.sh .build/mariadb-server-headers
set -euo pipefail

target=${1:?usage: $0 DIRECTORY}
[ -f "$target/usr/include/mariadb/server/mysql/plugin_auth.h" ] && exit 0

version=$(dpkg-query -W -f='${Version}' mariadb-server 2>/dev/null || true)
[ -n "$version" ] || { echo "mariadb-server is not installed; scripts/install-system-packages.sh run installs it" >&2; exit 1; }
download=$(mktemp -d)
chmod 755 "$download"   # apt-get download writes as its own user
trap 'rm -rf "$download"' EXIT
echo "Fetching the MariaDB $version server plugin headers (libmariadbd-dev, headers only)"
(cd "$download" && apt-get download -qq "libmariadbd-dev=$version" >/dev/null)
mkdir -p "$target"
dpkg-deb --fsys-tarfile "$download"/libmariadbd-dev_*.deb | tar -x -C "$target" ./usr/include/mariadb/server
