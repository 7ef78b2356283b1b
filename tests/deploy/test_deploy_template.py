"""What the packaged template (build/package/<stage>/sam.json) must say: the tables exactly as the
models define them, the WebSocket routes, the schedule, CloudFront in front of the static files
and the availability check, the functions' environment, and no IAM wildcard beyond the
documented ones."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chalicelib.store.models import ALL_MODELS, TTL_MODELS

REPO = Path(__file__).resolve().parents[2]
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
FUNCTIONS = {
    "APIHandler": "app.app",
    "WebsocketConnect": "app.ws_connect",
    "WebsocketMessage": "app.ws_message",
    "WebsocketDisconnect": "app.ws_disconnect",
    "Maintenance": "app.maintenance",
    "Setup": "app.setup",
}
# Wildcards that AWS offers no narrower form for; each is explained in docs/deploy.md.
DOCUMENTED_WILDCARDS = (
    "/api/POST/@connections/*",
    "/api/DELETE/@connections/*",
    "/uploads/*",
    "/files/*",
)


def text_of(value) -> str:
    """A rough rendering of an intrinsic-function value, for pattern checks."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        return sub if isinstance(sub, str) else sub[0]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return "${" + ".".join(value["Fn::GetAtt"]) + "}"
    if isinstance(value, dict) and "Ref" in value:
        return "${" + value["Ref"] + "}"
    return json.dumps(value)


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]


# ---- tables ---------------------------------------------------------------------------------


def tables_by_base_name(packaged) -> dict[str, dict]:
    tables = {}
    for resource in packaged.of_type("AWS::DynamoDB::Table").values():
        name = text_of(resource["Properties"]["TableName"])
        assert name.startswith("${AWS::StackName}-"), name
        tables[name.removeprefix("${AWS::StackName}-")] = resource["Properties"]
    return tables


def key_schema(entries) -> list[tuple[str, str]]:
    return sorted((e["AttributeName"], e["KeyType"]) for e in entries)


def test_there_is_one_table_per_model_and_no_other(packaged):
    assert sorted(tables_by_base_name(packaged)) == sorted(m.Meta.base_name for m in ALL_MODELS)


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.Meta.base_name)
def test_table_has_exactly_the_keys_and_indexes_of_its_model(packaged, model):
    table = tables_by_base_name(packaged)[model.Meta.base_name]
    schema = model._get_schema()
    assert key_schema(table["KeySchema"]) == key_schema(schema["key_schema"])
    assert sorted(
        (a["AttributeName"], a["AttributeType"]) for a in table["AttributeDefinitions"]
    ) == sorted((a["AttributeName"], a["AttributeType"]) for a in schema["attribute_definitions"])
    expected_indexes = {
        index["index_name"]: (
            key_schema(index["key_schema"]),
            index["projection"]["ProjectionType"],
        )
        for index in schema["global_secondary_indexes"]
    }
    actual_indexes = {
        index["IndexName"]: (key_schema(index["KeySchema"]), index["Projection"]["ProjectionType"])
        for index in table.get("GlobalSecondaryIndexes", [])
    }
    assert actual_indexes == expected_indexes
    assert not schema["local_secondary_indexes"] and "LocalSecondaryIndexes" not in table


@pytest.mark.parametrize("model", ALL_MODELS, ids=lambda m: m.Meta.base_name)
def test_table_is_on_demand_backed_up_encrypted_and_expires_what_the_model_expires(packaged, model):
    table = tables_by_base_name(packaged)[model.Meta.base_name]
    assert table["BillingMode"] == "PAY_PER_REQUEST"
    assert table["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert table["SSESpecification"]["SSEEnabled"] is True
    if model in TTL_MODELS:
        assert table["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    else:
        assert "TimeToLiveSpecification" not in table


def test_every_table_with_personal_data_has_ttl(packaged):
    with_ttl = {
        name
        for name, table in tables_by_base_name(packaged).items()
        if table.get("TimeToLiveSpecification", {}).get("Enabled")
    }
    assert with_ttl == {m.Meta.base_name for m in TTL_MODELS}
    # Departments and the staff's team chat rooms with their memberships are kept until deleted
    # (their messages expire); staff accounts too, though unverified registrations among them
    # expire; everything else expires.
    assert set(tables_by_base_name(packaged)) - with_ttl == {
        "departments",
        "staff-rooms",
        "staff-members",
    }


# ---- functions, environment, WebSocket routes, schedule -------------------------------------


def test_the_functions_are_the_apps_handlers_each_with_a_role_of_its_own(packaged):
    functions = packaged.of_type("AWS::Serverless::Function")
    assert {name: f["Properties"]["Handler"] for name, f in functions.items()} == FUNCTIONS
    for function in functions.values():
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.13"
        assert text_of(properties["FunctionName"]).startswith("${AWS::StackName}-")
    roles = role_of_function(packaged)
    assert len(set(roles.values())) == len(functions), "no two functions share a role"
    assert set(roles.values()) == set(packaged.of_type("AWS::IAM::Role"))


# Read by a library, not by chalicelib/settings.py: pydantic skips its search for plugins.
LIBRARY_VARIABLES = {"PYDANTIC_DISABLE_PLUGINS"}


def settings_variables() -> set[str]:
    source = (REPO / "chalicelib" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', source)) | set(
        re.findall(r'_(?:int|switch|domains)\("([A-Z_]+)"', source)
    )


def test_every_function_gets_the_stacks_urls_and_names(packaged):
    for name, function in packaged.of_type("AWS::Serverless::Function").items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["TABLE_PREFIX"] == {"Fn::Sub": "${AWS::StackName}-"}, name
        assert text_of(variables["WS_URL"]) == (
            "wss://${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api"
        )
        assert text_of(variables["WS_MANAGEMENT_ENDPOINT"]) == (
            "https://${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}/api"
        )
        assert variables["MAIL_SENDER"] == {"Ref": "MailSender"}
        assert variables["PUBLIC_ORIGIN"]["Fn::If"][0] == "HasDomain"
        # Only what the app and its libraries read; no local-only settings (endpoint, outbox).
        known = settings_variables() | LIBRARY_VARIABLES
        assert set(variables) <= known, set(variables) - known
        assert "DYNAMODB_ENDPOINT" not in variables and "MAIL_OUTBOX_DIR" not in variables


def test_the_websocket_api_routes_connect_default_and_disconnect_to_their_handlers(packaged):
    resources = packaged.resources
    assert resources["WebsocketAPI"]["Properties"]["ProtocolType"] == "WEBSOCKET"
    routes = {
        r["Properties"]["RouteKey"]: r["Properties"]["Target"]["Fn::Join"][1][1]["Ref"]
        for r in packaged.of_type("AWS::ApiGatewayV2::Route").values()
    }
    assert set(routes) == {"$connect", "$default", "$disconnect"}
    handler_of = {
        "$connect": "WebsocketConnect",
        "$default": "WebsocketMessage",
        "$disconnect": "WebsocketDisconnect",
    }
    for route, integration in routes.items():
        uri = json.dumps(resources[integration]["Properties"]["IntegrationUri"])
        assert handler_of[route] in uri
    assert resources["WebsocketAPIStage"]["Properties"]["StageName"] == "api"


def test_the_maintenance_sweep_runs_every_minute(packaged):
    events = packaged.resources["Maintenance"]["Properties"]["Events"]
    schedules = [e["Properties"]["Schedule"] for e in events.values() if e["Type"] == "Schedule"]
    assert schedules == ["rate(1 minute)"]


def test_the_rest_api_is_regional_on_stage_api_and_throttled(packaged):
    api = packaged.resources["RestAPI"]["Properties"]
    assert api["StageName"] == "api"
    assert api["EndpointConfiguration"] == "REGIONAL"  # CloudFront is in front already
    (everything,) = api["MethodSettings"]
    assert (everything["ResourcePath"], everything["HttpMethod"]) == ("/*", "*")
    # Without it the SAM transform adds an unthrottled stage `Stage` (test_deploy_sam.py).
    assert api["OpenApiVersion"] == "2.0"


def test_both_stages_are_throttled_by_parameters_with_sensible_defaults(packaged):
    """API Gateway throttles a stage as a whole (per client only with API keys, which anonymous
    visitors cannot have): the limits are the stack's parameters (docs/deploy.md)."""
    parameters = packaged.template["Parameters"]
    rest = packaged.resources["RestAPI"]["Properties"]["MethodSettings"][0]
    websocket = packaged.resources["WebsocketAPIStage"]["Properties"]["DefaultRouteSettings"]
    assert (rest["ThrottlingRateLimit"], rest["ThrottlingBurstLimit"]) == (
        {"Ref": "ApiRateLimit"},
        {"Ref": "ApiBurstLimit"},
    )
    assert (websocket["ThrottlingRateLimit"], websocket["ThrottlingBurstLimit"]) == (
        {"Ref": "WebSocketRateLimit"},
        {"Ref": "WebSocketBurstLimit"},
    )
    for prefix in ("Api", "WebSocket"):
        rate, burst = parameters[f"{prefix}RateLimit"], parameters[f"{prefix}BurstLimit"]
        assert rate["Type"] == burst["Type"] == "Number"
        assert rate["MinValue"] == burst["MinValue"] == 1  # 0 would shut the API
        assert 0 < rate["Default"] <= 100 and rate["Default"] <= burst["Default"] <= 2 * 100


def test_aws_waf_is_opt_in_and_attached_to_cloudfront_only_when_given(packaged):
    """A web ACL costs a monthly fee while idle: none unless WebAclArn names one."""
    parameter = packaged.template["Parameters"]["WebAclArn"]
    assert parameter["Default"] == ""
    assert packaged.template["Conditions"]["HasWebAcl"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "WebAclArn"}, ""]}]
    }
    assert distribution(packaged)["WebACLId"] == {
        "Fn::If": ["HasWebAcl", {"Ref": "WebAclArn"}, {"Ref": "AWS::NoValue"}]
    }
    pattern = re.compile(parameter["AllowedPattern"])
    good = "arn:aws:wafv2:us-east-1:123456789012:global/webacl/livechat-prod-waf/0a1b2c3d-4e5f"
    assert pattern.fullmatch(good) and pattern.fullmatch("")
    for bad in (
        good.replace("us-east-1", "eu-central-1"),  # CloudFront takes global web ACLs only
        good.replace("global/", "regional/"),
        "arn:aws:wafv2:us-east-1:123456789012:global/ipset/x/1",
    ):
        assert not pattern.fullmatch(bad), bad


def test_the_web_acl_template_limits_each_viewer_address_at_cloudfront():
    from infra.package import load_cfn_yaml

    waf = load_cfn_yaml(REPO / "infra" / "waf.yaml")
    (acl,) = waf["Resources"].values()
    properties = acl["Properties"]
    assert acl["Type"] == "AWS::WAFv2::WebACL" and properties["Scope"] == "CLOUDFRONT"
    assert properties["DefaultAction"] == {"Allow": {}}
    (rule,) = properties["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rule["Action"] == {"Block": {}}
    assert rate["AggregateKeyType"] == "IP"  # the viewer's address as CloudFront sees it
    assert rate["Limit"] == {"Ref": "RequestsPerFiveMinutes"}
    assert waf["Parameters"]["RequestsPerFiveMinutes"]["Default"] >= 1000  # campus NATs
    # No sampled requests: they would keep visitors' addresses and pages.
    assert properties["VisibilityConfig"]["SampledRequestsEnabled"] is False
    assert rule["VisibilityConfig"]["SampledRequestsEnabled"] is False
    assert waf["Outputs"]["WebAclArn"]["Value"] == {"Fn::GetAtt": ["WebAcl", "Arn"]}


def test_api_gateway_may_invoke_the_functions_only_through_stage_api(packaged):
    source_of = {
        name: text_of(permission["Properties"]["SourceArn"])
        for name, permission in packaged.of_type("AWS::Lambda::Permission").items()
    }
    prefix = "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:"
    assert source_of == {
        "APIHandlerInvokePermission": prefix + "${RestAPI}/api/*",
        "WebsocketConnectInvokePermission": prefix + "${WebsocketAPI}/api/$connect",
        "WebsocketMessageInvokePermission": prefix + "${WebsocketAPI}/api/$default",
        "WebsocketDisconnectInvokePermission": prefix + "${WebsocketAPI}/api/$disconnect",
    }


API_FUNCTIONS = ("APIHandler", "WebsocketConnect", "WebsocketMessage", "WebsocketDisconnect")


def test_functions_behind_an_api_stop_before_api_gateway_gives_up_after_29_seconds(packaged):
    for name in API_FUNCTIONS:
        assert packaged.resources[name]["Properties"]["Timeout"] < 29, name


def test_every_function_runs_python_313_on_arm64(packaged):
    for name, function in packaged.of_type("AWS::Serverless::Function").items():
        assert function["Properties"]["Runtime"] == "python3.13", name
        assert function["Properties"]["Architectures"] == ["arm64"], name


def test_each_log_group_belongs_to_a_function_and_is_kept_briefly(packaged):
    names = {
        text_of(f["Properties"]["FunctionName"])
        for f in packaged.of_type("AWS::Serverless::Function").values()
    }
    groups = packaged.of_type("AWS::Logs::LogGroup")
    assert {
        text_of(g["Properties"]["LogGroupName"]).removeprefix("/aws/lambda/")
        for g in groups.values()
    } == names
    assert all(0 < g["Properties"]["RetentionInDays"] <= 30 for g in groups.values())


# ---- data safety, parameters -------------------------------------------------------------


def test_staff_accounts_and_departments_are_protected_from_deletion(packaged):
    protected = {
        text_of(t["Properties"]["TableName"]).removeprefix("${AWS::StackName}-")
        for t in packaged.of_type("AWS::DynamoDB::Table").values()
        if t["Properties"].get("DeletionProtectionEnabled")
    }
    # The others hold only what expires by itself (TTL).
    assert protected == {"agents", "departments"}


def test_a_certificate_outside_us_east_1_is_refused_before_anything_is_created(packaged):
    pattern = re.compile(packaged.template["Parameters"]["CertificateArn"]["AllowedPattern"])
    good = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789"
    assert pattern.fullmatch(good)
    assert pattern.fullmatch("")  # no custom domain
    for bad in (
        good.replace("us-east-1", "eu-central-1"),
        good.replace("123456789012", "1234"),
        "arn:aws:iam::123456789012:server-certificate/chat",
    ):
        assert not pattern.fullmatch(bad), bad


def test_alarm_email_is_an_address_or_nothing(packaged):
    pattern = re.compile(packaged.template["Parameters"]["AlarmEmail"]["AllowedPattern"])
    assert pattern.fullmatch("it@uni.example") and pattern.fullmatch("")
    assert not pattern.fullmatch("it@uni") and not pattern.fullmatch("it uni@example.org")


def test_the_ses_identity_is_created_only_on_request_and_kept_with_the_stack(packaged):
    parameters = packaged.template["Parameters"]
    assert parameters["CreateMailIdentity"]["Default"] == "false"
    identity = packaged.resources["SesIdentity"]
    assert identity["Condition"] == "CreatesMailIdentity"
    assert packaged.template["Conditions"]["CreatesMailIdentity"] == {
        "Fn::Equals": [{"Ref": "CreateMailIdentity"}, "true"]
    }
    # Another stage may send from it: deleting this stack never deletes it.
    assert identity["DeletionPolicy"] == identity["UpdateReplacePolicy"] == "Retain"
    assert "SesIdentity" not in json.dumps(packaged.template["Outputs"])


# ---- alarms ---------------------------------------------------------------------------------


def alarms(packaged) -> dict[str, dict]:
    return {n: a["Properties"] for n, a in packaged.of_type("AWS::CloudWatch::Alarm").items()}


def watched(alarm: dict) -> list[tuple[str, str, dict]]:
    """(namespace, metric, dimensions) of every metric an alarm reads."""
    if "MetricName" in alarm:
        dimensions = {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}
        return [(alarm["Namespace"], alarm["MetricName"], dimensions)]
    found = []
    for query in alarm["Metrics"]:
        if "MetricStat" in query:
            metric = query["MetricStat"]["Metric"]
            dimensions = {d["Name"]: d["Value"] for d in metric["Dimensions"]}
            found.append((metric["Namespace"], metric["MetricName"], dimensions))
    return found


def test_no_alarm_does_math_over_more_metrics_than_cloudwatch_allows(packaged):
    """CloudWatch refuses an alarm whose expression reads more than ten metrics (a hard limit):
    one such alarm would fail the whole deployment."""
    too_many = {
        name: len(watched(alarm))
        for name, alarm in alarms(packaged).items()
        if "Metrics" in alarm and len(watched(alarm)) > 10
    }
    assert too_many == {}


def test_every_alarm_goes_to_the_alarm_topic_which_mails_alarm_email(packaged):
    for name, alarm in alarms(packaged).items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], name
        assert alarm["TreatMissingData"] == "notBreaching", name  # idle is not an alarm
    topic = packaged.resources["AlarmTopic"]["Properties"]
    (subscription,) = topic["Subscription"]
    assert subscription == {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}


def test_without_an_alarm_email_the_stack_has_no_alarm_and_costs_nothing_while_idle(packaged):
    """CloudWatch bills every alarm metric each month; alarms that mail nobody are not made."""
    assert packaged.template["Conditions"]["HasAlarmEmail"] == {
        "Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]
    }
    assert packaged.template["Parameters"]["AlarmEmail"]["Default"] == ""
    watching = {
        **packaged.of_type("AWS::CloudWatch::Alarm"),
        **packaged.of_type("AWS::SNS::Topic"),
    }
    assert len(watching) == 22
    assert {name: r.get("Condition") for name, r in watching.items()} == dict.fromkeys(
        watching, "HasAlarmEmail"
    )
    assert packaged.template["Outputs"]["AlarmTopicArn"]["Condition"] == "HasAlarmEmail"


def test_errors_and_throttles_of_every_function_raise_an_alarm(packaged):
    found = {
        (metric, dimensions["FunctionName"]["Ref"])
        for alarm in alarms(packaged).values()
        for namespace, metric, dimensions in watched(alarm)
        if namespace == "AWS/Lambda"
    }
    functions = set(packaged.of_type("AWS::Serverless::Function"))
    assert found == {(m, f) for m in ("Errors", "Throttles") for f in functions}


def test_5xx_of_both_apis_a_failing_schedule_and_ses_bounces_raise_an_alarm(packaged):
    metrics = {
        (namespace, metric, json.dumps(dimensions, sort_keys=True))
        for alarm in alarms(packaged).values()
        for namespace, metric, dimensions in watched(alarm)
    }
    rest_stage = {"ApiName": {"Fn::Sub": "${AWS::StackName}-rest"}, "Stage": "api"}
    websocket_stage = {"ApiId": {"Ref": "WebsocketAPI"}, "Stage": "api"}
    assert packaged.resources["RestAPI"]["Properties"]["Name"] == rest_stage["ApiName"]
    rule = {"RuleName": {"Fn::Sub": "${AWS::StackName}-sweep"}}
    schedule = packaged.resources["Maintenance"]["Properties"]["Events"]["MaintenanceEvent"]
    assert schedule["Properties"]["Name"] == rule["RuleName"]
    for expected in (
        ("AWS/ApiGateway", "5XXError", rest_stage),
        ("AWS/ApiGateway", "IntegrationError", websocket_stage),
        ("AWS/ApiGateway", "ExecutionError", websocket_stage),
        ("AWS/Events", "FailedInvocations", rule),
        ("AWS/SES", "Reputation.BounceRate", {}),
    ):
        namespace, metric, dimensions = expected
        assert (namespace, metric, json.dumps(dimensions, sort_keys=True)) in metrics, expected


def test_dynamodb_throttles_of_every_table_and_its_system_errors_raise_an_alarm(packaged):
    throttled = {}
    for alarm in alarms(packaged).values():
        for namespace, metric, dimensions in watched(alarm):
            if namespace == "AWS/DynamoDB":
                throttled.setdefault(metric, set()).add(dimensions["TableName"]["Ref"])
    tables = set(packaged.of_type("AWS::DynamoDB::Table"))
    assert throttled == {"ReadThrottleEvents": tables, "WriteThrottleEvents": tables}
    queries = [
        query["Expression"]
        for alarm in alarms(packaged).values()
        for query in alarm.get("Metrics", [])
        if query.get("Expression", "").startswith("SELECT")
    ]
    assert queries == ['SELECT SUM(SystemErrors) FROM SCHEMA("AWS/DynamoDB", Operation, TableName)']


# ---- CloudFront -----------------------------------------------------------------------------


def distribution(packaged) -> dict:
    (resource,) = packaged.of_type("AWS::CloudFront::Distribution").values()
    return resource["Properties"]["DistributionConfig"]


def origin_targets(packaged) -> dict[str, str]:
    return {o["Id"]: text_of(o["DomainName"]) for o in distribution(packaged)["Origins"]}


def test_cloudfront_serves_the_static_files_from_the_private_bucket(packaged):
    config = distribution(packaged)
    origins = {o["Id"]: o for o in config["Origins"]}
    default = config["DefaultCacheBehavior"]
    site = origins[default["TargetOriginId"]]
    assert site["DomainName"] == {"Fn::GetAtt": ["SiteBucket", "RegionalDomainName"]}
    assert site["OriginAccessControlId"] == {"Fn::GetAtt": ["SiteOriginAccessControl", "Id"]}
    assert default["CachePolicyId"] == CACHING_OPTIMIZED  # honours each file's Cache-Control
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    bucket = packaged.resources["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    policy = packaged.resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]
    (allow,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    assert allow["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow["Action"] == "s3:GetObject"
    assert "distribution/${Distribution}" in text_of(
        allow["Condition"]["StringEquals"]["AWS:SourceArn"]
    )


def test_cloudfront_sends_the_api_the_origin_secret_that_the_template_does_not_hold(packaged):
    secret = packaged.template["Parameters"]["OriginVerifySecret"]
    origins = {o["Id"]: o for o in distribution(packaged)["Origins"]}
    functions = packaged.of_type("AWS::Serverless::Function")

    assert secret["NoEcho"] is True and "Default" not in secret
    assert secret["MinLength"] >= 32
    assert origins["api"]["OriginCustomHeaders"] == [
        {"HeaderName": "X-Origin-Verify", "HeaderValue": {"Ref": "OriginVerifySecret"}}
    ]
    assert "OriginCustomHeaders" not in origins["site"]
    for name, function in functions.items():
        variables = function["Properties"]["Environment"]["Variables"]
        assert variables["ORIGIN_VERIFY_SECRET"] == {"Ref": "OriginVerifySecret"}, name
    # Nowhere else: the value lives in the stack's parameters only.
    text = json.dumps(packaged.template)
    assert text.count('{"Ref": "OriginVerifySecret"}') == 1 + len(functions)


def test_cloudfront_caches_the_availability_check_for_its_max_age_and_nothing_else_of_the_api(
    packaged,
):
    config = distribution(packaged)
    behaviors = config["CacheBehaviors"]
    patterns = [b["PathPattern"] for b in behaviors]
    # The more specific pattern must come first: CloudFront takes the first match.
    assert patterns.index("/api/departments/*/availability") < patterns.index("/api/*")
    by_pattern = {b["PathPattern"]: b for b in behaviors}
    api_origin = origin_targets(packaged)
    availability = by_pattern["/api/departments/*/availability"]
    assert api_origin[availability["TargetOriginId"]].startswith("${RestAPI}.execute-api.")
    assert availability["CachePolicyId"] == {"Ref": "AvailabilityCachePolicy"}
    policy = packaged.resources["AvailabilityCachePolicy"]["Properties"]["CachePolicyConfig"]
    # DefaultTTL 0: only what the origin marks cacheable is cached, for its max-age (<= 30 s,
    # the API's promise), never longer than MaxTTL.
    assert policy["MinTTL"] == 0 and policy["DefaultTTL"] == 0
    assert 15 <= policy["MaxTTL"] <= 30
    rest = by_pattern["/api/*"]
    assert api_origin[rest["TargetOriginId"]].startswith("${RestAPI}.execute-api.")
    assert rest["CachePolicyId"] == CACHING_DISABLED
    # Authorization, X-Visitor-Token, the query string: everything but Host reaches the API.
    assert rest["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST
    assert set(rest["AllowedMethods"]) == {
        "GET",
        "HEAD",
        "OPTIONS",
        "PUT",
        "PATCH",
        "POST",
        "DELETE",
    }


def header_policy(packaged, behavior: dict) -> dict:
    name = behavior["ResponseHeadersPolicyId"]["Ref"]
    return packaged.resources[name]["Properties"]["ResponseHeadersPolicyConfig"]


def test_the_console_is_served_with_a_csp_and_never_inside_a_frame(packaged):
    config = distribution(packaged)
    by_pattern = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    console = by_pattern["/console/*"]
    assert console["TargetOriginId"] == config["DefaultCacheBehavior"]["TargetOriginId"]
    assert console["FunctionAssociations"] == config["DefaultCacheBehavior"]["FunctionAssociations"]
    headers = header_policy(packaged, console)["SecurityHeadersConfig"]
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    csp = text_of(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["frame-ancestors"] == "'none'"
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert directives["connect-src"] == (
        "'self' wss://${WebsocketAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
        " https://${FilesBucket.RegionalDomainName}"  # files go straight to the bucket
    )
    assert directives["img-src"] == "'self' data: blob: https://${FilesBucket.RegionalDomainName}"
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp


def test_the_chat_window_stays_frameable_by_the_pages_that_embed_it(packaged):
    config = distribution(packaged)
    assert not any(b["PathPattern"].startswith("/widget") for b in config["CacheBehaviors"])
    widget = header_policy(packaged, config["DefaultCacheBehavior"])["SecurityHeadersConfig"]
    assert "FrameOptions" not in widget and "ContentSecurityPolicy" not in widget


def test_the_app_promises_a_max_age_that_the_cdn_honours(packaged):
    source = (REPO / "chalicelib" / "routes" / "visitor.py").read_text(encoding="utf-8")
    ages = [int(a) for a in re.findall(r"public, max-age=(\d+)", source)]
    policy = packaged.resources["AvailabilityCachePolicy"]["Properties"]["CachePolicyConfig"]
    assert ages and all(0 < age <= policy["MaxTTL"] for age in ages)


def test_outputs_tell_deploy_where_everything_is(packaged):
    assert {
        "PublicURL",
        "ApiURL",
        "WebSocketURL",
        "SiteBucketName",
        "DistributionId",
        "SetupFunctionName",
        "MailIdentityName",
        "MailIdentityCreated",
        "AlarmTopicArn",
    } <= set(packaged.template["Outputs"])


# ---- IAM ------------------------------------------------------------------------------------


def policy_statements(packaged) -> list[tuple[str, dict]]:
    found = []
    for name, resource in packaged.resources.items():
        properties = resource.get("Properties", {})
        kind = resource["Type"]
        if kind == "AWS::IAM::Role":
            documents = [p["PolicyDocument"] for p in properties.get("Policies", [])]
            documents.append(properties["AssumeRolePolicyDocument"])
        elif kind in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy"):
            documents = [properties["PolicyDocument"]]
        elif kind == "AWS::Serverless::Function":
            assert "Policies" not in properties, f"{name}: permissions belong to its role"
            documents = []
        else:
            continue
        found += [(name, s) for d in documents for s in as_list(d["Statement"])]
    return found


def test_no_iam_wildcard_beyond_the_documented_ones(packaged):
    docs = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    for wildcard in DOCUMENTED_WILDCARDS:
        assert wildcard in docs
    for name, statement in policy_statements(packaged):
        if statement["Effect"] == "Deny":
            continue  # a Deny's wildcards take away, they grant nothing
        assert "NotAction" not in statement and "NotResource" not in statement
        for action in as_list(statement["Action"]):
            assert "*" not in action, (name, action)
        if "Principal" in statement:  # trust and bucket policies name who, not what
            assert statement["Principal"] != "*", name
            continue
        for resource in as_list(statement["Resource"]):
            rendered = text_of(resource)
            assert rendered != "*", (name, statement)
            if "*" in rendered:
                assert rendered.endswith(DOCUMENTED_WILDCARDS), (name, rendered)


def role_of_function(packaged) -> dict[str, str]:
    """Each function's role (logical ids)."""
    roles = {}
    for name, function in packaged.of_type("AWS::Serverless::Function").items():
        role = function["Properties"]["Role"]
        assert set(role) == {"Fn::GetAtt"} and role["Fn::GetAtt"][1] == "Arn", name
        roles[name] = role["Fn::GetAtt"][0]
    return roles


def role_statements(packaged, function: str) -> dict[str, dict]:
    role = packaged.resources[role_of_function(packaged)[function]]["Properties"]
    return {
        s["Sid"]: s for p in role["Policies"] for s in as_list(p["PolicyDocument"]["Statement"])
    }


def granted_actions(packaged, function: str) -> set[str]:
    return {
        action if isinstance(action, str) else json.dumps(action)
        for statement in role_statements(packaged, function).values()
        for action in as_list(statement["Action"])
    }


def table_resources(packaged) -> set[str]:
    """Every table of the models and every index, as `${<Logical>.Arn}[/index/<name>]`."""
    logical_of = {}
    for logical, resource in packaged.of_type("AWS::DynamoDB::Table").items():
        name = text_of(resource["Properties"]["TableName"]).removeprefix("${AWS::StackName}-")
        logical_of[name] = logical
    expected = set()
    for model in ALL_MODELS:
        logical = logical_of[model.Meta.base_name]
        expected.add(f"${{{logical}.Arn}}")
        for index in model._get_schema()["global_secondary_indexes"]:
            expected.add(f"${{{logical}.Arn}}/index/{index['index_name']}")
    return expected


def test_the_rest_apis_role_reaches_every_table_and_index_of_the_models_and_no_other(packaged):
    statement = role_statements(packaged, "APIHandler")["ItemsAndQueries"]
    assert {text_of(r) for r in statement["Resource"]} == table_resources(packaged)
    assert "dynamodb:Scan" not in statement["Action"]
    assert not any(
        a.startswith(("dynamodb:Create", "dynamodb:Delete" + "Table")) for a in statement["Action"]
    )


def test_no_role_reaches_a_table_outside_the_models_or_scans_or_creates_tables(packaged):
    """What each of the other functions may do exactly: tests/integration/test_function_roles."""
    tables = table_resources(packaged)
    for function in FUNCTIONS:
        for statement in role_statements(packaged, function).values():
            actions = as_list(statement["Action"])
            if not any(isinstance(a, str) and a.startswith("dynamodb:") for a in actions):
                continue
            assert {text_of(r) for r in as_list(statement["Resource"])} <= tables, function
            assert not any(a in actions for a in ("dynamodb:Scan", "dynamodb:CreateTable"))


def test_the_socket_handlers_roles_send_no_mail_and_read_no_sso_secret(packaged):
    """Mail (registration, approval) happens in REST routes and the sweep (a chat waiting too
    long, to its department's address), sign-in in REST routes only; a visitor's message over
    the socket may push to the agent's devices, signed with the VAPID key."""
    for function in ("WebsocketConnect", "WebsocketMessage", "WebsocketDisconnect"):
        actions = granted_actions(packaged, function)
        assert not {a for a in actions if a.startswith("ses:")}, function
        secrets = {a for a in actions if "ssm:" in a or "secretsmanager:" in a}
        assert secrets == ({"ssm:GetParameter"} if function == "WebsocketMessage" else set())
    for function in FUNCTIONS:
        statements = role_statements(packaged, function)
        if "ReadVapidKey" in statements:
            resource = text_of(statements["ReadVapidKey"]["Resource"])
            assert resource.endswith(":parameter/${AWS::StackName}/vapid-private-key"), function
    for function in FUNCTIONS:
        secret = any("secretsmanager:" in a for a in granted_actions(packaged, function))
        mail = "ses:SendEmail" in granted_actions(packaged, function)
        assert secret == (function == "APIHandler"), function
        assert mail == (function in ("APIHandler", "Maintenance")), function


def test_only_functions_that_push_may_push_and_only_the_rest_api_and_messages_close_sockets(
    packaged,
):
    """$connect pushes nothing; sign-out (REST) and an ended session's heartbeat ($default)
    close sockets."""
    pushing = {}
    for function in FUNCTIONS:
        for statement in role_statements(packaged, function).values():
            if statement["Action"] == "execute-api:ManageConnections":
                methods = set()
                for resource in as_list(statement["Resource"]):
                    rendered = text_of(resource)
                    assert ":${WebsocketAPI}/api/" in rendered, (function, rendered)
                    methods.add(rendered.split("/api/", 1)[1].split("/", 1)[0])
                pushing[function] = methods
    assert pushing == {
        "APIHandler": {"POST", "DELETE"},
        "WebsocketMessage": {"POST", "DELETE"},
        "WebsocketDisconnect": {"POST"},
        "Maintenance": {"POST"},
    }


def test_the_rest_api_mails_from_its_own_identity_only(packaged):
    mail = role_statements(packaged, "APIHandler")["SendFromOwnIdentity"]
    template, names = mail["Resource"]["Fn::Sub"]
    assert template.endswith(":identity/${Identity}")
    assert names["Identity"] == {
        "Fn::If": ["HasMailIdentity", {"Ref": "MailIdentity"}, {"Ref": "MailSender"}]
    }


def test_each_function_writes_its_own_log_group_only(packaged):
    groups = packaged.of_type("AWS::Logs::LogGroup")
    name_of_group = {
        text_of(g["Properties"]["LogGroupName"]).removeprefix("/aws/lambda/"): logical
        for logical, g in groups.items()
    }
    for function, resource in packaged.of_type("AWS::Serverless::Function").items():
        logs = role_statements(packaged, function)["WriteOwnLogs"]
        own = name_of_group[text_of(resource["Properties"]["FunctionName"])]
        assert [r["Fn::GetAtt"][0] for r in as_list(logs["Resource"])] == [own], function


# ---- suppressions are explained ---------------------------------------------------------------


def checkov_suppressions(packaged) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for name, resource in packaged.resources.items():
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", []):
            assert len(skip.get("comment", "")) > 30, f"{name} {skip['id']}: give the reason"
            found.setdefault(skip["id"], set()).add(name)
    return found


def test_every_suppressed_check_is_listed_with_its_reason_in_the_docs(packaged):
    docs = (REPO / "docs" / "deploy.md").read_text(encoding="utf-8")
    for check_id in checkov_suppressions(packaged):
        assert f"`{check_id}`" in docs, f"docs/deploy.md must explain {check_id}"


def test_the_cost_figures_count_every_metric_the_alarms_read(packaged):
    from bench.cost import ALARM_METRICS

    read = 0
    for alarm in alarms(packaged).values():
        if "MetricName" in alarm:
            read += 1
        else:
            read += sum(
                1
                for query in alarm["Metrics"]
                if "MetricStat" in query or query.get("Expression", "").startswith("SELECT")
            )
    assert read == ALARM_METRICS
