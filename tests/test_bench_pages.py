"""Smoke test for bench/pages.py: a tiny seed and measure, so the benchmark cannot rot."""
import random

from bench import pages


def test_bench_pages_reports_a_ratio_for_every_page(tmp_path):
    seeded = pages.seed(tmp_path, families=5, rng=random.Random(1))
    report = pages.measure(seeded, requests=2, warmup=1)

    names = [row.name for row in report["rows"]]
    assert names[0].startswith("bare endpoint")
    assert len(names) == 13
    assert report["rows"][0].ratio == 1.0
    assert all(row.ratio > 0 and row.sql >= 1 for row in report["rows"])
    assert seeded.counts["practice"] > 0 and seeded.counts["daycheckin"] > 0
    assert all(raw > packed > 0 for raw, packed in
               (report["home"], report["partial"], report["first_load"]))
