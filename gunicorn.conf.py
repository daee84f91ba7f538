"""gunicorn settings, read from the environment: `gunicorn app:app` picks this file up.

BIND (default 127.0.0.1:8000) and WEB_CONCURRENCY (default 2 workers) set where and how many;
each worker loads the app once. Serving beyond loopback needs BASE_URL (public_address.py).
WEB_TIMEOUT (30 s) replaces a worker stuck on one request; WEB_GRACEFUL_TIMEOUT (30 s) is how
long workers get to finish the requests in hand after SIGTERM (a deploy, a scale-down).
"""
import gc
import os

from graded_exposure.public_address import require_base_url

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "30"))
accesslog = "-"


def on_starting(server) -> None:
    """Refuse to start on a public interface without BASE_URL (links in emails need it)."""
    hosts = [address[0] for address in server.cfg.address if isinstance(address, tuple)]
    require_base_url(os.environ, hosts)


def post_worker_init(worker) -> None:
    """Freeze what loading the app made, so full collections stop walking it on every pass.

    The app's long-lived objects (URL map, templates, SQLAlchemy metadata, modules) would
    otherwise be re-examined by every full collection for the worker's whole life. Frozen here,
    in each worker after it loaded the app, rather than with preload_app in the master before
    the fork: the app opens its database engine and builds its static files at load, and a
    connection pool must not be shared across a fork.
    """
    gc.collect()
    gc.freeze()
