"""Static files under fingerprinted names, served by WhiteNoise in front of Flask.

At start the app copies static/ into instance/static-build/<build id>/: each file under its own
name and under a name carrying a hash of its content (css/app.css and css/app.<hash>.css), each
text file with gzip and brotli copies beside it. `url_for('static', filename=...)` gives the
hashed name, which browsers may keep for a year without asking again; the plain names still
answer (old pages, bookmarks, the service worker's icon) but are revalidated every time.

The build id is a hash of every name and content, so a build is made once per content and then
reused; it is made in a private folder and renamed into place, so workers starting together
never see half a build. Static edits show after a restart (like code edits: `make run` has no
reloader).
"""
import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from wsgiref.headers import Headers

import brotli
from flask import Flask
from whitenoise import WhiteNoise

from .http_headers import STATIC_FILE_HEADERS

BUILD_FOLDER = "static-build"
HASH_LENGTH = 12
BUILDS_KEPT = 3  # older builds go, but a worker still running the last release keeps its files
IMMUTABLE = f"public, max-age={365 * 24 * 3600}, immutable"
REVALIDATE = "no-cache"
COMPRESSIBLE = {".css", ".js", ".svg", ".json", ".webmanifest", ".txt", ".html"}
_WORTH_IT = 0.95  # keep a compressed copy only when it saves at least 5%


@dataclass(frozen=True)
class Build:
    folder: Path
    names: dict[str, str]  # a file's name under static/ -> its fingerprinted name

    def hashed_urls(self, prefix: str) -> frozenset[str]:
        return frozenset(f"{prefix}/{name}" for name in self.names.values())


def fingerprinted(name: str, content: bytes) -> str:
    """Return `name` with a hash of `content` before its last suffix: css/app.<hash>.css."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    folder, _, base = name.rpartition("/")
    stem, dot, suffix = base.rpartition(".")
    hashed = f"{stem}.{digest}.{suffix}" if dot and stem else f"{base}.{digest}"
    return f"{folder}/{hashed}" if folder else hashed


def build(source: Path, output_root: Path) -> Build:
    """Return the build of `source` under `output_root`, making it first if it is not there."""
    contents = dict(_files(source))
    names = {name: fingerprinted(name, content) for name, content in contents.items()}
    build_id = hashlib.sha256(json.dumps(names, sort_keys=True).encode()).hexdigest()[:16]
    folder = output_root / build_id
    if folder.is_dir():
        os.utime(folder)  # the build in use is the newest, whatever pruning comes later
    else:
        _make(folder, contents, names)
        _prune(output_root, keep=folder)
    return Build(folder, names)


def _files(source: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            yield path.relative_to(source).as_posix(), path.read_bytes()


def _make(folder: Path, contents: dict[str, bytes], names: dict[str, str]) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        for name, content in contents.items():
            for copy in (name, names[name]):
                _write(work / copy, content)
        work.chmod(0o755)
        os.rename(work, folder)  # atomic; fails if another worker got there first
    except OSError:
        if not folder.is_dir():
            raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    if path.suffix not in COMPRESSIBLE:
        return
    for suffix, compressed in ((".gz", gzip.compress(content, 9, mtime=0)),
                               (".br", brotli.compress(content, quality=11))):
        if len(compressed) < len(content) * _WORTH_IT:
            path.with_name(path.name + suffix).write_bytes(compressed)


def _prune(output_root: Path, keep: Path) -> None:
    builds = sorted((p for p in output_root.iterdir()
                     if p.is_dir() and not p.name.startswith(".") and p != keep),
                    key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in builds[BUILDS_KEPT - 1:]:
        shutil.rmtree(old, ignore_errors=True)


def init_app(app: Flask) -> None:
    """Build the fingerprinted copies, point url_for('static') at them, serve them first."""
    assets = build(Path(app.static_folder), Path(app.instance_path) / BUILD_FOLDER)
    app.extensions["static_assets"] = assets

    # A url_defaults hook rather than an asset() template global: every existing
    # url_for('static', ...) (templates and the web manifest alike) gets the hashed name
    # without a change, and a new one cannot forget it.
    @app.url_defaults
    def _hashed_static_name(endpoint: str, values: dict) -> None:
        if endpoint == "static" and values.get("filename") in assets.names:
            values["filename"] = assets.names[values["filename"]]

    immutable = assets.hashed_urls(app.static_url_path)

    def add_headers(headers: Headers, _path: str, url: str) -> None:
        # WhiteNoise answers before Flask runs, so Flask's after_request never sees these.
        for name, value in STATIC_FILE_HEADERS.items():
            headers[name] = value
        headers["Cache-Control"] = IMMUTABLE if url in immutable else REVALIDATE

    app.wsgi_app = WhiteNoise(app.wsgi_app, root=assets.folder, prefix=app.static_url_path,
                              max_age=None, allow_all_origins=False,
                              add_headers_function=add_headers)
