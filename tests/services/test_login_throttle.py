"""The login throttle's counts read only the window they count (tests/views/test_auth.py has
what the throttle refuses, over HTTP)."""
from datetime import timedelta

import pytest

from graded_exposure.models import LoginAttempt, utcnow
from graded_exposure.services import login_throttle
from tests.query_plans import SQLITE_PLANS, plan_of


@pytest.mark.sqlite_only(SQLITE_PLANS)
@pytest.mark.parametrize("by, index", [("ip", "ix_loginattempt_ip_time"),
                                       ("email", "ix_loginattempt_email_time")])
def test_each_count_reads_its_address_or_account_in_the_window_only(db, by, index):
    # By the address alone it read 30 kept days: 16.7 ms a login for a shared address with
    # 20,000 attempts, 12 us through (ip, at).
    statement = login_throttle.failures_since(utcnow() - timedelta(minutes=15),
                                              getattr(LoginAttempt, by) == "203.0.113.7")
    plan = plan_of(db.connection(), statement, {})
    assert index in plan, plan
