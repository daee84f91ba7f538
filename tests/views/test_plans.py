"""The parent-led plan's pages: choose a target, write the plan, agree, tell the child."""
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import AccommodationPlan, PlanAgreement, PlanDay, User
from graded_exposure.services import accounts
from graded_exposure.services.checkins import today_for
from tests.conftest import PASSWORD, SignedIn, Therapist, csrf_from, link_by_code
from tests.factories import accommodated_days
from tests.lookups import counted_statements

GOOD = {"choice": "school:kept_home", "instead": "We will take you to school and say goodbye "
        "at the gate.", "acceptance": "I know this is really hard for you",
        "confidence": "I know you can handle it",
        "if_upset": "We stay calm and close, say our sentence once, and do not give in."}


def plan_form(family, **changes):
    data = {**GOOD, "starts_on": today_for(family.child).isoformat(), **changes}
    return {k: v for k, v in data.items() if v is not None}


def plans_of(family):
    family.db.expire_all()
    return list(family.db.exec(select(AccommodationPlan).where(
        AccommodationPlan.child_id == family.child.id)))


def second_caregiver(family, email="jo@example.com") -> SignedIn:
    user = accounts.register(family.db, email=email, password=PASSWORD, display_name="Jo",
                             role="caregiver")
    user.family_id = family.user.family_id
    family.db.add(user)
    family.db.commit()
    return SignedIn(family.app, email)


def test_the_page_suggests_the_most_frequent_accommodation_from_the_check_ins(family):
    accommodated_days(family.db, family.child, "school", "kept_home", days=(0, 7, 14))
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "Keeping Sam home (school or nursery): 3 days" in page
    form = family.client.get(f"/children/{family.child.id}/plan/new").get_data(as_text=True)
    assert 'value="school:kept_home"' in form and "most often on" in form
    assert "Source:" in form and "Lebowitz" in form


def test_a_single_caregiver_writes_the_plan_and_it_is_agreed_and_active(family):
    accommodated_days(family.db, family.child, "school", "kept_home", days=(0, 1))
    response = family.post(f"/children/{family.child.id}/plan/new", plan_form(family))
    assert response.status_code == 303
    (plan,) = plans_of(family)
    assert plan.status == "active" and plan.target == "Keeping Sam home (school or nursery)"
    assert (plan.avoidance_kind, plan.accommodation) == ("school", "kept_home")
    assert plan.statement == "I know this is really hard for you, and I know you can handle it."
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "Changed by alex on" in page and "Kept on 0 of the last 10 days" in page


def test_every_caregiver_must_agree_before_the_plan_starts(family):
    jo = second_caregiver(family)
    family.post(f"/children/{family.child.id}/plan/new",
                plan_form(family, choice="own", own_target="Sleeping in our bed",
                          not_safety="y"))
    (plan,) = plans_of(family)
    assert plan.status == "draft"
    page = jo.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "Still to agree: Jo." in page and "I agree to this plan" in page
    assert jo.post(f"/children/{family.child.id}/plan/agree").status_code == 303
    (plan,) = plans_of(family)
    assert plan.status == "active"


def edit_form(family, **changes):
    plan = plans_of(family)[0]
    return {**plan_form(family), "target": plan.target, "starts_on": plan.starts_on.isoformat(),
            "hold_days": 7, "hold_window": 10, **changes}


def test_the_hold_threshold_can_be_changed_per_plan(family):
    running_plan(family)
    page = family.client.get(f"/children/{family.child.id}/plan/edit").get_data(as_text=True)
    assert 'name="hold_days"' in page and 'value="7"' in page and "Source:" in page
    response = family.post(f"/children/{family.child.id}/plan/edit",
                           edit_form(family, hold_days=5, hold_window=7))
    assert response.status_code == 303
    assert (plans_of(family)[0].hold_days, plans_of(family)[0].hold_window) == (5, 7)
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "of the last 7 days" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"hold_days": 8, "hold_window": 7}, "the first no larger than the second"),
    ({"hold_days": 0}, "Choose from 1 to 30 days."),
    ({"hold_window": 31}, "Choose from 1 to 30 days."),
    ({"hold_window": ""}, "Say out of how many days."),
    ({"target": ""}, "Say which accommodation."),
    ({"confidence": "y" * 151}, "Keep this to 150 characters or fewer"),
])
def test_bad_changes_are_refused_and_nothing_changes(family, changes, message):
    running_plan(family)
    response = family.post(f"/children/{family.child.id}/plan/edit",
                           edit_form(family, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    plan = plans_of(family)[0]
    assert (plan.target, plan.hold_days, plan.hold_window, plan.status) == (
        "Sleeping in our bed", 7, 10, "active")


def test_a_change_asks_everyone_to_agree_again(family):
    jo = second_caregiver(family)
    family.post(f"/children/{family.child.id}/plan/new",
                plan_form(family, choice="own", own_target="Sleeping in our bed",
                          not_safety="y"))
    jo.post(f"/children/{family.child.id}/plan/agree")
    response = jo.post(f"/children/{family.child.id}/plan/edit",
                       edit_form(family, target="Sleeping in our bed at night"))
    assert response.status_code == 303
    (plan,) = plans_of(family)
    assert plan.status == "draft" and plan.target == "Sleeping in our bed at night"
    agreed = family.db.exec(select(PlanAgreement.user_id).where(
        PlanAgreement.plan_id == plan.id)).all()
    assert agreed == [jo_id(family)]


def jo_id(family):
    return family.db.exec(select(User.id).where(User.email == "jo@example.com")).one()


def test_one_target_at_a_time(family):
    family.post(f"/children/{family.child.id}/plan/new",
                plan_form(family, choice="own", own_target="Sleeping in our bed",
                          not_safety="y"))
    response = family.post(f"/children/{family.child.id}/plan/new",
                           plan_form(family, choice="own", own_target="Speaking for her",
                                     not_safety="y"))
    assert response.status_code == 422
    assert "One target at a time" in response.get_data(as_text=True)
    assert len(plans_of(family)) == 1


def test_the_same_form_sent_twice_stores_one_plan(family):
    data = plan_form(family, choice="own", own_target="Sleeping in our bed", not_safety="y")
    assert family.post(f"/children/{family.child.id}/plan/new", data).status_code == 303
    assert family.post(f"/children/{family.child.id}/plan/new", data).status_code == 303
    assert len(plans_of(family)) == 1


BAD = [
    ({"choice": None}, "Choose one target."),
    ({"choice": "school:nonsense"}, "Not a valid choice"),
    ({"choice": "own"}, "Write the accommodation you will change."),
    ({"choice": "own", "own_target": "Holding her hand near the road"},
     "an accommodation that keeps someone safe stays"),
    ({"instead": ""}, "Say what you will do instead."),
    ({"instead": "x" * 501}, "Keep this to 500 characters or fewer"),
    ({"acceptance": " "}, "Write the acceptance part"),
    ({"confidence": None}, "Write the confidence part"),
    ({"if_upset": ""}, "Say what you will do if your child gets very upset."),
    ({"starts_on": "2020-01-01"}, "Choose a start from today"),
    ({"starts_on": "tomorrow"}, "Not a valid date value."),
]


@pytest.mark.parametrize(("changes", "message"), BAD)
def test_bad_plans_are_refused_with_a_message_and_nothing_stored(family, changes, message):
    accommodated_days(family.db, family.child, "school", "kept_home", days=(0,))
    response = family.post(f"/children/{family.child.id}/plan/new", plan_form(family, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert plans_of(family) == []


def test_a_start_too_far_ahead_is_refused(family):
    far = (today_for(family.child) + timedelta(days=61)).isoformat()
    response = family.post(f"/children/{family.child.id}/plan/new",
                           plan_form(family, choice="own", own_target="x", not_safety="y",
                                     starts_on=far))
    assert response.status_code == 422 and plans_of(family) == []


def test_reassurance_in_the_statement_gets_a_gentle_caution_not_a_refusal(family):
    response = family.post(f"/children/{family.child.id}/plan/new",
                           plan_form(family, choice="own", own_target="x", not_safety="y",
                                     confidence="don't worry, nothing bad will happen"),
                           follow_redirects=True)
    assert "This sounds like reassurance" in response.get_data(as_text=True)
    assert len(plans_of(family)) == 1


def test_the_announcement_is_written_from_the_plan_and_editable(family):
    start = today_for(family.child) + timedelta(days=2)
    family.post(f"/children/{family.child.id}/plan/new",
                plan_form(family, choice="own", own_target="x", not_safety="y",
                          starts_on=start.isoformat()))
    url = f"/children/{family.child.id}/plan/announcement"
    page = family.client.get(url).get_data(as_text=True)
    assert "Sam, we love you, and we know you can handle feeling anxious." in page
    assert "we will take you to school and say goodbye at the gate." in page
    assert "not your fault" in page and "data-print" in page
    assert family.post(url, {"text": "Sam, we love you.\n\nFrom Monday we walk."}).status_code == 303
    page = family.client.get(url).get_data(as_text=True)
    assert "<p>From Monday we walk.</p>" in page
    response = family.post(url, {"text": "x" * 2001})
    assert response.status_code == 422 and plans_of(family)[0].announcement.startswith("Sam")


def test_finishing_keeps_the_target_in_the_history_and_frees_the_next(family):
    family.post(f"/children/{family.child.id}/plan/new",
                plan_form(family, choice="own", own_target="Sleeping in our bed",
                          not_safety="y"))
    assert family.post(f"/children/{family.child.id}/plan/finish").status_code == 303
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "Targets you have worked on" in page and "Sleeping in our bed" in page
    assert "Choose a target" in page


def test_pages_without_an_open_plan_are_404_not_500(family):
    for path in ("edit", "announcement"):
        assert family.client.get(f"/children/{family.child.id}/plan/{path}").status_code == 404
    assert family.post(f"/children/{family.child.id}/plan/agree").status_code == 404


def test_a_linked_therapist_suggests_a_plan_the_family_then_agrees_to(app, db, family):
    tara = Therapist(app, db)
    link_by_code(family, tara)
    response = tara.post(f"/children/{family.child.id}/plan/new",
                         plan_form(family, choice="own", own_target="Speaking for Sam",
                                   not_safety="y"))
    assert response.status_code == 303
    (plan,) = plans_of(family)
    assert plan.status == "draft"
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "Changed by Tara on" in page
    family.post(f"/children/{family.child.id}/plan/agree")
    assert plans_of(family)[0].status == "active"
    assert tara.post(f"/children/{family.child.id}/plan/agree").status_code == 404


def test_stored_text_is_inert(family):
    family.post(f"/children/{family.child.id}/plan/new",
                plan_form(family, choice="own", own_target="<script>x</script>", not_safety="y"))
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page


# ---- daily tracking in the check-in ----------------------------------------------------------

def running_plan(family, **changes):
    own = {"choice": "own", "own_target": "Sleeping in our bed", "not_safety": "y"}
    family.post(f"/children/{family.child.id}/plan/new", plan_form(family, **{**own, **changes}))
    return plans_of(family)[0]


def checkin(family, day, **plan_answers):
    page = family.client.get(f"/children/{family.child.id}/checkin?day={day.isoformat()}")
    key = re.search(r'name="idempotency_key"[^>]*value="([0-9a-f]{32})"',
                    page.get_data(as_text=True)).group(1)
    return family.client.post(f"/children/{family.child.id}/checkin", data={
        "csrf_token": csrf_from(page.get_data(as_text=True)), "idempotency_key": key,
        "day": day.isoformat(), "child_distress": 4, "caregiver_distress": 5, **plan_answers})


def plan_days(family):
    family.db.expire_all()
    return list(family.db.exec(select(PlanDay).order_by(PlanDay.day)))


def test_the_check_in_asks_about_the_running_plan_and_stores_the_day(family):
    running_plan(family)
    today = today_for(family.child)
    page = family.client.get(f"/children/{family.child.id}/checkin").get_data(as_text=True)
    assert "Your plan: Sleeping in our bed" in page and "Skipping a day is fine" in page
    assert "FASA" in page
    response = checkin(family, today, plan_kept="yes", plan_child_upset=7, plan_parent_hard=6,
                       plan_helped="Saying our sentence")
    assert response.status_code == 303
    (day,) = plan_days(family)
    assert (day.day, day.kept, day.child_upset, day.parent_hard, day.helped) == (
        today, "yes", 7, 6, "Saying our sentence")
    page = family.client.get(f"/children/{family.child.id}/checkin").get_data(as_text=True)
    assert 'value="yes" checked' in page
    checkin(family, today, plan_kept="no")
    assert [d.kept for d in plan_days(family)] == ["no"]


def test_skipping_the_plan_questions_saves_the_check_in_and_no_plan_day(family):
    running_plan(family)
    assert checkin(family, today_for(family.child)).status_code == 303
    assert plan_days(family) == []


def test_no_plan_questions_before_the_plan_starts_or_without_a_plan(family):
    today = today_for(family.child)
    page = family.client.get(f"/children/{family.child.id}/checkin").get_data(as_text=True)
    assert "Your plan" not in page
    running_plan(family, starts_on=(today + timedelta(days=1)).isoformat())
    page = family.client.get(f"/children/{family.child.id}/checkin").get_data(as_text=True)
    assert "Your plan" not in page
    assert checkin(family, today, plan_kept="yes").status_code == 303
    assert plan_days(family) == []


@pytest.mark.parametrize(("answers", "message"), [
    ({"plan_kept": "always"}, "Choose one of the answers."),
    ({"plan_kept": "yes", "plan_child_upset": 11}, "Choose a number from 0 to 10."),
    ({"plan_kept": "yes", "plan_parent_hard": -1}, "Choose a number from 0 to 10."),
    ({"plan_kept": "yes", "plan_helped": "x" * 201}, "Keep this to 200 characters or fewer"),
    ({"plan_child_upset": 5}, "Say whether you stuck to the plan"),
])
def test_bad_plan_answers_are_refused_and_nothing_stored(family, answers, message):
    running_plan(family)
    response = checkin(family, today_for(family.child), **answers)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert plan_days(family) == []


def test_three_days_tracked_show_on_the_chart_and_the_adherence(family):
    accommodated_days(family.db, family.child, "school", "kept_home", days=(3, 4, 5),
                      distress=3)
    today = today_for(family.child)
    running_plan(family, choice="school:kept_home",
                 starts_on=today.isoformat())
    checkin(family, today, plan_kept="yes", plan_child_upset=8)
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "Kept on 1 of the last 10 days" in page
    assert "Before and after the plan" in page and "(start)" in page
    assert "is not a sign that the plan is failing" in page  # distress 8 after 3 before


# ---- the therapist in the loop ---------------------------------------------------------------

def test_the_linked_therapist_sees_the_plan_and_its_days_on_the_child_page_and_summary(
        app, db, family):
    tara = Therapist(app, db)
    link_by_code(family, tara)
    page = tara.page(f"/therapist/children/{family.child.id}")
    assert "Parent-led plan" in page and "Suggest a plan" in page
    running_plan(family)
    today = today_for(family.child)
    checkin(family, today, plan_kept="yes", plan_child_upset=6, plan_parent_hard=4,
            plan_helped="Saying our sentence")
    page = tara.page(f"/therapist/children/{family.child.id}")
    assert "Sleeping in our bed" in page and "Kept on <strong>1</strong> of the last 10" in page
    assert "1 day tracked (1 kept, 0 partly, 0 not)" in page
    assert "distress 6.0 on average, parents’ 4.0" in page
    assert "What helped: Saying our sentence" in page
    summary = tara.page(f"/therapist/children/{family.child.id}/summary")
    assert "Parent-led plan" in summary and "1 kept, 0 partly" in summary
    plan_page = tara.page(f"/children/{family.child.id}/plan")
    assert "Before and after the plan" in plan_page and "I agree to this plan" not in plan_page


def test_a_therapist_change_is_named_audited_and_waits_for_the_family(app, db, family):
    from graded_exposure.models import AuditEvent
    tara = Therapist(app, db)
    link_by_code(family, tara)
    running_plan(family)
    response = tara.post(f"/children/{family.child.id}/plan/edit",
                         edit_form(family, target="Sleeping in our bed (nights)"))
    assert response.status_code == 303
    plan = plans_of(family)[0]
    assert plan.status == "draft" and plan.changed_by_id == tara.user.id
    assert "Changed by Tara on" in family.client.get(
        f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "plan_changed")).first()


def test_the_plan_page_reads_a_fixed_number_of_statements_whatever_the_history(app, family):
    engine = app.extensions["db_engine"]
    running_plan(family)
    checkin(family, today_for(family.child), plan_kept="yes", plan_child_upset=5)
    url = f"/children/{family.child.id}/plan"
    family.client.get(url)
    with counted_statements(engine) as small:
        assert family.client.get(url).status_code == 200
    accommodated_days(family.db, family.child, "school", "kept_home", days=range(1, 40))
    with counted_statements(engine) as large:
        assert family.client.get(url).status_code == 200
    assert len(small) == len(large), "\n".join(large)


def test_the_home_screen_links_to_the_plan(family):
    page = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert f'href="/children/{family.child.id}/plan"' in page


def test_a_plan_left_waiting_by_a_caregiver_who_left_can_still_start(family):
    second_caregiver(family)
    running_plan(family)
    family.db.delete(family.db.get(User, jo_id(family)))
    family.db.commit()
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "Everyone has agreed: start the plan" in page and "Still to agree" not in page
    family.post(f"/children/{family.child.id}/plan/agree")
    assert plans_of(family)[0].status == "active"


def test_a_running_plan_keeps_its_past_start_when_changed_but_cannot_move_into_the_past(family):
    plan = running_plan(family)
    started = today_for(family.child) - timedelta(days=3)
    plan.starts_on = started
    family.db.add(plan)
    family.db.commit()
    assert family.post(f"/children/{family.child.id}/plan/edit",
                       edit_form(family, instead="We wait at the gate")).status_code == 303
    assert plans_of(family)[0].starts_on == started
    response = family.post(f"/children/{family.child.id}/plan/edit", edit_form(
        family, starts_on=(started - timedelta(days=1)).isoformat()))
    assert response.status_code == 422 and plans_of(family)[0].starts_on == started


def test_deleting_the_child_deletes_its_plans_and_their_days(family):
    running_plan(family)
    checkin(family, today_for(family.child), plan_kept="yes")
    child_id = family.child.id
    response = family.post(f"/children/{child_id}/delete", {"confirm": "yes"})
    assert response.status_code == 303
    family.db.expire_all()
    assert family.db.exec(select(AccommodationPlan)).all() == []
    assert family.db.exec(select(PlanDay)).all() == []


def test_the_expected_rise_also_reads_the_day_check_in_when_the_plan_question_was_skipped(
        family):
    accommodated_days(family.db, family.child, "school", "kept_home", days=(3, 4), distress=2)
    running_plan(family, choice="school:kept_home")
    checkin(family, today_for(family.child), plan_kept="yes")  # child distress 4 that day
    page = family.client.get(f"/children/{family.child.id}/plan").get_data(as_text=True)
    assert "not a sign that the plan is failing" in page
