"""What the size figures include."""

from __future__ import annotations

from pathlib import Path

from bench.sizes import compressed_sizes, console_files, page_with_assets


def test_a_page_counts_with_the_files_it_loads_from_its_folder(tmp_path: Path):
    page = tmp_path / "chat.html"
    page.write_text(
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="chat.css?v=1a2b">'
        '<script src="chat.js" defer></script><a href="https://example.org/">x</a>'
        '<a href="#main">y</a>',
        encoding="utf-8",
    )
    assert page_with_assets(page) == [page, tmp_path / "chat.css", tmp_path / "chat.js"]


def test_the_console_is_its_built_files_without_sources_settings_or_maps(tmp_path: Path):
    assert console_files(tmp_path / "missing") == []
    for name in ("index.html", "console.js", "console.css", "config.json", "console.js.map"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.js").write_text("x", encoding="utf-8")
    assert [path.name for path in console_files(tmp_path)] == [
        "console.css",
        "console.js",
        "index.html",
    ]


def test_sizes_are_raw_gzip_and_brotli(tmp_path: Path):
    text = tmp_path / "repeated.txt"
    text.write_text("chat " * 1000, encoding="utf-8")
    [(path, sizes)] = compressed_sizes([text]).items()
    assert path == text
    assert sizes["raw"] == 5000
    assert 0 < sizes["brotli"] <= sizes["gzip"] < 100
