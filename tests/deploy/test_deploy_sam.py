"""The template as CloudFormation runs it: AWS's own SAM translator (aws-sam-translator, the
transform of `Transform: AWS::Serverless-2016-10-31`) turns the packaged template into plain
CloudFormation; cfn-lint finds nothing in that either, and it has exactly one stage per API,
throttled, through which alone API Gateway may invoke the functions."""

from __future__ import annotations

import json

import pytest

from infra import lint


@pytest.fixture(scope="module")
def transformed(packaged, tmp_path_factory):
    out = tmp_path_factory.mktemp("sam") / "transformed.json"
    return out, lint.sam_translate(packaged.template_path, out)


def of_type(template: dict, resource_type: str) -> dict[str, dict]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == resource_type}


def test_the_transformed_template_has_no_serverless_resources_left(transformed):
    _, template = transformed
    assert "Transform" not in template
    assert not [r for r in template["Resources"].values() if "Serverless" in r["Type"]]
    assert len(of_type(template, "AWS::Lambda::Function")) == 6


def test_cfn_lint_finds_nothing_in_the_transformed_template(transformed):
    path, _ = transformed
    result = lint.cfn_lint(path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_each_api_has_exactly_one_stage_and_it_is_throttled(transformed):
    _, template = transformed
    (rest,) = of_type(template, "AWS::ApiGateway::Stage").values()
    (websocket,) = of_type(template, "AWS::ApiGatewayV2::Stage").values()
    assert rest["Properties"]["StageName"] == websocket["Properties"]["StageName"] == "api"
    assert rest["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"] == {"Ref": "ApiRateLimit"}
    assert websocket["Properties"]["DefaultRouteSettings"]["ThrottlingRateLimit"] == {
        "Ref": "WebSocketRateLimit"
    }


def test_api_gateway_may_invoke_through_stage_api_only(transformed):
    _, template = transformed
    permissions = of_type(template, "AWS::Lambda::Permission")
    from_apis = [p for p in permissions.values() if p["Properties"]["Principal"].startswith("api")]
    assert len(from_apis) == 4  # the REST API's function and the three WebSocket routes'
    for permission in from_apis:
        source = json.dumps(permission["Properties"]["SourceArn"])
        # `${RestAPI}/api/*` or `${WebsocketAPI}/api/$connect`, never `${RestAPI}/*`
        assert "}/api/" in source and "}/*" not in source, source
    (schedule,) = [
        p for p in permissions.values() if p["Properties"]["Principal"].startswith("events")
    ]
    assert schedule["Properties"]["FunctionName"] == {"Ref": "Maintenance"}


def test_every_function_logs_warnings_and_errors_only_without_lambdas_own_lines(transformed):
    """Lambda's START, END and REPORT lines would be most of the log volume (and its cost)."""
    _, template = transformed
    functions = of_type(template, "AWS::Lambda::Function")
    assert {
        name: function["Properties"].get("LoggingConfig") for name, function in functions.items()
    } == dict.fromkeys(
        functions,
        {"LogFormat": "JSON", "SystemLogLevel": "WARN", "ApplicationLogLevel": "WARN"},
    )
