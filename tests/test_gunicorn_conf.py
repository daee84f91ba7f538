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
