"""In a real browser: Playwright drives Debian's chromium, with JavaScript off,
through search → item → case timeline on the sample, asserting what a person sees
and writing a screenshot of each page under the test's temporary directory.

Skipped (with the reason) when there is no chromium (`make setup` installs Debian's
package where apt-get is available; MINUTES_CHROMIUM may name another binary) or no
Playwright."""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import Sample

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("MINUTES_CHROMIUM") or shutil.which("chromium")


def free_port() -> int:
    """A port nobody listens on (loopback)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(sample: Sample) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a thread, for this module."""
    import uvicorn

    from web.app import create_app

    port = free_port()
    config = uvicorn.Config(
        create_app(sample.warehouse, sample.raw_dir),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian chromium through Playwright."""
    if CHROMIUM is None:
        pytest.skip("no chromium: install Debian's 'chromium' (make setup does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="no Playwright")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


def test_search_item_timeline_without_javascript(
    browser, base_url: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(
        java_script_enabled=False,
        locale="en-GB",
        viewport={"width": 1200, "height": 900},
    )
    page = context.new_page()

    page.goto(base_url + "/")
    page.get_by_label("Words").fill("osayleiskaavaluonnoksen")
    page.get_by_label("Municipality").select_option("Turku")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(
        re.compile(r"/\?q=osayleiskaavaluonnoksen&municipality=Turku")
    )
    expect(page.locator("#count")).to_have_text("1 result")
    result = page.locator("ol.results li").first
    expect(result).to_contain_text("Satava-Kakskerran osayleiskaavaluonnos")
    expect(result).to_contain_text("Kaupunginhallitus")
    expect(result.locator("mark").first).to_have_text("osayleiskaavaluonnoksen")
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    result.get_by_role("link", name="Satava-Kakskerran osayleiskaavaluonnos").click()
    expect(page.locator("h1")).to_have_text("Satava-Kakskerran osayleiskaavaluonnos")
    expect(page.locator("#decision")).to_contain_text("Asia pantiin pöydälle")
    expect(page.locator("#people")).to_contain_text("Aleksi Randell")
    expect(page.get_by_role("link", name="Our copy (raw bytes)")).to_be_visible()
    page.screenshot(path=str(tmp_path / "item.png"), full_page=True)

    page.locator("#case-link").click()
    expect(page.locator("h1")).to_contain_text("Case timeline")
    entries = page.locator("#timeline li")
    expect(entries).to_have_count(5)
    dates = [entries.nth(i).locator("b").inner_text() for i in range(5)]
    assert dates == sorted(dates) and dates[-1] == "2017-05-02"
    expect(entries.first).to_contain_text("Kaupunkisuunnittelu- ja ympäristölautakunta")
    expect(entries.last).to_contain_text("Satava-Kakskerran osayleiskaavaluonnos")
    page.screenshot(path=str(tmp_path / "timeline.png"), full_page=True)

    for name in ("search", "item", "timeline"):
        assert (tmp_path / f"{name}.png").stat().st_size > 10_000
    context.close()


def test_interface_in_finnish_from_the_browser_language(browser, base_url: str) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(java_script_enabled=False, locale="fi-FI")
    page = context.new_page()
    page.goto(base_url + "/?q=hyvinvointialue")
    expect(page.get_by_role("button", name="Hae")).to_be_visible()
    expect(page.locator("ol.results")).to_contain_text("hyvinvointialueen")
    context.close()
