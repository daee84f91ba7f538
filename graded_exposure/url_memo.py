"""Templates build each URL once per process, not once per link per page.

A page calls `url_for` 25 to 70 times (the nav, the static files, one or more per row), and each
call walks Werkzeug's URL map and runs the url_defaults hooks: about 12 µs, 8 to 12 % of a
rendered page in the profiles of issue 10. For a relative URL the result depends only on the
endpoint, its values and the script root (and the current blueprint for a ".name" endpoint),
so this memo keeps it in a bounded LRU per app. Everything that could depend on more — an
external URL, a scheme, an anchor, a method, values that cannot be hashed — goes to Flask's own
`url_for` unchanged, as does every call outside a request. Errors are never cached.

A page that links every row to the same endpoint asks once for `url_pattern` (the same URL with
a `%d` slot for the row's id) and writes `pattern % row.id` per row: Python's `%`, not a call.

Views keep calling `flask.url_for` (a redirect or two per request); only the template global
is replaced. Hand-written because no maintained package does this for Flask 3: it is a
functools.lru_cache around Flask's own builder.
"""
from collections.abc import Hashable
from functools import lru_cache

from flask import Flask, has_request_context, request

ENTRIES = 8192  # distinct relative URLs kept per process: the nav, static files, recent rows
NOT_MEMOISED = frozenset({"_external", "_scheme", "_anchor", "_method"})
SLOT = 918_273_645  # stands for the row's id while a pattern is built; no table is near it


def init_app(app: Flask) -> None:
    """Replace the `url_for` template global with a memoised one for relative URLs."""
    build = app.url_for

    @lru_cache(maxsize=ENTRIES)
    def _built(script_root: str, blueprint: str | None, endpoint: str,
               values: tuple[tuple[str, type, Hashable], ...]) -> str:
        return build(endpoint, **{name: value for name, _, value in values})

    def url_for(endpoint: str, **values) -> str:
        if not has_request_context() or NOT_MEMOISED.intersection(values):
            return build(endpoint, **values)
        try:
            # In the order given (the query string keeps it); with the type, as True and 1 are
            # equal keys but different URLs.
            key = tuple((name, type(value), value) for name, value in values.items())
            hash(key)
        except TypeError:  # an unhashable value (a list of query values): build it as it is
            return build(endpoint, **values)
        blueprint = request.blueprint if endpoint.startswith(".") else None
        return _built(request.script_root, blueprint, endpoint, key)

    def url_pattern(endpoint: str, name: str, **values) -> str:
        """The URL of `endpoint` with `name` left as a %d slot: `pattern % row_id` is the URL."""
        built = url_for(endpoint, **values, **{name: SLOT})
        if built.count(str(SLOT)) != 1:
            raise ValueError(f"{endpoint}: {name} must appear once in the URL")
        return built.replace("%", "%%").replace(str(SLOT), "%d")

    url_for.cache_info = _built.cache_info  # for tests and benchmarks
    app.jinja_env.globals.update(url_for=url_for, url_pattern=url_pattern)
