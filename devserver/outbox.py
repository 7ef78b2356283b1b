"""/dev/outbox: the emails the app wrote to MAIL_OUTBOX_DIR instead of sending them."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

OUTBOX_PATH = "/dev/outbox"


def list_messages(outbox_dir: Path) -> list[dict[str, Any]]:
    """The .eml files in `outbox_dir`, newest first, with the headers people look for."""
    if not outbox_dir.is_dir():
        return []
    parser = BytesHeaderParser(policy=default_policy)
    entries: list[tuple[int, str, dict[str, Any]]] = []
    for path in outbox_dir.glob("*.eml"):
        stat = path.stat()
        with path.open("rb") as file:
            headers = parser.parse(file)
        entries.append(
            (
                stat.st_mtime_ns,
                path.name,
                {
                    "name": path.name,
                    "url": f"{OUTBOX_PATH}/{path.name}",
                    "subject": str(headers.get("subject", "")),
                    "from": str(headers.get("from", "")),
                    "to": str(headers.get("to", "")),
                    "date": str(headers.get("date", "")),
                    "size": stat.st_size,
                    "modified_at": datetime.fromtimestamp(stat.st_mtime, UTC).isoformat(),
                },
            )
        )
    entries.sort(key=lambda entry: entry[:2], reverse=True)
    return [entry for _, _, entry in entries]


def _render(messages: list[dict[str, Any]], outbox_dir: Path) -> str:
    rows = "\n".join(
        '<tr><td>{modified}</td><td>{to}</td><td><a href="{url}">{subject}</a></td></tr>'.format(
            modified=html.escape(m["modified_at"][:19].replace("T", " ")),
            to=html.escape(m["to"]),
            url=html.escape(m["url"]),
            subject=html.escape(m["subject"] or m["name"]),
        )
        for m in messages
    )
    empty = "" if messages else "<p>No emails yet.</p>"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Outbox</title>
<style>body{{font:15px/1.4 system-ui,sans-serif;margin:2rem}}td{{padding:.2rem .8rem .2rem 0}}
th{{text-align:left}}</style></head>
<body><h1>Outbox</h1><p>Emails written to <code>{html.escape(str(outbox_dir))}</code>,
newest first.</p>{empty}
<table><thead><tr><th>Written (UTC)</th><th>To</th><th>Subject</th></tr></thead>
<tbody>
{rows}
</tbody></table></body></html>
"""


class Outbox:
    def __init__(self, outbox_dir: Path) -> None:
        self.outbox_dir = outbox_dir

    async def index(self, request: Request) -> Response:
        messages = list_messages(self.outbox_dir)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse({"messages": messages})
        return HTMLResponse(_render(messages, self.outbox_dir))

    async def message(self, request: Request) -> Response:
        name = request.path_params["name"]
        path = self.outbox_dir / name
        # Only plain file names of this folder; nothing that climbs out of it.
        if "/" in name or "\\" in name or not name.endswith(".eml") or not path.is_file():
            return JSONResponse(
                {"error": {"code": "not_found", "message": f"No email named {name}"}},
                status_code=404,
            )
        return Response(path.read_bytes(), media_type="text/plain; charset=utf-8")
