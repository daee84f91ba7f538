"""The access grid: every route that takes an id refuses other families and unlinked therapists.

The grid is generated from the app's URL map, so a new route with an id parameter that this
file does not know how to fill makes the test fail until it is covered. Outsiders are another
family's caregiver, a therapist never linked to the child, and a therapist whose link the
family ended.
"""
import pytest

from graded_exposure.models import TherapistLink, utcnow
from graded_exposure.services import accounts
from tests.conftest import PASSWORD, csrf_from, logged_in_client
from tests.factories import family_objects

# Routes whose parameters are secrets, not ids: they are covered by their own tests.
TOKEN_ROUTES = {"/join/<token>", "/reset/<token>", "/register/<token>", "/static/<path:filename>",
                "/unsubscribe/<token>", "/links/invite/<token>", "/calendar/<token>.ics"}


@pytest.fixture
def ended_therapist(app, db, family):
    """A client of a therapist who was linked to the family's child until the family ended it."""
    user = accounts.register(db, email="dr.ended@example.com", password=PASSWORD,
                             display_name="Dr Ended", role="therapist")
    db.add(TherapistLink(therapist_id=user.id, child_id=family.child.id, status="ended",
                         consented_by_id=family.user.id, consented_at=utcnow(),
                         ended_by_id=family.user.id, ended_at=utcnow()))
    db.commit()
    return logged_in_client(app, "dr.ended@example.com")


def _id_routes(app):
    for rule in app.url_map.iter_rules():
        if rule.rule in TOKEN_ROUTES or not rule.arguments:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


@pytest.mark.parametrize("intruder", ["other_family", "therapist_client", "ended_therapist"])
def test_every_id_route_is_404_for_outsiders(request, app, db, family, intruder):
    ids = family_objects(db, family)
    client = request.getfixturevalue(intruder)
    client = client.client if intruder == "other_family" else client
    token = csrf_from(client.get("/account").get_data(as_text=True))
    checked = 0
    for rule, method in _id_routes(app):
        missing = rule.arguments - ids.keys()
        assert not missing, f"{rule.rule}: the access grid does not know how to fill {missing}"
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(ids[name]))
        for htmx in (False, True):
            headers = {"HX-Request": "true"} if htmx else {}
            if method == "GET":
                response = client.get(url, headers=headers)
            else:
                response = client.open(url, method=method, headers=headers,
                                       data={"csrf_token": token, "confirm": "yes"})
            assert response.status_code == 404, f"{method} {url} (htmx={htmx}) gave {response.status_code}"
            checked += 1
    assert checked >= 2


def test_grid_objects_are_reachable_by_their_own_family(app, db, family):
    """The grid's 404s mean something only if the owner gets through on the same URLs."""
    ids = family_objects(db, family)
    for rule, method in _id_routes(app):
        # Therapist pages are 404 for caregivers by design (tests/views/test_therapist.py,
        # tests/views/test_live.py, tests/views/test_therapy_sessions.py).
        if method != "GET" or rule.rule.startswith("/therapist/") or rule.endpoint.startswith(
                ("therapist.", "live_host.")):
            continue
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", str(ids[name]))
        # 204: a poll with nothing new (a live session still open).
        assert family.client.get(url).status_code in (200, 204, 303), url


@pytest.mark.parametrize("bad_id", ["0", "99999", "1180591620717411303424"])
def test_unknown_or_huge_ids_are_404_never_500(app, family, bad_id):
    for rule, method in _id_routes(app):
        url = rule.rule
        for name in rule.arguments:
            url = url.replace(f"<int:{name}>", bad_id)
        if method == "GET":
            response = family.client.get(url)
        else:
            response = family.post(url, {"confirm": "yes"})
        assert response.status_code == 404, f"{method} {url} gave {response.status_code}"
