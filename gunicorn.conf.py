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
# gunicorn 25+ opens a control socket for `gunicornc` at one fixed path per user
# ($XDG_RUNTIME_DIR or ~/.gunicorn/gunicorn.ctl): two gunicorns on one host (two deployments,
# the benchmark beside the tests) take it over from each other. Nothing here uses it; deploys
# signal the master (HUP, TERM) as before.
control_socket_disable = True
# A young collection after 10,000 more container objects than were freed, not Python's 700:
# at 700 the ladder and therapist pages ran about one young collection a request and an older
# one every ten, each walking what the request still held (its ORM objects, its forms, the
# page half rendered): 2-3 % of those pages in-process. At 10,000 it is about one in a hundred
# requests; cycles are still collected, a little later (the numbers are in issue 10's note).
YOUNG_COLLECTION_EVERY = 10_000


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
    gc.set_threshold(YOUNG_COLLECTION_EVERY, *gc.get_threshold()[1:])
