"""A throwaway PostgreSQL cluster for a test module that needs one of its own.

Skips, saying why, only when PostgreSQL's programs are not installed (`make test` installs
them). Start it from a module-scoped fixture and mark the module with an xdist group, so one
cluster serves the whole module on one test process.
"""
import contextlib
import uuid

import pytest


@contextlib.contextmanager
def cluster_or_skip():
    """Yield a started bench.postgres.Cluster, stopped afterwards; skip if none can exist."""
    from bench.postgres import bin_dir, throwaway_cluster

    try:
        bin_dir()
    except RuntimeError:
        pytest.skip("PostgreSQL is not installed here (`make test` installs postgresql-15)")
    with throwaway_cluster() as cluster:
        yield cluster


def new_database(cluster, prefix: str) -> tuple[str, str]:
    """Create an empty database with a fresh name; return its name and URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    return name, cluster.create_database(name)
