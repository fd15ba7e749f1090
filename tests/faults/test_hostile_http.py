"""Answers from a hostile or careless server: redirects elsewhere, endless
redirects, huge bodies; files too big or linking out of their folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import flows.fetch
from flows.fetch import fetch_folder
from flows.http import FetchError, PoliteClient, Politeness
from flows.rawstore import RawStore
from flows.sources import Source

pytestmark = pytest.mark.fault("hostile HTTP")


@pytest.fixture
def elsewhere() -> Iterator[HTTPServer]:
    """A second server: another port, reached as 127.0.0.1 (the first is `localhost`)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    if server.is_running():
        server.stop()


def client(**options: object) -> PoliteClient:
    return PoliteClient(Politeness(delay=0, attempts=1), **options)  # type: ignore[arg-type]


def redirect(to: str, status: int = 302) -> Response:
    return Response(status=status, headers={"Location": to})


def other_url(server: HTTPServer, path: str) -> str:
    return f"http://127.0.0.1:{server.port}{path}"


def test_a_redirect_on_the_same_host_is_followed(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/old").respond_with_response(redirect("/new"))
    httpserver.expect_request("/new").respond_with_data("here")
    assert client().get(httpserver.url_for("/old")).text == "here"


def test_a_redirect_to_another_host_or_port_is_refused_unasked(
    httpserver: HTTPServer, elsewhere: HTTPServer
) -> None:
    httpserver.expect_request("/old").respond_with_response(
        redirect(other_url(elsewhere, "/trap"))
    )
    with pytest.raises(FetchError) as refused:
        client().get(httpserver.url_for("/old"))
    assert refused.value.reason == "redirect_refused"
    assert other_url(elsewhere, "/trap") in refused.value.detail
    assert elsewhere.log == []


def test_a_redirect_to_an_allowed_host_never_carries_the_key(
    httpserver: HTTPServer, elsewhere: HTTPServer
) -> None:
    seen: dict[str, str | None] = {}

    def record(request: Request) -> Response:
        seen[request.host] = request.headers.get("api-key")
        return Response("document")

    httpserver.expect_request("/old").respond_with_handler(
        lambda request: (
            seen.__setitem__("origin", request.headers.get("api-key"))
            or redirect(other_url(elsewhere, "/doc"))
        )
    )
    elsewhere.expect_request("/doc").respond_with_handler(record)
    polite = client(redirect_hosts=("127.0.0.1",))
    polite.set_credential("api-key", "secret", httpserver.url_for("/"))
    assert polite.get(httpserver.url_for("/old")).text == "document"
    assert seen == {"origin": "secret", f"127.0.0.1:{elsewhere.port}": None}


def test_a_redirect_target_is_checked_against_robots_txt(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow: /private\n"
    )
    httpserver.expect_request("/old").respond_with_response(redirect("/private/x"))
    with pytest.raises(FetchError) as blocked:
        client().get(httpserver.url_for("/old"))
    assert blocked.value.reason == "robots_disallowed"
    assert all(request.path != "/private/x" for request, _ in httpserver.log)


def test_an_endless_redirect_stops(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_response(redirect("/b"))
    httpserver.expect_request("/b").respond_with_response(redirect("/a"))
    with pytest.raises(FetchError) as looped:
        client().get(httpserver.url_for("/a"))
    assert looped.value.reason == "too_many_redirects"


def test_a_form_answered_with_see_other_is_read_with_get(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/form", method="POST").respond_with_response(
        redirect("/result", 303)
    )
    httpserver.expect_request("/result", method="GET").respond_with_data("found")
    assert client().post_form(httpserver.url_for("/form"), {"q": "x"}).text == "found"


def test_a_body_past_the_cap_is_refused_announced_or_not(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    httpserver.expect_request("/stream").respond_with_response(
        Response((b"y" * 1000 for _ in range(5)), direct_passthrough=True)
    )
    httpserver.expect_request("/small").respond_with_data(b"z" * 100)
    capped = PoliteClient(Politeness(delay=0, attempts=1, max_bytes=1000))
    for path, detail in (
        ("/big", "5000 bytes > 1000"),
        ("/stream", "more than 1000 bytes"),
    ):
        with pytest.raises(FetchError) as refused:
            capped.get(httpserver.url_for(path))
        assert (refused.value.reason, refused.value.detail) == ("too_large", detail)
    assert capped.get(httpserver.url_for("/small")).content == b"z" * 100


def test_folder_files_too_big_or_linking_out_are_quarantined(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINUTES_MAX_BYTES", "1000")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ok.txt").write_text("Khall 05.12.2023 § 1\n", encoding="utf-8")
    (docs / "huge.txt").write_bytes(b"x" * 1001)
    (tmp_path / "secret.txt").write_text("not yours", encoding="utf-8")
    os.symlink(tmp_path / "secret.txt", docs / "link.txt")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "other.txt").write_text("not yours either", encoding="utf-8")
    os.symlink(elsewhere, docs / "linked-folder")  # not followed
    source = Source(name="s", platform="folder", base_url="docs", config_dir=tmp_path)
    store = RawStore(tmp_path / "raw")
    results = {r.uri: (r.reason, r.detail) for r in fetch_folder(source, store, None)}
    assert results["docs/ok.txt"] == (None, None)
    assert results["docs/huge.txt"] == ("too_large", "1001 bytes > 1000")
    assert results["docs/link.txt"][0] == "outside_folder"
    assert set(results) == {"docs/ok.txt", "docs/huge.txt", "docs/link.txt"}
    assert [row.uri for row in store.manifest()] == ["docs/ok.txt"]


def test_a_folder_link_inside_the_folder_is_read_and_a_dangling_one_passed_over(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "real.txt").write_text("Khall 05.12.2023 § 1\n", encoding="utf-8")
    os.symlink(docs / "sub" / "real.txt", docs / "alias.txt")
    os.symlink(docs / "gone.txt", docs / "dangling.txt")
    source = Source(name="s", platform="folder", base_url="docs", config_dir=tmp_path)
    store = RawStore(tmp_path / "raw")
    results = {r.uri: r for r in fetch_folder(source, store, None)}
    assert results["docs/alias.txt"].reason is None
    assert (
        results["docs/alias.txt"].row.sha256 == results["docs/sub/real.txt"].row.sha256
    )
    assert "docs/dangling.txt" not in results  # no file behind it: not a document


def test_a_folder_file_swapped_for_a_link_after_listing_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Khall 05.12.2023 § 1\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not yours", encoding="utf-8")
    listed = flows.fetch.folder_entries

    def listed_then_swapped(folder: Path) -> list[tuple[Path, str, bool]]:
        entries = list(listed(folder))  # a.txt is a plain file when listed
        (folder / "a.txt").unlink()
        os.symlink(tmp_path / "secret.txt", folder / "a.txt")
        return entries

    monkeypatch.setattr(flows.fetch, "folder_entries", listed_then_swapped)
    source = Source(name="s", platform="folder", base_url="docs", config_dir=tmp_path)
    store = RawStore(tmp_path / "raw")
    (result,) = fetch_folder(source, store, None)
    assert (result.reason, result.detail) == (
        "unreadable",
        "a.txt turned into a link after it was listed",
    )
    assert store.manifest() == []
