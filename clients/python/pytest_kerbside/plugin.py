"""The fixtures, registered with pytest through the `pytest11` entry point.

- `kerbside_session` (session scope): a private Kerbside on a free port with its own data dir,
  started once, stopped at the end (SIGTERM to its pid; no process left behind).
- `kerbside` (function scope): that Kerbside, reset before the test, so every test starts with no
  directory, role, DB instance or cluster.
"""

from __future__ import annotations

import shutil

import pytest

from .server import Kerbside, engine_reachable_dir


def served(make=Kerbside, prefix: str = "pytest-kerbside-"):
    """A fixture's body: `make(data_dir)` started in a fresh folder the database servers can
    reach, yielded, then stopped (its exit code checked) and its folder removed."""
    base = engine_reachable_dir(prefix)
    server = make(base / "data")
    try:
        server.start()
    except RuntimeError as error:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(str(error), pytrace=False)
    yield server
    pid, code = server.pid, server.stop()
    log = server.log_text()
    shutil.rmtree(base, ignore_errors=True)
    assert code == 0, f"kerbside (pid {pid}) exited {code} on SIGTERM\n--- server log ---\n{log}"


@pytest.fixture(scope="session")
def kerbside_session():
    yield from served()


@pytest.fixture
def kerbside(kerbside_session) -> Kerbside:
    kerbside_session.reset()
    return kerbside_session
