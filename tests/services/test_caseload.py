"""The caseload service: linked children only, fixed query count, flags as insights, ordering."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import (
    AuditEvent,
    Child,
    Practice,
    utcnow,
)
from graded_exposure.rules.caseload_query import CaseloadQuery, select_rows
from graded_exposure.rules.flags import Flag
from graded_exposure.services import caseload, demo_data, insights, ladders
from tests.factories import busy_child, link, make_therapist, quick_family_child, template_ladder


def count_queries(engine, call) -> int:
    """Run call() and return how many SQL statements it sent."""
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


# ---- which children ------------------------------------------------------------------------

def test_only_actively_linked_children_are_listed(db, family, other_family):
    tara = make_therapist(db)
    link(db, tara, family.child)
    link(db, tara, other_family.child, status="ended")
    third = quick_family_child(db, 3)
    link(db, tara, third, status="pending")
    rows = caseload.for_therapist(db, tara)
    assert [row.child.id for row in rows] == [family.child.id]


def test_a_therapist_without_links_has_an_empty_caseload(db):
    assert caseload.for_therapist(db, make_therapist(db)) == []


def test_another_therapists_links_are_not_listed(db, family):
    tara, theo = make_therapist(db), make_therapist(db, "theo@example.com", "Theo")
    link(db, theo, family.child)
    assert caseload.for_therapist(db, tara) == []


# ---- what each row holds -------------------------------------------------------------------

def test_row_holds_adherence_current_steps_last_activity_and_homework(db):
    tara = make_therapist(db)
    now = utcnow()
    child = busy_child(db, 1, tara, now)
    [row] = caseload.for_therapist(db, tara, now)
    assert row.days_last_7 == 6 and row.days_last_28 == 6 and row.target == 5
    assert not row.behind
    assert [cs.step_title for cs in row.current_steps] == [
        ladders.ladders_for_child(db, child)[0][0].steps[0].title]
    assert row.last_activity is not None and abs(row.last_activity - now) < timedelta(seconds=5)
    assert row.open_homework == 1


def test_flags_match_the_per_child_insights_on_the_demo_family(db):
    demo_data.seed(db)
    tara = make_therapist(db)
    children = db.exec(select(Child).order_by(Child.id)).all()
    _give_the_demo_something_to_flag(db, children)
    for child in children:
        link(db, tara, child)
    rows = {row.child.id: row for row in caseload.for_therapist(db, tara)}
    kinds = set()
    for child in children:
        expected = insights.for_child(db, child)
        assert rows[child.id].flags == expected.flags, child.display_name
        assert rows[child.id].days_last_7 == expected.practice_days_last_7
        kinds |= {flag.kind for flag in expected.flags}
    assert {"fear_not_falling", "stuck_easy"} <= kinds


def _give_the_demo_something_to_flag(db, children) -> None:
    """Leo's fear stops falling on his current step; Mia's has been easy for three weeks."""
    mia, leo = children
    now = utcnow()
    [leo_ladder] = ladders.ladders_for_child(db, leo)[0]
    current = next(s for s in leo_ladder.steps if s.status == "current")
    for n in range(5):
        db.add(Practice(child_id=leo.id, step_id=current.id, fear_before=5, fear_peak=8,
                        fear_after=4, practiced_at=now - timedelta(hours=n + 1),
                        outcome="did_it", idempotency_key=f"flat-{n}"))
    [mia_ladder] = ladders.ladders_for_child(db, mia)[0]
    easy = next(s for s in mia_ladder.steps if s.status == "current")
    easy.predicted_fear, easy.current_since = 2, now - timedelta(days=21)
    db.commit()


def test_practice_days_use_the_familys_calendar(db):
    tara = make_therapist(db)
    child = quick_family_child(db, 1, tz="Pacific/Auckland")
    ladder = template_ladder(db, child)
    # 11:00 and 13:00 UTC on one UTC day are 23:00 and 01:00 in Auckland (UTC+12): two days.
    first = datetime(2026, 5, 4, 11, 0, tzinfo=UTC)
    for n, moment in enumerate((first, first + timedelta(hours=2))):
        db.add(Practice(child_id=child.id, step_id=ladder.steps[0].id, practiced_at=moment,
                        fear_before=3, fear_peak=4, fear_after=2, outcome="did_it",
                        idempotency_key=f"tz-{n}"))
    db.commit()
    link(db, tara, child)
    [row] = caseload.for_therapist(db, tara, now=datetime(2026, 5, 5, 0, 0, tzinfo=UTC))
    assert row.days_last_7 == 2


# ---- ordering ------------------------------------------------------------------------------

def test_children_needing_attention_come_first(db):
    tara = make_therapist(db)
    now = utcnow()
    on_track = quick_family_child(db, 1)
    behind = quick_family_child(db, 2)
    flagged = quick_family_child(db, 3)
    for child in (on_track, behind, flagged):
        ladder = template_ladder(db, child)
        if child is not flagged:
            db.add(Practice(child_id=child.id, step_id=ladder.steps[0].id, practiced_at=now,
                            fear_before=3, fear_peak=4, fear_after=2, outcome="did_it",
                            idempotency_key=f"o-{child.id}"))
        else:
            ladder.created_at = now - timedelta(days=10)  # and never practised: flagged
        db.commit()
    link(db, tara, on_track, practice_target_days=1)
    link(db, tara, behind, practice_target_days=5)
    link(db, tara, flagged, practice_target_days=1)
    rows = caseload.for_therapist(db, tara, now)
    assert [row.child.display_name for row in rows] == ["Child 003", "Child 002", "Child 001"]
    assert [row.needs_attention for row in rows] == [True, True, False]
    assert rows[0].flags[0].kind == "no_practice"
    assert rows[1].behind and not rows[1].flags


# ---- a fixed number of queries ---------------------------------------------------------------

def test_query_count_is_the_same_for_5_and_150_children(app, db):
    tara = make_therapist(db)
    engine = app.extensions["db_engine"]
    for n in range(5):
        busy_child(db, n, tara)
    db.expire_all()
    few = count_queries(engine, lambda: caseload.for_therapist(db, tara))
    assert len(caseload.for_therapist(db, tara)) == 5
    for n in range(5, 150):
        busy_child(db, n, tara)
    db.expire_all()
    many = count_queries(engine, lambda: caseload.for_therapist(db, tara))
    assert len(caseload.for_therapist(db, tara)) == 150
    assert few == many <= 12


# ---- the practice target -------------------------------------------------------------------

def test_set_practice_target_is_stored_and_audited(db, family):
    tara = make_therapist(db)
    row = link(db, tara, family.child)
    caseload.set_practice_target(db, tara, family.child, 3, ip="10.0.0.1")
    db.refresh(row)
    assert row.practice_target_days == 3
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "practice_target_set")).one()
    assert event.actor_id == tara.id and event.family_id == family.child.family_id


@pytest.mark.parametrize("days", [0, 8, -1, "5", None, True, 2.5])
def test_practice_target_out_of_range_is_refused(db, family, days):
    tara = make_therapist(db)
    row = link(db, tara, family.child)
    with pytest.raises(DomainError, match="from 1 to 7"):
        caseload.set_practice_target(db, tara, family.child, days)
    db.refresh(row)
    assert row.practice_target_days == 5


def test_practice_target_needs_an_active_link(db, family):
    tara = make_therapist(db)
    link(db, tara, family.child, status="ended")
    with pytest.raises(DomainError, match="not linked"):
        caseload.set_practice_target(db, tara, family.child, 3)


# ---- search, filter and sort (issue 13, item 12) -------------------------------------------

def _row(name, days_7=5, target=5, days_28=20, flags=(), active=None, child_id=1):
    """A caseload row as the read path builds it, without a database."""
    return caseload.CaseloadRow(
        child=caseload.CaseloadChild(child_id, name, "🦊"), target=target, tz="UTC",
        today=datetime(2026, 5, 6).date(), last_activity=active, days_last_7=days_7,
        days_last_28=days_28, flags=[Flag(kind, f"{kind} message", "try") for kind in flags])


ROWS = [
    _row("Mia", days_7=1, flags=["no_practice"], active=datetime(2026, 5, 1, tzinfo=UTC)),
    _row("Noah", days_7=5, flags=["stuck_easy", "fear_not_falling"],
         active=datetime(2026, 5, 5, tzinfo=UTC)),
    _row("Ava", days_7=5, flags=["avoidance_rising"], active=None),
    _row("Leo", days_7=3, target=3, days_28=6, active=datetime(2026, 5, 3, tzinfo=UTC)),
    _row("Amira", days_7=2, active=datetime(2026, 5, 4, tzinfo=UTC)),
]


def _names(rows):
    return [row.child.display_name for row in rows]


@pytest.mark.parametrize(("flag", "expected"), [
    ("", ["Noah", "Mia", "Ava", "Amira", "Leo"]),
    ("any", ["Noah", "Mia", "Ava", "Amira"]),
    ("behind_target", ["Mia", "Amira"]),
    ("no_practice", ["Mia"]),
    ("stuck_easy", ["Noah"]),
    ("fear_not_falling", ["Noah"]),
    ("avoidance_rising", ["Ava"]),
])
def test_each_flag_filter_keeps_only_children_with_that_reason(flag, expected):
    assert _names(select_rows(ROWS, CaseloadQuery(flag=flag))) == expected


def test_search_is_by_name_ignoring_case():
    assert _names(select_rows(ROWS, CaseloadQuery(q="AM"))) == ["Amira"]
    assert _names(select_rows(ROWS, CaseloadQuery(q="a"))) == ["Noah", "Mia", "Ava", "Amira"]
    assert select_rows(ROWS, CaseloadQuery(q="zed")) == []


def test_search_finds_a_name_however_its_accents_were_typed():
    """Found from outside: "Renée" typed with é did not find "Renée" stored as e + U+0301
    (or the other way round): the same letters, written two ways."""
    rows = [_row("Rene\u0301e"), _row("Zoë", child_id=2)]
    assert _names(select_rows(rows, CaseloadQuery(q="renée"))) == ["Rene\u0301e"]
    assert _names(select_rows(rows, CaseloadQuery(q="Zoe\u0308"))) == ["Zoë"]


def test_search_without_the_accents_finds_the_accented_name():
    """Found from outside: "zoe" found nothing for "Zoë"; a therapist types what a keyboard
    gives quickest. (The accent typed still narrows to the same names.)"""
    rows = [_row("Zoë"), _row("Renée", child_id=2), _row("Zoltan", child_id=3)]
    assert _names(select_rows(rows, CaseloadQuery(q="zoe"))) == ["Zoë"]
    assert _names(select_rows(rows, CaseloadQuery(q="RENEE"))) == ["Renée"]
    assert _names(select_rows(rows, CaseloadQuery(q="zoë"))) == ["Zoë"]


def test_sort_by_last_activity_puts_the_most_recent_first_and_nothing_logged_last():
    assert _names(select_rows(ROWS, CaseloadQuery(sort="last_activity"))) == [
        "Noah", "Amira", "Leo", "Mia", "Ava"]


def test_sort_by_adherence_puts_the_lowest_share_of_the_target_first():
    # Mia 1/5, Amira 2/5; Leo 3/3 but 6/12 over four weeks; Ava and Noah 5/5 and 20/20.
    assert _names(select_rows(ROWS, CaseloadQuery(sort="adherence"))) == [
        "Mia", "Amira", "Leo", "Ava", "Noah"]


def test_search_filter_and_sort_combine():
    assert _names(select_rows(ROWS, CaseloadQuery(q="a", flag="any", sort="last_activity"))) == [
        "Noah", "Amira", "Mia", "Ava"]


def test_search_and_sort_happen_before_paging(db):
    tara = make_therapist(db)
    children = [quick_family_child(db, n) for n in range(7)]
    for child in children:
        link(db, tara, child)
    query = CaseloadQuery(q="child 00", sort="last_activity")  # Child 000 .. Child 006
    first = caseload.page_for_therapist(db, tara, 1, per_page=3, query=query)
    third = caseload.page_for_therapist(db, tara, 3, per_page=3, query=query)
    assert first.matching == 7 and first.total == 7 and first.pages == 3
    assert _names(first.rows) == ["Child 000", "Child 001", "Child 002"]
    assert _names(third.rows) == ["Child 006"] and not third.page.has_older
    narrow = caseload.page_for_therapist(db, tara, 1, per_page=3,
                                         query=CaseloadQuery(q="child 005"))
    assert narrow.matching == 1 and narrow.total == 7 and _names(narrow.rows) == ["Child 005"]
    everything = caseload.page_for_therapist(db, tara, 1, per_page=3, query=query,
                                             everything=True)
    assert len(everything.rows) == 7 and everything.pages == 1


def test_search_never_finds_another_therapists_children(db, family):
    tara, theo = make_therapist(db), make_therapist(db, "theo@example.com", "Theo")
    link(db, theo, family.child)
    name = family.child.display_name
    found = caseload.page_for_therapist(db, tara, query=CaseloadQuery(q=name, flag="any"))
    assert found.rows == [] and found.total == 0


def test_row_counts_this_weeks_avoidances_from_the_summary_as_the_oracle_does(db):
    tara = make_therapist(db)
    now = utcnow()
    busy_child(db, 1, tara, now)
    [stored] = caseload.for_therapist(db, tara, now)
    [recomputed] = caseload.recompute_rows(db, tara, now)
    assert stored.avoided_last_7 == recomputed.avoided_last_7 == 1
    [later] = caseload.for_therapist(db, tara, now + timedelta(days=8))
    assert later.avoided_last_7 == 0
