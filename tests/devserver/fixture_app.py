"""A small Chalice app that exercises every kind of handler the devserver calls."""

from __future__ import annotations

import json
import os

import boto3
import devserver_fixture_journal as journal
from chalice import Chalice, Rate, Response

app = Chalice(app_name="devserver-fixture")


def management_client():
    # Built from settings, like the real app does: Chalice's own client only exists inside
    # WebSocket handlers and points at AWS.
    return boto3.client(
        "apigatewaymanagementapi", endpoint_url=os.environ["WS_MANAGEMENT_ENDPOINT"]
    )


@app.route("/items/{item_id}", methods=["GET", "PUT"], cors=True)
def item(item_id):
    request = app.current_request
    return {
        "item_id": item_id,
        "event": request.to_original_event(),
        "json_body": request.json_body if request.method == "PUT" else None,
    }


@app.route("/items/{item_id}/parts/{part_id}")
def item_part(item_id, part_id):
    return {
        "item_id": item_id,
        "part_id": part_id,
        "path_parameters": app.current_request.to_original_event()["pathParameters"],
    }


@app.route("/created", methods=["POST"])
def created():
    return Response(
        body="", status_code=201, headers={"Location": "/items/new", "Set-Cookie": ["a=1", "b=2"]}
    )


@app.route("/env")
def env():
    names = [
        "DYNAMODB_ENDPOINT",
        "WS_URL",
        "WS_MANAGEMENT_ENDPOINT",
        "MAIL_OUTBOX_DIR",
        "PUBLIC_ORIGIN",
        "AWS_DEFAULT_REGION",
    ]
    return {name: os.environ.get(name) for name in names}


@app.route("/journal")
def read_journal():
    params = app.current_request.query_params or {}
    entries, cursor = journal.entries_after(
        int(params.get("after", "0")), float(params.get("timeout", "10"))
    )
    return {"entries": entries, "next": cursor}


@app.route("/journal/cursor")
def journal_cursor():
    return {"next": journal.cursor()}


@app.route("/rendezvous/{name}/{parties}")
def rendezvous(name, parties):
    return {"met": journal.rendezvous(name, int(parties), timeout=10)}


@app.route("/push/{connection_id}", methods=["POST"])
def push(connection_id):
    client = management_client()
    try:
        client.post_to_connection(ConnectionId=connection_id, Data=app.current_request.raw_body)
    except client.exceptions.GoneException:
        return Response(body={"gone": True}, status_code=410)
    return {"pushed": True}


@app.on_ws_connect()
def ws_connect(event):
    original = event.to_dict()
    journal.record(
        "connect",
        connection_id=event.connection_id,
        query=original.get("queryStringParameters"),
        headers=original.get("headers"),
        request_context=original["requestContext"],
    )
    if (original.get("queryStringParameters") or {}).get("token") != "let-me-in":
        return {"statusCode": 403}
    return {"statusCode": 200}


@app.on_ws_message()
def ws_message(event):
    journal.record("message", connection_id=event.connection_id, body=event.body)
    if event.body == "fail":
        raise RuntimeError("the fixture was asked to fail")
    reply = {
        "echo": event.body,
        "connection_id": event.connection_id,
        "route_key": event.to_dict()["requestContext"]["routeKey"],
    }
    management_client().post_to_connection(
        ConnectionId=event.connection_id, Data=json.dumps(reply).encode()
    )


@app.on_ws_disconnect()
def ws_disconnect(event):
    journal.record(
        "disconnect",
        connection_id=event.connection_id,
        request_context=event.to_dict()["requestContext"],
    )


@app.lambda_function(name="setup")
def setup(event, context):
    journal.record("setup", event=event, function_name=context.function_name)
    created_tables = []
    if event.get("create_tables") and os.environ.get("DYNAMODB_ENDPOINT"):
        dynamodb = boto3.client("dynamodb", endpoint_url=os.environ["DYNAMODB_ENDPOINT"])
        if "fixture-table" not in dynamodb.list_tables()["TableNames"]:
            dynamodb.create_table(
                TableName="fixture-table",
                KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                BillingMode="PAY_PER_REQUEST",
            )
            created_tables.append("fixture-table")
    return {"admin_created": True, "created_tables": created_tables}


@app.schedule(Rate(1, unit=Rate.MINUTES))
def maintenance(event):
    journal.record("maintenance", event=event.to_dict())
