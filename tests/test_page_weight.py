"""Page weight on the wire: a child's home page loads in 50 KB, an htmx partial in 8 KB.

Bytes, not time: what a phone downloads with gzip (the encoding every browser offers; brotli,
offered over HTTPS, is smaller still). Run with -s to see the numbers.
"""
import re

import pytest

from graded_exposure.rules.ladder_templates import TEMPLATES
from tests.conftest import HX
from tests.factories import add_practices, current_step, template_ladder

GZIP = {"Accept-Encoding": "gzip"}
FIRST_LOAD_BUDGET = 50 * 1024
PARTIAL_BUDGET = 8 * 1024


def _wire(response) -> int:
    with response:  # a static file's response holds the file open until closed
        assert response.status_code == 200, response.status_code
        assert response.headers.get("Content-Encoding") == "gzip"
        return len(response.get_data())


@pytest.fixture
def busy_family(family, db):
    """A child with two ladders from the templates and 60 practices logged."""
    ladders = [template_ladder(db, family.child, key=t.key, by=family.user) for t in TEMPLATES[:2]]
    add_practices(db, family.child, ladders[0].steps, 60, logged_by_id=family.user.id)
    family.ladders = ladders
    return family


def test_first_load_of_a_childs_home_page_fits_in_50_kb(busy_family):
    client = busy_family.client
    page = client.get(f"/children/{busy_family.child.id}", headers=GZIP)
    html = _wire(page)
    plain = client.get(f"/children/{busy_family.child.id}").get_data(as_text=True)
    assets = {url: _wire(client.get(url, headers=GZIP))
              for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', plain)}
    total = html + sum(assets.values())
    print(f"\nchild home: html {html} B ({len(plain.encode())} B plain), "
          f"assets {assets}, first load {total} B")
    assert total <= FIRST_LOAD_BUDGET


def test_htmx_partials_fit_in_8_kb(busy_family):
    family = busy_family
    ladder = family.ladders[0]
    step = current_step(ladder)
    partials = {
        "ladder page, boosted": family.client.get(
            f"/ladders/{ladder.id}", headers={**HX, "HX-Boosted": "true", **GZIP}),
        "move a step": family.post(f"/steps/{step.id}/move", {"direction": "down"},
                                   headers={**HX, **GZIP}),
        "practices list": family.client.get(f"/children/{family.child.id}/practices",
                                            headers={**HX, **GZIP}),
    }
    sizes = {name: _wire(response) for name, response in partials.items()}
    print(f"\npartials on the wire: {sizes}")
    for name, size in sizes.items():
        if name.endswith("boosted"):
            continue  # a boosted navigation is a whole page, weighed against the page budget
        assert size <= PARTIAL_BUDGET, name
