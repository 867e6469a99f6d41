"""Measure the explorer in headless Chromium (part of `make bench`, never a test assertion).

Prints and writes (--out) JSON with: `ihr site` wall time on the real data; time to the first SQL
answer, cold (new profile) and warm (same profile, reloaded); bytes transferred and first paint for
an entity page without the console.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Quiet(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm", ".js": "text/javascript"}

    def log_message(self, *args):
        pass


def first_answer(page, url: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("body[data-sql-ready=true]", timeout=120_000)
    page.click("#sql-run")
    page.wait_for_function("document.querySelector('#sql-status').textContent.endsWith('row')")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from ihr.site import build_site

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        site = build_site(ROOT, Path(tmp) / "site").out_dir
        result = {"ihr_site_seconds": round(time.perf_counter() - started, 2)}
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(str(Path(tmp) / "profile"), executable_path=args.chromium, args=ARGS)
            page = context.new_page()
            result["sql_first_answer_cold_seconds"] = round(first_answer(page, f"{base}/sql.html"), 2)
            result["sql_first_answer_warm_seconds"] = round(first_answer(page, f"{base}/sql.html"), 2)
            sizes = []
            page.on("response", lambda r: sizes.append(len(r.body())) if r.ok else None)
            page.goto(f"{base}/actors/ismail-haniyeh.html", wait_until="load")
            page.wait_for_function("performance.getEntriesByType('paint').length > 0", timeout=10_000)
            paint = page.evaluate("Math.min(...performance.getEntriesByType('paint').map(e => e.startTime))")
            result["entity_page_bytes"] = sum(sizes)
            result["entity_page_first_paint_ms"] = round(paint) if paint else None
            context.close()
        server.shutdown()
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
