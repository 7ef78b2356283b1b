"""Counting calls: botocore's events attributed to the Lambda invocation that made them."""

from __future__ import annotations

import botocore.session
from botocore.stub import Stubber

from bench.calls import CallRecorder, Invocation, OperationCalls, consumed_units

KEY = {"key": {"S": "k"}}


def test_consumed_capacity_is_read_from_single_answers_and_transactions():
    assert consumed_units(None) == 0.0
    assert consumed_units({"TableName": "t", "CapacityUnits": 1.5}) == 1.5
    both = [{"TableName": "t", "CapacityUnits": 4.0}, {"TableName": "u", "CapacityUnits": 2.0}]
    assert consumed_units(both) == 6.0


def test_dynamodb_calls_are_asked_for_their_consumed_capacity():
    client = botocore.session.get_session().create_client("dynamodb", region_name="eu-central-1")
    params = {"TableName": "t", "Key": KEY}
    CallRecorder._ask_for_capacity(params, client.meta.service_model.operation_model("GetItem"))
    assert params["ReturnConsumedCapacity"] == "TOTAL"
    untouched = {"TableName": "t"}
    describe = client.meta.service_model.operation_model("DescribeTable")
    CallRecorder._ask_for_capacity(untouched, describe)
    assert "ReturnConsumedCapacity" not in untouched


def test_each_call_counts_for_the_invocation_that_made_it():
    recorder = CallRecorder()
    with recorder.installed():
        client = botocore.session.get_session().create_client(
            "dynamodb",
            region_name="eu-central-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        stubber = Stubber(client)
        stubber.add_response(
            "get_item", {"Item": KEY, "ConsumedCapacity": {"TableName": "t", "CapacityUnits": 1.0}}
        )
        stubber.add_response(
            "transact_write_items",
            {
                "ConsumedCapacity": [
                    {"TableName": "t", "CapacityUnits": 4.0},
                    {"TableName": "u", "CapacityUnits": 2.0},
                ]
            },
        )
        stubber.add_response("get_item", {"Item": KEY})

        def handler(_pool, _name, _event) -> str:
            client.get_item(TableName="t", Key=KEY)
            put = {"Put": {"TableName": "t", "Item": KEY}}
            client.transact_write_items(TransactItems=[put])
            return "answered"

        with stubber:
            assert recorder._invoke(handler, None, "ws_message", {}) == "answered"
            client.get_item(TableName="t", Key=KEY)  # outside any invocation: not the app's

    [invocation] = recorder.finished
    assert invocation.function == "ws_message"
    assert invocation.dynamodb == {"GetItem": 1, "TransactWriteItems": 1}
    assert (invocation.read_units, invocation.write_units) == (1.0, 6.0)
    assert invocation.billed_ms >= 1


def test_an_operation_sums_its_invocations_by_kind():
    calls = OperationCalls(
        [
            Invocation("api_handler", billed_ms=12, read_units=1.0),
            Invocation("ws_message", billed_ms=30, write_units=2.0, ws_posts=2, ws_post_bytes=300),
            Invocation("ws_message", billed_ms=20, failed_calls=1),
            Invocation("ws_disconnect", billed_ms=5),
        ]
    ).as_json()
    assert calls["lambda_invocations"] == 4
    assert calls["rest_requests"] == 1
    assert calls["websocket_frames"] == 3
    assert calls["lambda_billed_ms_by_function"] == {
        "api_handler": 12,
        "ws_disconnect": 5,
        "ws_message": 50,
    }
    assert (calls["read_units"], calls["write_units"], calls["failed_calls"]) == (1.0, 2.0, 1)
    assert (calls["ws_posts"], calls["ws_post_bytes"]) == (2, 300)
