"""Static files: fingerprinted names kept a year, plain names revalidated, gzip and brotli copies."""
import gzip
import re
from concurrent.futures import ThreadPoolExecutor

import brotli
import pytest

from graded_exposure import static_assets
from graded_exposure.config import ROOT

STATIC = ROOT / "static"
HASHED = re.compile(r"^/static/(.+)\.[0-9a-f]{12}(\.[a-z]+)$")
YEAR_IMMUTABLE = "public, max-age=31536000, immutable"


def _static_urls(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_link_every_static_file_by_a_fingerprinted_name(client):
    urls = _static_urls(client.get("/login").get_data(as_text=True))
    assert len(urls) == 5  # icon, stylesheet, htmx, app.js, offline.js
    for url in urls:
        assert HASHED.match(url), url
    assert any("/vendor/htmx.min." in url for url in urls)  # fetched at setup, built all the same


def test_a_fingerprinted_file_is_the_file_kept_for_a_year(client):
    (url,) = [u for u in _static_urls(client.get("/login").get_data(as_text=True)) if ".css" in u]
    with client.get(url) as response:
        assert response.status_code == 200
        assert response.get_data() == (STATIC / "css" / "app.css").read_bytes()
        assert response.headers["Cache-Control"] == YEAR_IMMUTABLE
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == "text/css"


@pytest.mark.parametrize(("accept", "encoding", "decompress"), [
    ("gzip", "gzip", gzip.decompress),
    ("gzip, deflate, br", "br", brotli.decompress),
])
def test_compressed_copies_go_to_clients_that_accept_them(client, accept, encoding, decompress):
    url = client.get("/login").get_data(as_text=True)
    (url,) = [u for u in _static_urls(url) if "/js/app." in u]
    with client.get(url, headers={"Accept-Encoding": accept}) as response:
        assert response.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in response.headers["Vary"]
        assert response.headers["Cache-Control"] == YEAR_IMMUTABLE
        assert decompress(response.get_data()) == (STATIC / "js" / "app.js").read_bytes()
    with client.get(url) as plain:
        assert "Content-Encoding" not in plain.headers
        assert plain.get_data() == (STATIC / "js" / "app.js").read_bytes()


def test_plain_names_still_answer_but_are_revalidated(client):
    # Old pages and bookmarks, and the service worker's notification icon.
    for url in ("/static/css/app.css", "/static/icons/brave-steps-192.png"):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert "immutable" not in response.headers["Cache-Control"]
            assert response.headers["Cache-Control"] == "no-cache"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "/static/icons/brave-steps-192.png" in (STATIC / "sw.js").read_text()


def test_the_service_worker_is_never_kept(client):
    with client.get("/sw.js") as response:
        assert response.headers["Cache-Control"] == "no-cache"


def test_a_made_up_fingerprint_is_not_found(client):
    with client.get("/static/css/app.0123456789ab.css") as response:
        assert response.status_code == 404


def test_changed_content_gets_a_new_name_and_the_old_build_stays(tmp_path):
    source, out = tmp_path / "static", tmp_path / "build"
    (source / "css").mkdir(parents=True)
    (source / "css" / "app.css").write_text("body { color: red }\n" * 20)
    first = static_assets.build(source, out)
    (source / "css" / "app.css").write_text("body { color: blue }\n" * 20)
    second = static_assets.build(source, out)
    old, new = first.names["css/app.css"], second.names["css/app.css"]
    assert old != new and first.folder != second.folder
    assert "blue" in (second.folder / new).read_text()
    assert "red" in (first.folder / old).read_text()  # a page still open elsewhere keeps it
    assert (second.folder / (new + ".gz")).is_file() and (second.folder / "css/app.css").is_file()


def test_a_build_is_made_once_and_reused(tmp_path):
    source, out = tmp_path / "static", tmp_path / "build"
    source.mkdir()
    (source / "app.js").write_text("console.log('brave');\n")
    first = static_assets.build(source, out)
    made = (first.folder / first.names["app.js"]).stat()
    again = static_assets.build(source, out)
    assert again == first
    assert (again.folder / again.names["app.js"]).stat().st_ino == made.st_ino  # not rewritten


def test_workers_starting_together_share_one_whole_build(tmp_path):
    source, out = tmp_path / "static", tmp_path / "build"
    source.mkdir()
    for i in range(30):
        (source / f"file{i}.css").write_text(f".c{i} {{ margin: {i}px }}\n" * 50)
    with ThreadPoolExecutor(4) as pool:
        builds = list(pool.map(lambda _: static_assets.build(source, out), range(8)))
    assert len({b.folder for b in builds}) == 1
    assert [p.name for p in out.iterdir()] == [builds[0].folder.name]  # no half-made leftovers
    assert len(list(builds[0].folder.glob("*.css"))) == 60  # every file, plain and hashed


def test_only_the_newest_builds_are_kept(tmp_path):
    source, out = tmp_path / "static", tmp_path / "build"
    source.mkdir()
    folders = []
    for version in range(5):
        (source / "app.css").write_text(f"/* version {version} */\n")
        folders.append(static_assets.build(source, out).folder)
    assert sorted(p for p in out.iterdir()) == sorted(folders[-static_assets.BUILDS_KEPT:])


def test_fingerprinted_names_keep_their_suffix():
    assert re.fullmatch(r"vendor/htmx\.min\.[0-9a-f]{12}\.js",
                        static_assets.fingerprinted("vendor/htmx.min.js", b"x"))
    assert re.fullmatch(r"LICENSE\.[0-9a-f]{12}", static_assets.fingerprinted("LICENSE", b"x"))

