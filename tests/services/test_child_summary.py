"""How the caseload summary's row reads a child's data (what it holds: test_caseload_summary.py)."""
from graded_exposure.services import child_summary
from tests.query_plans import plan_of


def test_the_rows_head_reads_the_latest_check_in_and_hopeless_day_through_indexes(db, family):
    # Rebuilt in every check-in's commit: it read all of a child's check-ins for these two,
    # 550 us at two years of them, 11 us through the indexes.
    plan = plan_of(db.connection(), child_summary.HEAD, {"child_id": family.child.id})
    assert "ix_daycheckin_child_updated" in plan and "ix_daycheckin_child_hopeless" in plan, plan
