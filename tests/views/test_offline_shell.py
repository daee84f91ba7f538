"""The installable, offline-capable app: /sw.js carries this deploy's shell, pages link it all."""
import json
import re

from graded_exposure.views.push import SHELL_FILES

BUILD_LINE = re.compile(r"^var BUILD = (\{.*\});$", re.MULTILINE)
YEAR_IMMUTABLE = "public, max-age=31536000, immutable"


def _build(client) -> dict:
    body = client.get("/sw.js").get_data(as_text=True)
    return json.loads(BUILD_LINE.search(body).group(1))


def test_the_worker_precaches_this_deploys_fingerprinted_shell(client):
    build = _build(client)
    assert len(build["shell"]) == len(SHELL_FILES)
    assert re.fullmatch(r"[0-9a-f]{16}", build["version"]) and build["offline"] == "/offline"
    assert build["loggedOut"] == "/offline/logged-out"
    for url in build["shell"]:
        assert re.fullmatch(r"/static/.+\.[0-9a-f]{12}\.[a-z]+", url), url
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == YEAR_IMMUTABLE
    page = client.get("/login").get_data(as_text=True)
    for linked in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        assert linked in build["shell"], linked  # every file a page needs opens offline


def test_the_cache_name_changes_with_what_the_shell_holds(client, monkeypatch):
    first = _build(client)["version"]
    assert _build(client)["version"] == first  # the same deploy, the same cache
    monkeypatch.setattr("graded_exposure.views.push.SHELL_FILES", SHELL_FILES[:-1])
    assert _build(client)["version"] != first


def test_the_offline_page_names_nobody(family):
    response = family.client.get("/offline")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "You're offline" in html
    assert family.child.display_name not in html and "csrf" not in html.lower()
    # One script, the shell's own offline.js (it lists what waits from the phone itself).
    (script,) = re.findall(r"<script[^>]*>", html)
    assert re.fullmatch(r'<script src="/static/js/offline\.[0-9a-f]{12}\.js" defer>', script)


def test_the_logged_out_offline_page_names_nobody_and_says_what_happens_next(family):
    response = family.client.get("/offline/logged-out")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Logged out on this phone" in html
    assert "as soon as this phone is back online" in html and 'href="/login"' in html
    assert family.child.display_name not in html and family.user.display_name not in html
    assert "csrf" not in html.lower() and "<script" not in html


def test_the_worker_is_built_from_its_own_placeholder_line(client):
    """The placeholder the view replaces is the line static/sw.js carries, word for word."""
    from pathlib import Path

    from graded_exposure.views.push import BUILD_PLACEHOLDER
    source = (Path(__file__).parents[2] / "static" / "sw.js").read_text(encoding="utf-8")
    assert source.count(BUILD_PLACEHOLDER) == 1
    assert BUILD_PLACEHOLDER not in client.get("/sw.js").get_data(as_text=True)


def test_every_page_links_the_manifest_and_the_offline_script(client, family):
    for page in (client.get("/login"), family.client.get(f"/children/{family.child.id}")):
        html = page.get_data(as_text=True)
        assert '<link rel="manifest" href="/manifest.webmanifest">' in html
        assert '<meta name="theme-color" content="#1f6f5c">' in html
        assert re.search(r'<script src="/static/js/offline\.[0-9a-f]{12}\.js" defer>', html)


def test_only_a_signed_in_page_names_its_account(client, family):
    assert "data-account" not in client.get("/login").get_data(as_text=True)
    home = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert f'data-account="{family.user.id}"' in home


def test_the_child_home_has_an_empty_hidden_place_for_the_queue(family):
    home = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert re.search(rf'<section id="offline-queue"[^>]*data-child="{family.child.id}"[^>]*hidden>',
                     home)


def test_the_checkin_day_carries_the_familys_zone(family):
    page = family.client.get(f"/children/{family.child.id}/checkin").get_data(as_text=True)
    assert 'data-family-zone="Europe/London"' in page


def test_the_manifest_has_a_maskable_icon(client):
    icons = client.get("/manifest.webmanifest").get_json()["icons"]
    assert any(icon["purpose"] == "maskable" for icon in icons)
