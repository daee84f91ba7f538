"""gunicorn.conf.py: each worker freezes the objects made by loading the app."""
import gc

from tests.test_public_address import _gunicorn_conf


def test_a_worker_freezes_what_loading_the_app_made(app):
    conf = _gunicorn_conf()
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_bind_workers_and_timeouts_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BIND", "0.0.0.0:9000")
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.setenv("WEB_TIMEOUT", "20")
    monkeypatch.setenv("WEB_GRACEFUL_TIMEOUT", "25")
    conf = _gunicorn_conf()
    assert (conf.bind, conf.workers, conf.timeout, conf.graceful_timeout) == (
        "0.0.0.0:9000", 4, 20, 25)
    # Each worker loads the app itself: no preload, so no database pool crosses a fork.
    assert not getattr(conf, "preload_app", False)


def test_laptop_defaults(monkeypatch):
    for name in ("BIND", "WEB_CONCURRENCY", "WEB_TIMEOUT", "WEB_GRACEFUL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    conf = _gunicorn_conf()
    assert (conf.bind, conf.workers, conf.timeout, conf.graceful_timeout) == (
        "127.0.0.1:8000", 2, 30, 30)
