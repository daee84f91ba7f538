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


def test_a_worker_collects_young_objects_less_often_than_python_does():
    conf = _gunicorn_conf()
    before = gc.get_threshold()
    try:
        conf.post_worker_init(worker=None)
        young, *older = gc.get_threshold()
        assert young == conf.YOUNG_COLLECTION_EVERY > 700
        assert older == list(before[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)


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


def test_no_control_socket_at_a_path_every_gunicorn_on_the_host_shares():
    # Found on a host running two gunicorns: each opened ~/.gunicorn/gunicorn.ctl.
    assert _gunicorn_conf().control_socket_disable is True
