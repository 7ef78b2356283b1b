"""Sizes: what a page view, the chat window, the console and the Lambda zip weigh."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

from devserver.dynamodb_local import REPO_ROOT

WIDGET = REPO_ROOT / "widget"
LOADER = WIDGET / "loader.js"
CHAT_WINDOW = WIDGET / "chat.html"
CONSOLE = WIDGET / "console"
# Served next to the console but not part of it: its settings, and source maps that only
# developer tools fetch.
NOT_CONSOLE_ASSETS = re.compile(r"^config\.json$|\.map$")
COMPRESSED_SIZES = Path(__file__).with_name("compressed_sizes.mjs")
# Assets a page references by a relative URL (src="chat.js", href="chat.css?v=1a2b").
LOCAL_REFERENCE = re.compile(r'(?:src|href)="(?![a-z]+:|/|#)([^"?#]+)')


def compressed_sizes(paths: list[Path]) -> dict[Path, dict[str, int]]:
    if not paths:
        return {}
    done = subprocess.run(
        ["node", str(COMPRESSED_SIZES), *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
    )
    return {Path(path): sizes for path, sizes in json.loads(done.stdout).items()}


def page_with_assets(page: Path) -> list[Path]:
    """The page and the files it loads from its own folder."""
    html = page.read_text(encoding="utf-8")
    return [page, *(page.parent / name for name in LOCAL_REFERENCE.findall(html))]


def console_files(folder: Path = CONSOLE) -> list[Path]:
    """The built console: the files directly in its folder (its sources live in src/)."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and not NOT_CONSOLE_ASSETS.search(path.name)
    )


def measure_sizes(lambda_zip: Path) -> tuple[dict[str, int], list[str]]:
    """The `sizes` figures in bytes, and notes on what could not be measured."""
    chat_window = page_with_assets(CHAT_WINDOW)
    console = console_files()
    found = compressed_sizes([LOADER, *chat_window, *console])
    notes = []
    if not console:
        notes.append(f"console not built ({CONSOLE.relative_to(REPO_ROOT)}/ has no files): 0")
    return {
        "loader_raw_bytes": found[LOADER]["raw"],
        "loader_gzip_bytes": found[LOADER]["gzip"],
        "loader_brotli_bytes": found[LOADER]["brotli"],
        "chat_window_gzip_bytes": sum(found[path]["gzip"] for path in chat_window),
        "chat_window_files": len(chat_window),
        "console_gzip_bytes": sum(found[path]["gzip"] for path in console),
        "console_files": len(console),
        "lambda_zip_bytes": lambda_zip.stat().st_size,
    }, notes
