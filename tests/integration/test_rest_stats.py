"""Issue 23 over REST: the visitor's rating, and the statistics as JSON and as CSV."""

from __future__ import annotations


def test_a_rated_chat_shows_in_the_statistics_and_their_csv(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]
    assert api.post(f"/rooms/{room_id}/close", {}, auth=visitor.auth).status == 200

    rated = api.post(f"/rooms/{room_id}/rating", {"score": 4, "comment": "Gut"}, auth=visitor.auth)
    again = api.post(f"/rooms/{room_id}/rating", {"score": 1}, auth=visitor.auth)
    found = api.get("/stats?department_id=sales", auth=api.admin.auth)
    csv = api.get("/stats?department_id=sales", auth=api.admin.auth, headers={"Accept": "text/csv"})

    assert rated.status == 200 and rated.json["rating"] == {"score": 4, "comment": "Gut"}
    assert (again.status, again.error["code"]) == (409, "already_rated")
    total = found.json["total"]
    assert (total["chats"], total["answered"], total["ratings"]["4"]) == (1, 1, 1)
    assert csv.headers["content-type"].startswith("text/csv")
    lines = csv.body.decode().splitlines()
    assert lines[0].startswith("start,chats,answered,missed,offline,messages,wait_p50_s")
    assert len(lines) == 1 + 7  # the last 7 days by default
    assert sum(int(line.split(",")[1]) for line in lines[1:]) == 1


def test_a_rating_is_checked_field_by_field(api):
    paula = api.agent("Paula")
    visitor = api.visitor()
    room_id = api.taken(visitor, paula)["room_id"]

    too_many = api.post(f"/rooms/{room_id}/rating", {"score": 6}, auth=visitor.auth)
    too_long = api.post(
        f"/rooms/{room_id}/rating", {"score": 3, "comment": "x" * 501}, auth=visitor.auth
    )

    assert too_many.status == too_long.status == 400
    assert "score" in too_many.error["message"] and "comment" in too_long.error["message"]


def test_statistics_refuse_a_range_over_400_days_and_agents_of_other_departments(api):
    paula = api.agent("Paula")

    too_long = api.get("/stats?from=2024-01-01&to=2026-01-01", auth=api.admin.auth)
    other = api.get("/stats?department_id=library", auth=paula.auth)
    per_agent = api.get("/stats/agents", auth=paula.auth)

    assert (too_long.status, too_long.error["code"]) == (400, "range_too_long")
    assert (other.status, per_agent.status) == (403, 403)
