"""The app as gunicorn serves it in the page benchmark, plus what only the benchmark needs.

    gunicorn -c gunicorn.conf.py 'bench.server:create()'

Adds a bare endpoint that runs one indexed query on the same database (the yardstick every
page is compared with) and an `X-Bench-SQL` response header counting the SQL statements the
request ran. The database comes from DATABASE_URL like the real app's.
"""
from flask import Flask, g, has_app_context
from sqlalchemy import event, select

from graded_exposure import create_app
from graded_exposure.db import get_session
from graded_exposure.models import Practice


def create() -> Flask:
    """The real app with the bare endpoint and the statement counter."""
    app = create_app()

    @app.get("/bench/bare/<int:child_id>")
    def bench_bare(child_id: int):
        found = get_session().exec(select(Practice.id).where(Practice.child_id == child_id)
                                   .order_by(Practice.id.desc()).limit(1)).first()
        return f"ok {found}"

    @event.listens_for(app.extensions["db_engine"], "before_cursor_execute")
    def _count(*_args):
        if has_app_context():
            g.bench_sql = g.get("bench_sql", 0) + 1

    @app.after_request
    def _report(response):
        response.headers["X-Bench-SQL"] = str(g.get("bench_sql", 0))
        return response

    return app
