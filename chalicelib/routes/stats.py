"""Rating a chat, and the statistics (JSON, or CSV for `Accept: text/csv`)."""

from __future__ import annotations

import csv
import io

from chalice import Response
from chalice.app import Request

from chalicelib import schemas as s
from chalicelib.routes.adapter import Answer, Area, routes
from chalicelib.services import rating, stats_report
from chalicelib.services.context import Context
from chalicelib.services.principals import AgentPrincipal, VisitorPrincipal

bp = Area(__name__)
route = routes(bp)

CSV_COLUMNS = (
    "start",
    "chats",
    "answered",
    "missed",
    "offline",
    "messages",
    "wait_p50_s",
    "wait_p90_s",
    "first_response_p50_s",
    "first_response_p90_s",
    "duration_p50_s",
)


@route(
    "/rooms/{room_id}/rating",
    "POST",
    "The visitor rates their chat: 1 to 5 stars and a comment, once",
    auth="visitor",
    body=s.RatingIn,
    response=s.RoomOut,
    errors=(400, 404, 409),
)
def rate_room(ctx: Context, principal: VisitorPrincipal, body: s.RatingIn, room_id: str) -> Answer:
    return rating.rate(ctx, principal, room_id, body.score, body.comment)


def _wants_csv(request: Request) -> bool:
    return "text/csv" in request.headers.get("accept", "")


def _csv(rows: list[dict], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*CSV_COLUMNS, *(f"rating_{n}" for n in stats_report.SCORES)])
    for row in rows:
        values = ["" if row[c] is None else row[c] for c in CSV_COLUMNS]
        writer.writerow([*values, *(row["ratings"][n] for n in stats_report.SCORES)])
    return Response(
        body=out.getvalue(),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


@route(
    "/stats",
    "GET",
    "Chats, waiting times, missed chats and ratings per hour or day (CSV for Accept: text/csv)",
    auth="agent",
    query=s.StatsQuery,
    response=s.StatsOut,
    errors=(400, 404),
)
def get_stats(
    ctx: Context, principal: AgentPrincipal, query: s.StatsQuery, request: Request
) -> Answer:
    found = stats_report.report(
        ctx, principal, query.department_id, query.from_, query.to, query.bucket
    )
    if _wants_csv(request):
        name = f"stats-{found['first_day']}-{found['last_day']}.csv"
        return _csv(found["buckets"], name)
    return found


@route(
    "/stats/agents",
    "GET",
    "Chats, first response time and ratings per agent (admins)",
    auth="agent",
    query=s.AgentStatsQuery,
    response=s.AgentStatsListOut,
    errors=(400, 404),
)
def get_agent_stats(ctx: Context, principal: AgentPrincipal, query: s.AgentStatsQuery) -> Answer:
    return stats_report.agents_report(ctx, principal, query.department_id, query.from_, query.to)
