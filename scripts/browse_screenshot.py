"""The README's picture of `minutes browse`: search, item page and case timeline
side by side, taken in Debian's chromium (Playwright, JavaScript off) from the app
serving the bundled sample plus Turku's fixture page (as tests/web does).

    .venv/bin/python scripts/browse_screenshot.py [--out docs/browse.png]

Loads the sample with the real flow into a temporary directory (a temporary Prefect
server), serves the app on a free loopback port, screenshots the three pages and
writes them as one small palette PNG.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows.settings import PROJECT_ROOT, SAMPLE_SOURCES  # noqa: E402

TURKU_SOURCE = """
[[source]]
name = "turku-fixture"
municipality = "Turku"
platform = "folder"
base_url = "fixtures/turku"
"""
WIDTH, HEIGHT = 1000, 760  # each page's viewport (CSS pixels)
SCALE = 0.5  # of each page in the picture
GAP = 12


def load_sample(root: Path) -> tuple[Path, Path]:
    """`minutes run` over samples.toml and the Turku fixture; (warehouse, raw zone)."""
    from prefect.testing.utilities import prefect_test_harness

    from flows.nightly import minutes_run

    shutil.copytree(ROOT / "data/raw/samples", root / "data/raw/samples")
    shutil.copytree(ROOT / "tests/fixtures/turku", root / "fixtures/turku")
    sources = root / "sources.toml"
    sources.write_text(
        SAMPLE_SOURCES.read_text("utf-8") + TURKU_SOURCE, encoding="utf-8"
    )
    with prefect_test_harness(server_startup_timeout=60):
        minutes_run(sources, [], None, root / "raw", root / "minutes.duckdb")
    return root / "minutes.duckdb", root / "raw"


def serve(warehouse: Path, raw_dir: Path) -> tuple[str, object]:
    """The app on a free loopback port in a thread; (base URL, server)."""
    import uvicorn

    from web.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(warehouse, raw_dir),
            host="127.0.0.1",
            port=port,
            log_level="warning",
        )
    )
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        raise SystemExit("the app did not start")
    return f"http://127.0.0.1:{port}", server


def shoot(base_url: str, chromium: str) -> list[bytes]:
    """PNG bytes of the search, item and timeline pages, in that order."""
    from playwright.sync_api import sync_playwright

    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox"]
        )
        page = browser.new_context(
            java_script_enabled=False,
            locale="en-GB",
            viewport={"width": WIDTH, "height": HEIGHT},
        ).new_page()
        page.goto(base_url + "/?q=osayleiskaavaluonnoksen&municipality=Turku")
        shots.append(page.screenshot())
        page.locator("ol.results li a").first.click()
        shots.append(page.screenshot())
        page.locator("#case-link").click()
        shots.append(page.screenshot())
        browser.close()
    return shots


def compose(shots: list[bytes], out: Path) -> None:
    """The pages side by side, scaled down, as a 64-colour PNG."""
    from PIL import Image

    images = [Image.open(io.BytesIO(shot)).convert("RGB") for shot in shots]
    size = (int(images[0].width * SCALE), int(images[0].height * SCALE))
    sheet = Image.new(
        "RGB",
        (len(images) * size[0] + (len(images) + 1) * GAP, size[1] + 2 * GAP),
        (200, 200, 200),
    )
    for n, image in enumerate(images):
        small = image.resize(size, Image.Resampling.LANCZOS)
        sheet.paste(small, (GAP + n * (size[0] + GAP), GAP))
    sheet = sheet.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out, optimize=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "docs/browse.png")
    args = parser.parse_args()
    chromium = os.environ.get("MINUTES_CHROMIUM") or shutil.which("chromium")
    if chromium is None:
        raise SystemExit("no chromium: install Debian's 'chromium' (make setup does)")
    with tempfile.TemporaryDirectory() as tmp:
        warehouse, raw_dir = load_sample(Path(tmp))
        base_url, server = serve(warehouse, raw_dir)
        try:
            shots = shoot(base_url, chromium)
        finally:
            server.should_exit = True  # type: ignore[attr-defined]
    compose(shots, args.out)
    print(f"{args.out}: {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
