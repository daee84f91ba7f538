"""Smoke test for bench/reminders.py: tiny runs of both reports, so the benchmark cannot rot."""
from bench import reminders


def test_bench_reminders_inbox_run_delivers_every_reminder():
    run = reminders.measure(30, batch=7)
    assert run.delivered == run.inbox == 30
    assert run.batches == 5 and run.statements > 0 and run.peak_mib >= 0


def test_bench_reminders_channel_run_reaches_the_loopback_servers(capsys):
    reminders.report_channels(8, batch=7, channels=("email", "push"))  # asserts delivery itself
    out = capsys.readouterr().out
    assert "8 emails over 1 connections" in out
    assert "8 pushes over 1 connections; 1 VAPID tokens verified (0 bad)" in out
    assert "2 sampled pushes decrypted (0 not)" in out  # caregiver 1 of 4 is sampled
    phases = next(line for line in out.splitlines() if "outbox phases" in line)
    assert all(f"{phase} " in phases for phase in ("claim", "record", "email", "push"))
    assert "servers' CPU" in out


def test_bench_reminders_peak_is_the_pass_own_not_the_parent_process():
    # A spawned child's getrusage(ru_maxrss) starts at its parent's peak (Linux keeps it across
    # exec), so a parent grown by seeding a million rows once read as the pass's growth.
    ballast = b"\x01" * (300 * 2**20)  # the parent holds 300 MiB, every page touched
    run = reminders.measure(30, batch=7)
    del ballast
    assert 0 <= run.peak_mib < 100
