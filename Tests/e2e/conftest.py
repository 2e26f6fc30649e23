"""The end-to-end harness: one Kerbside per test session, reset before every test.

Fixtures:
  kerbside       the session's server (a `harness.Kerbside`)
  endpoint       its URL
  boto           client factory: boto(service, credentials=ROOT, validate=True) with the shape check
  iam, sts, ec2, ds, dsdata, rds  root clients (access key `test`, account 123456789012, us-east-1)
  aws            the AWS CLI against the session's server: aws("iam", "create-user", ...)
  start_kerbside starts another server (e.g. strict_credentials=True); stopped after the test
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness import AwsCli, Clients, Kerbside
from pytest_kerbside import engine_reachable_dir
from pytest_kerbside.plugin import served

E2E_DIR = Path(__file__).resolve().parent


@pytest.fixture(scope="session")
def kerbside():
    yield from served(Kerbside, "kerbside-e2e-")


@pytest.fixture(scope="session")
def endpoint(kerbside) -> str:
    return kerbside.endpoint


@pytest.fixture(autouse=True)
def _reset(kerbside):
    kerbside.reset()


@pytest.fixture(scope="session")
def boto(endpoint) -> Clients:
    return Clients(endpoint)


@pytest.fixture
def iam(boto):
    return boto("iam")


@pytest.fixture
def sts(boto):
    return boto("sts")


@pytest.fixture
def ec2(boto):
    return boto("ec2")


@pytest.fixture
def ds(boto):
    return boto("ds")


@pytest.fixture
def dsdata(boto):
    return boto("ds-data")


@pytest.fixture
def rds(boto):
    return boto("rds")


@pytest.fixture(scope="session")
def aws(endpoint, tmp_path_factory) -> AwsCli:
    if shutil.which("aws") is None:
        pytest.skip("the AWS CLI (`aws`) is not installed")
    return AwsCli(endpoint, tmp_path_factory.mktemp("awscli"))


@pytest.fixture
def start_kerbside():
    """Starts extra servers for one test; each is stopped (SIGTERM, exit 0 checked) afterwards."""
    started: list[Kerbside] = []
    base = engine_reachable_dir("kerbside-extra-")

    def start(data_dir: Path | None = None, *, strict_credentials: bool = False, arguments: tuple[str, ...] = ()) -> Kerbside:
        server = Kerbside(data_dir or base / f"data{len(started)}", strict_credentials=strict_credentials, arguments=arguments)
        started.append(server)
        return server.start()

    start.base = base  # a folder the servers can reach, removed after the test
    yield start
    failures = []
    for server in started:
        if server.process is None:
            continue
        pid = server.pid
        code = server.stop()
        if code != 0:
            failures.append(f"kerbside (pid {pid}) exited {code}\n{server.log_text()}")
    shutil.rmtree(base, ignore_errors=True)
    assert not failures, "\n".join(failures)


def pytest_collection_modifyitems(session, config, items):
    """Tells the coverage test whether this session runs the whole suite."""
    modules = {Path(str(item.fspath)).name for item in items}
    every_module = {path.name for path in E2E_DIR.glob("test_*.py")}
    config.stash[FULL_RUN] = modules >= every_module and not config.getoption("keyword") \
        and not config.getoption("markexpr") and not config.getoption("lf")


FULL_RUN = pytest.StashKey[bool]()


@pytest.fixture
def full_run(request) -> bool:
    return request.config.stash.get(FULL_RUN, False)
