"""The template `url_for` builds each relative URL once and answers exactly as Flask's would."""
import pytest
from flask import url_for

from graded_exposure import create_app
from graded_exposure.url_memo import SLOT


def _template_url_for(app):
    return app.jinja_env.globals["url_for"]


@pytest.mark.parametrize(("endpoint", "values"), [
    ("static", {"filename": "css/app.css"}),  # the fingerprinted name, through url_defaults
    ("auth.login", {}),
    ("auth.login", {"next": "/children/3?x=1"}),  # a query string
    ("home.index", {}),
])
def test_memoised_urls_equal_flasks_own_on_first_and_later_calls(app, endpoint, values):
    memo = _template_url_for(app)
    with app.test_request_context("/"):
        expected = url_for(endpoint, **values)
        assert memo(endpoint, **values) == expected
        hits = memo.cache_info().hits
        assert memo(endpoint, **values) == expected
        assert memo.cache_info().hits == hits + 1


def test_query_arguments_keep_the_order_they_were_given_in(app):
    memo = _template_url_for(app)
    with app.test_request_context("/"):
        assert memo("home.index", q="a", flag="any", page=2) == "/?q=a&flag=any&page=2"
        assert memo("home.index", page=2, q="a") == url_for("home.index", page=2, q="a")


def test_equal_but_differently_typed_values_are_not_mixed_up(app):
    memo = _template_url_for(app)
    with app.test_request_context("/"):
        assert memo("auth.login", next=1) == url_for("auth.login", next=1)
        assert memo("auth.login", next=True) == url_for("auth.login", next=True)
        assert memo("auth.login", next=True) != memo("auth.login", next=1)


def test_external_and_unhashable_values_go_to_flask_unchanged(app):
    memo = _template_url_for(app)
    with app.test_request_context("/"):
        before = memo.cache_info().currsize
        assert memo("auth.login", _external=True) == url_for("auth.login", _external=True)
        assert memo("auth.login", _external=True).startswith("http")
        assert memo("auth.login", next=["a", "b"]) == url_for("auth.login", next=["a", "b"])
        assert memo.cache_info().currsize == before


def test_the_script_root_is_part_of_the_key(app):
    memo = _template_url_for(app)
    with app.test_request_context("/"):
        plain = memo("auth.login")
    with app.test_request_context("/", base_url="http://localhost/brave/"):
        assert memo("auth.login") == "/brave" + plain == url_for("auth.login")


def test_a_failed_build_raises_every_time_and_is_not_kept(app):
    memo = _template_url_for(app)
    with app.test_request_context("/"):
        for _ in range(2):
            with pytest.raises(Exception, match="practice_id"):
                memo("practices.update")


@pytest.mark.own_app
def test_each_app_has_its_own_memo(app):
    other = create_app(app.config.copy() | {"TESTING": True})
    assert _template_url_for(other) is not _template_url_for(app)


@pytest.mark.parametrize(("endpoint", "name", "values"), [
    ("steps.move", "step_id", {}),
    ("practices.create", "step", {"child_id": 7}),  # the slot in the query string
])
@pytest.mark.parametrize("row_id", [1, 42, 918_273_645, 10**12])
def test_a_url_pattern_filled_with_an_id_equals_flasks_url(app, endpoint, name, values, row_id):
    pattern = app.jinja_env.globals["url_pattern"]
    with app.test_request_context("/", base_url="http://localhost/100%25/"):
        assert pattern(endpoint, name, **values) % row_id == url_for(
            endpoint, **values, **{name: row_id})


def test_a_url_pattern_whose_slot_is_ambiguous_is_refused(app):
    pattern = app.jinja_env.globals["url_pattern"]
    with (app.test_request_context("/", base_url=f"http://localhost/{SLOT}/"),
          pytest.raises(ValueError, match="step_id must appear once")):
        pattern("steps.move", "step_id")
