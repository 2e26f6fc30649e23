"""pytest fixtures for Kerbside, a local AWS for database authentication: a private Kerbside per
test session (`kerbside_session`) and the same one emptied before each test (`kerbside`)."""

from .server import Kerbside, engine_reachable_dir

__all__ = ["Kerbside", "engine_reachable_dir"]
