"""The BACI downloader against a local HTTP server on 127.0.0.1 (no network)."""

from __future__ import annotations

import hashlib
import http.server
import threading
import zipfile

import pytest
from typer.testing import CliRunner

import straits
from straits.cli.app import app
from straits.errors import DownloadError
from straits.sources.download import download
from tests.test_ingest import make_release, state


class _Handler(http.server.BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}
    cut_first: set[str] = set()  # paths whose first response stops half-way

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802
        data = self.files.get(self.path)
        if data is None:
            self.send_error(404)
            return
        start = 0
        rng = self.headers.get("Range")
        if rng:
            start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path in self.cut_first:
            self.cut_first.discard(self.path)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture()
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", _Handler
    httpd.shutdown()
    _Handler.files.clear()
    _Handler.cut_first.clear()


@pytest.fixture()
def release_zip(tmp_path, baci_dir) -> bytes:
    rel = make_release(baci_dir, tmp_path / "rel", rows=50)
    zpath = tmp_path / "BACI_HS17_V202601.zip"
    with zipfile.ZipFile(zpath, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(rel.iterdir()):
            zf.write(f, f.name)
    return zpath.read_bytes()


def test_fetch_downloads_and_ingests(tmp_path, server, release_zip):
    base, handler = server
    handler.files["/baci/BACI_HS17_V202601.zip"] = release_zip
    db = tmp_path / "w.duckdb"
    sha = hashlib.sha256(release_zip).hexdigest()
    result = CliRunner().invoke(app, [
        "fetch", "baci", "--release", "V202601", "--hs", "HS17", "--base-url", f"{base}/baci",
        "--dest", str(tmp_path / "dl"), "--sha256", sha, "--db", str(db),
    ])
    assert result.exit_code == 0, result.output
    with straits.open(db, read_only=True) as s:
        assert s.years() == [2023, 2024]
        assert s.query("SELECT count(*) n FROM flows").n[0] == 100


def test_interrupted_download_resumes(tmp_path, server, release_zip):
    base, handler = server
    handler.files["/f.zip"] = release_zip
    handler.cut_first.add("/f.zip")
    dest = tmp_path / "f.zip"
    with pytest.raises(DownloadError, match="run again to resume"):
        download(f"{base}/f.zip", dest)
    part = tmp_path / "f.zip.part"
    assert not dest.exists() and 0 < part.stat().st_size < len(release_zip)
    download(f"{base}/f.zip", dest)  # second call sends a Range request
    assert dest.read_bytes() == release_zip and not part.exists()


def test_interrupted_fetch_leaves_warehouse_intact(tmp_path, server, release_zip, baci_dir):
    base, handler = server
    db = tmp_path / "w.duckdb"
    with straits.open(db) as s:
        s.ingest(make_release(baci_dir, tmp_path / "old", rows=10))
    before = state(db)
    handler.files["/BACI_HS17_V202601.zip"] = release_zip
    handler.cut_first.add("/BACI_HS17_V202601.zip")
    result = CliRunner().invoke(app, ["fetch", "baci", "--base-url", base, "--dest",
                                      str(tmp_path / "dl"), "--db", str(db)])
    assert result.exit_code == 2
    assert "resume" in result.output
    assert state(db) == before


def test_checksum_mismatch_and_404(tmp_path, server, release_zip):
    base, handler = server
    handler.files["/f.zip"] = release_zip
    with pytest.raises(DownloadError, match="SHA-256"):
        download(f"{base}/f.zip", tmp_path / "f.zip", sha256="0" * 64)
    assert not (tmp_path / "f.zip").exists()
    with pytest.raises(DownloadError, match="404"):
        download(f"{base}/missing.zip", tmp_path / "m.zip")
