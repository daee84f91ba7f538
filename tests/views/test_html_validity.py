"""The main pages are valid HTML by the Nu HTML checker (vnu.jar, fetched by `make vnu`).

htmx's `hx-*` attributes are not in the HTML standard, so the checker's messages about them
are the only ones let through; everything else it finds is a real error.
"""
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.main_pages import CAREGIVER, THERAPIST, seed_main_pages

ROOT = Path(__file__).resolve().parents[2]
HX_ATTRIBUTE = re.compile(r"^Attribute “hx-[a-z-]+” not allowed on element")


def _vnu_jar() -> Path:
    version = re.search(r"^VNU_VERSION := (\S+)$", (ROOT / "Makefile").read_text(), re.M)
    return ROOT / ".cache" / "vnu" / f"vnu-{version.group(1)}.jar"


def _check(files: list[Path]) -> list[dict]:
    """Run the checker once over all files (one JVM start); return its error messages."""
    command = [shutil.which("java"), "-jar", str(_vnu_jar()), "--format", "json",
               "--errors-only", *map(str, files)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)  # noqa: S603
    return json.loads(run.stderr)["messages"]


def test_hx_attribute_messages_are_the_only_ones_let_through():
    assert HX_ATTRIBUTE.match("Attribute “hx-post” not allowed on element “form” at this point.")
    assert not HX_ATTRIBUTE.match("Attribute “x-hx-post” not allowed on element “form”.")
    assert not HX_ATTRIBUTE.match("Duplicate ID “csrf_token”.")


def test_main_pages_are_valid_html(app, db, tmp_path):
    if not shutil.which("java"):
        pytest.skip("java is missing: the Nu HTML checker needs it (apt-get install default-jre)")
    assert _vnu_jar().exists(), f"{_vnu_jar()} is missing: run `make vnu`"
    seeded = seed_main_pages(app, db)
    clients = {CAREGIVER: seeded.family.client, THERAPIST: seeded.therapist.client}
    files = []
    for page in seeded.pages:
        client = clients.get(page.who) or app.test_client()
        response = client.get(page.path)
        assert response.status_code == 200, (page.name, response.status_code)
        files.append(tmp_path / f"{page.name.replace(' ', '-')}.html")
        files[-1].write_text(response.get_data(as_text=True))
    found = [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m['message']}"
             for m in _check(files) if not HX_ATTRIBUTE.match(m["message"])]
    assert not found, "\n".join(found)
