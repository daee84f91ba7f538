"""Fuzz every form of the family's app: any field values give a 2xx/3xx/4xx, never a 500.

The field names come from the forms themselves, so a new field is fuzzed without editing
this file; the values are what hypothesis can think of (huge, empty, unicode, numbers, NUL).
"""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graded_exposure.forms.accommodation_plans import AnnouncementForm, EditPlanForm, NewPlanForm
from graded_exposure.forms.boosters import BoosterForm, RelapseCheckForm, ReopenForm
from graded_exposure.forms.checkins import CheckInForm
from graded_exposure.forms.families import ChildForm, InviteForm, TimezoneForm
from graded_exposure.forms.ladders import StepForm
from graded_exposure.forms.practices import LogPracticeForm
from graded_exposure.forms.reminders import ReminderForm
from graded_exposure.models import AccommodationPlan, utcnow
from tests.factories import finished_ladder, make_ladder

values = st.one_of(st.text(max_size=3000), st.integers(-10**20, 10**20).map(str),
                   st.sampled_from(["", "0", "10", "11", "-1", "25:00", "2026-02-30", "\x00",
                                    "<script>alert(1)</script>", "Mars/Olympus"]))


def _field_names(form_class, app) -> list[str]:
    with app.test_request_context():
        form = form_class(meta={"csrf": False})
        return [f.name for f in form if f.type != "CSRFTokenField"]


def _targets(family, db):
    ladder = make_ladder(db, family.child, goal="School", titles=["Gate"])
    child = family.child.id
    db.add(AccommodationPlan(child_id=child, target="Speaking for Sam", instead="We wait",
                             starts_on=utcnow().date(), acceptance="It is hard",
                             confidence="You can", if_upset="Stay close", status="active"))
    db.commit()
    done = finished_ladder(db, family.child, steps=3)
    return [
        (f"/children/{child}/practices", LogPracticeForm),
        (f"/children/{child}/checkin", CheckInForm),
        (f"/children/{child}/edit", ChildForm),
        ("/children/new", ChildForm),
        ("/family/timezone", TimezoneForm),
        ("/family/invites", InviteForm),
        (f"/ladders/{ladder.id}/steps", StepForm),
        (f"/reminders/new?child_id={child}", ReminderForm),
        (f"/children/{child}/plan/new", NewPlanForm),
        (f"/children/{child}/plan/edit", EditPlanForm),
        (f"/children/{child}/plan/announcement", AnnouncementForm),
        (f"/ladders/{done.id}/boosters", BoosterForm),
        (f"/ladders/{done.id}/check", RelapseCheckForm),
        (f"/ladders/{done.id}/reopen", ReopenForm),
    ]


@pytest.mark.parametrize("target", range(14))
def test_forms_never_answer_500(app, family, db, target):
    url, form_class = _targets(family, db)[target]
    names = _field_names(form_class, app)
    token = family.csrf()

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(names, values)))
    def submit(data):
        response = family.client.post(url, data={"csrf_token": token, **data})
        assert response.status_code < 500, (url, data)

    submit()
