"""Fuzz every GET route: odd ids and query strings give a 2xx/3xx/4xx, never a 500.

The routes come from the app's URL map, so a new page is fuzzed without editing this file.
Two runs per route: the family's caregiver on the family's real ids (so the page renders and
really reads its query string), then the caregiver or a stranger who is not logged in on any
id from far below zero to far beyond SQLite's 64 bits. Query strings use the names the app
reads plus random ones, with dates at the ends of the calendar, huge and negative numbers,
control characters and broken percent-escapes.
"""
import re
from datetime import date, timedelta
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graded_exposure import create_app
from tests.conftest import TEST_HASH_METHOD
from tests.factories import family_objects

KNOWN_KEYS = ["next", "start", "end", "page", "notes", "date", "day", "week", "kind", "q", "token",
              "step", "child", "child_id"]
EDGE_DATES = [date.min, date.min + timedelta(days=3), date.min + timedelta(days=10),
              date.max, date.max - timedelta(days=3), date(1999, 12, 31)]
ODD_VALUES = ["", "0", "-1", str(2**63), str(-(2**63) - 1), str(10**30), "1e309", "nan",
              "0000-00-00", "2026-02-30", "//evil.example", "/\t/evil.example", "/\n/x", "%",
              "\x00", "\r\n", "\u2028", "../../etc/passwd"]
# Every known name at once set to a value at an edge: always tried, before the random ones.
PINNED_QUERIES = [urlencode(dict.fromkeys(KNOWN_KEYS, value)) for value in (
    "0001-01-01", "0001-01-04", "9999-12-31", str(2**63), "-1", "/\n/evil.example")]
BROKEN_ESCAPES = ["", "&", "%", "next=%ZZ", "start=%FF", "page=%C0%AF", "==&&"]
ARGUMENT = re.compile(r"<(?:(\w+):)?(\w+)>")
HUGE_IDS = st.one_of(st.sampled_from([0, -1, 2**63 - 1, 2**63, 2**64]),
                     st.integers(-(2**70), 2**70))
# 50 routes: few examples each keeps the file under a minute; hypothesis keeps the failures
# it finds in .hypothesis/ and tries them first next time.
FUZZ = settings(deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _get_rules() -> list[str]:
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite://", "SECRET_KEY": "x",
                      "PASSWORD_HASH_METHOD": TEST_HASH_METHOD})
    return sorted(r.rule for r in app.url_map.iter_rules()
                  if "GET" in r.methods and r.endpoint != "static")


GET_RULES = _get_rules()

values = st.one_of(st.sampled_from(ODD_VALUES),
                   st.one_of(st.sampled_from(EDGE_DATES), st.dates()).map(date.isoformat),
                   st.text(max_size=60), st.integers(-(2**70), 2**70).map(str))
query_strings = st.tuples(
    st.fixed_dictionaries({}, optional=dict.fromkeys(KNOWN_KEYS, values)),
    st.lists(st.tuples(st.text(min_size=1, max_size=10), values), max_size=2),
    st.sampled_from(BROKEN_ESCAPES),
).map(lambda p: "&".join(filter(None, [urlencode(p[0]), urlencode(p[1]), p[2]])))


def _path(rule: str, ids):
    """A strategy for the rule's path: int arguments from `ids`, others any text."""
    parts = {}
    for converter, name in ARGUMENT.findall(rule):
        if converter == "int":
            parts[name] = ids.map(str)
        else:
            parts[name] = st.text(min_size=1, max_size=40).map(lambda t: quote(t, safe=""))
    return st.fixed_dictionaries(parts).map(
        lambda chosen: ARGUMENT.sub(lambda m: chosen[m.group(2)], rule))


def _visit(client, path: str, query: str, htmx: bool) -> int:
    response = client.get(f"{path}?{query}", headers={"HX-Request": "true"} if htmx else {})
    response.close()  # a file response (the service worker) holds its file open until then
    return response.status_code


@pytest.mark.parametrize("rule", GET_RULES)
def test_get_routes_never_answer_500(app, family, db, rule):
    real = family_objects(db, family)
    own_path = ARGUMENT.sub(lambda m: str(real.get(m.group(2), "not-a-token")), rule)
    clients = {"caregiver": family.client, "stranger": app.test_client()}

    @settings(FUZZ, max_examples=15)
    @given(query_strings, st.booleans())
    def own_pages(query, htmx):
        assert _visit(family.client, own_path, query, htmx) < 500, (own_path, query, htmx)

    for query in PINNED_QUERIES:
        own_pages = example(query, False)(own_pages)

    @settings(FUZZ, max_examples=10)
    @given(st.sampled_from(sorted(clients)), _path(rule, HUGE_IDS), query_strings, st.booleans())
    def any_ids(who, path, query, htmx):
        assert _visit(clients[who], path, query, htmx) < 500, (who, path, query, htmx)

    own_pages()
    any_ids()
