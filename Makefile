# The two commands a new machine needs (see README.md):
#   make run    install what Kerbside needs, build it, and serve on 127.0.0.1:4566
#   make test   install what the tests need and run every test: Swift unit tests and the
#               end-to-end suite that drives Kerbside with the AWS CLI, boto3 and Terraform
# And:
#   make bench  Kerbside against moto with wrk; figures for docs/performance.md

SWIFT ?= swift
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 4566
DATA_DIR ?=
SERVE_FLAGS ?=

.PHONY: run test unit-test e2e-test bench build release pam-module mariadb-plugin python-deps clean

run: release
	./.build/release/kerbside serve --host $(HOST) --port $(PORT) $(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(SERVE_FLAGS)

release:
	scripts/install-system-packages.sh run
	$(SWIFT) build -c release --product kerbside
	$(MAKE) --no-print-directory pam-module mariadb-plugin CONFIGURATION=release

build:
	scripts/install-system-packages.sh run
	$(SWIFT) build --build-tests
	$(MAKE) --no-print-directory pam-module mariadb-plugin CONFIGURATION=debug

# The PAM module PostgreSQL relays IAM logins through; plain C, beside the kerbside binary.
CC ?= cc
CONFIGURATION ?= debug
pam-module:
	$(CC) -O2 -Wall -Wextra -Werror -fPIC -shared -o .build/$(CONFIGURATION)/pam_kerbside.so Sources/pam_kerbside/pam_kerbside.c -lpam

# Kerbside's MariaDB server plugins (AWSAuthenticationPlugin and the other RDS account plugins,
# decided by the MySQL front door), built against the server's own plugin headers.
MARIADB_HEADERS ?= .build/mariadb-server-headers
mariadb-plugin:
	scripts/fetch-mariadb-headers.sh $(MARIADB_HEADERS)
	$(CC) -O2 -Wall -Wextra -Werror -fPIC -shared -DMYSQL_DYNAMIC_PLUGIN -I$(MARIADB_HEADERS)/usr/include/mariadb/server \
		-o .build/$(CONFIGURATION)/kerbside_auth.so Sources/mariadb_kerbside/kerbside_auth.c

python-deps:
	scripts/install-system-packages.sh test
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r Tests/e2e/requirements.txt
	$(PYTHON) -m pip install --quiet --disable-pip-version-check ./clients/python
	rm -rf clients/python/build clients/python/*.egg-info

test: build python-deps
	$(SWIFT) test --skip-build
	KERBSIDE_BIN=$(CURDIR)/.build/debug/kerbside $(PYTHON) -m pytest Tests/e2e -q
	KERBSIDE_BIN=$(CURDIR)/.build/debug/kerbside $(PYTHON) -m pytest clients/python/tests -q

bench:
	scripts/install-system-packages.sh bench
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r Tests/e2e/requirements.txt
	$(SWIFT) build -c release --product kerbside
	$(MAKE) --no-print-directory pam-module mariadb-plugin CONFIGURATION=release
	$(PYTHON) scripts/bench.py --kerbside $(CURDIR)/.build/release/kerbside
	$(PYTHON) scripts/bench_directories.py --kerbside $(CURDIR)/.build/release/kerbside
	$(PYTHON) scripts/bench_rds.py --kerbside $(CURDIR)/.build/release/kerbside
	$(PYTHON) scripts/bench_aurora.py --kerbside $(CURDIR)/.build/release/kerbside
	$(PYTHON) scripts/bench_mysql.py --kerbside $(CURDIR)/.build/release/kerbside
	$(PYTHON) scripts/bench_start.py --kerbside $(CURDIR)/.build/release/kerbside

clean:
	rm -rf .build
