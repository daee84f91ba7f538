"""Smoke test for bench/pages.py: a tiny seed served by gunicorn, so the benchmark cannot rot."""
import random
import sqlite3

import pytest

from bench import pages


def test_bench_pages_measures_every_page_over_http(tmp_path):
    seeded = pages.seed(tmp_path, families=5, rng=random.Random(1))
    measured = pages.measure(seeded, rounds=2, curve_rounds=1)

    cases = measured["cases"]
    assert cases[0].name.startswith("bare endpoint")
    assert len(cases) == 14
    assert all(len(case.samples) == 2 and min(case.samples) > 0 for case in cases)
    assert all(min(case.sql) >= 1 for case in cases if case.name != "front door /")
    assert [case.name for case in measured["history"][1:]] == [
        "100 practices", "500 practices", "1,000 practices", "2,000 practices"]
    assert all(case.samples for case in measured["caseloads"])
    raw, wire = measured["sizes"]["home first load (HTML + CSS + JS)"]
    assert raw > 0 and wire > 0
    assert seeded.counts["practice"] > 0 and seeded.counts["daycheckin"] > 0


def test_bench_pages_reuses_a_kept_seed_and_times_only_the_named_pages(tmp_path):
    seeded = pages.seeded_in(tmp_path / "kept", families=3)
    database = tmp_path / "kept" / "bench.sqlite"
    seeded_at = database.stat().st_mtime_ns

    again = pages.seeded_in(tmp_path / "kept", families=3)
    assert again == seeded
    assert database.stat().st_mtime_ns == seeded_at
    measured = pages.measure(again, rounds=2, curve_rounds=1, pages=["ladder", "ladder progress"])

    assert [case.name for case in measured["cases"]] == [
        "bare endpoint (1 query)", "ladder", "ladder progress"]
    assert all(len(case.samples) == 2 for case in measured["cases"])
    assert "history" not in measured


def test_bench_pages_refuses_a_kept_seed_of_another_size(tmp_path):
    pages.seeded_in(tmp_path, families=2)
    with pytest.raises(SystemExit, match="holds 2 families"):
        pages.seeded_in(tmp_path, families=3)


def test_bench_pages_repeats_the_named_pages_and_reports_each_runs_ratio(tmp_path, capsys):
    seeded = pages.seeded_in(tmp_path, families=2)
    runs = pages.repeated(seeded, rounds=2, names=["insights", "ladder"], times=2)
    assert len(runs) == 2 and all(list(run) == ["insights", "ladder"] for run in runs)
    assert all(ratio > 0 for run in runs for ratio in run.values())
    pages.report_repeats([{"ladder": 3.0, "insights": 2.0}, {"ladder": 3.4, "insights": 2.2},
                          {"ladder": 2.8, "insights": 2.6}])
    printed = capsys.readouterr().out
    assert "in each of 3 runs" in printed
    assert "   3.0   3.4   2.8   median 3.0" in printed
    assert "   2.0   2.2   2.6   median 2.2" in printed


def test_bench_pages_every_run_starts_from_the_seeded_data(tmp_path):
    # The timed POSTs log practices "now": served in place, each repeat (and each later run on
    # a kept seed) found the previous ones' on the same day, and the weekly summary grew with
    # them (3.4, 4.4, 5.1 in three runs of session 10).
    seeded = pages.seeded_in(tmp_path, families=2)

    def practices() -> int:
        with sqlite3.connect(seeded.url.removeprefix("sqlite:///")) as connection:
            return connection.execute("SELECT count(*) FROM practice").fetchone()[0]

    before = practices()
    measured = pages.measure(seeded, rounds=3, curve_rounds=1,
                             pages=["log practice POST", "weekly summary"])
    assert [case.name for case in measured["cases"]][1] == "log practice POST"
    assert len(measured["cases"][1].samples) == 3  # three practices logged, each a 303
    assert practices() == before
