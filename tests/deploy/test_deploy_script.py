"""The parts of `make deploy` / `make destroy` that need no real AWS account: the static upload
with its Cache-Control and the stack's URLs in config.json (on moto's S3), the template's code
location, the stack parameters, bucket names."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import boto3
import pytest
from moto import mock_aws

from infra import deploy

OUTPUTS = {
    "PublicURL": "https://d111.cloudfront.net",
    "ApiURL": "https://d111.cloudfront.net/api",
    "WebSocketURL": "wss://abc123.execute-api.eu-central-1.amazonaws.com/api",
    "SiteBucketName": "site-bucket",
}


@pytest.fixture
def s3(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        client = boto3.client("s3", region_name="eu-central-1")
        client.create_bucket(
            Bucket="site-bucket",
            CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
        )
        yield client


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("widget/assets/chat.3f9a1c2b.js", deploy.IMMUTABLE),
        ("widget/assets/chat-B4x9_kQ1.css", deploy.IMMUTABLE),
        ("console/assets/index-0a1b2c3d4e.js", deploy.IMMUTABLE),
        ("widget/loader.js", deploy.SHORT),
        ("widget/chat-window.js", deploy.SHORT),  # a word, not a hash
        ("console/index.html", deploy.REVALIDATE),
        ("widget/config.json", deploy.REVALIDATE),
    ],
)
def test_only_content_hashed_files_are_cached_for_a_year(key, expected):
    assert deploy.cache_control(key) == expected


def test_content_types_say_what_browsers_need():
    assert deploy.content_type("widget/loader.js") == "text/javascript; charset=utf-8"
    assert deploy.content_type("console/index.html") == "text/html; charset=utf-8"
    assert deploy.content_type("widget/config.json") == "application/json; charset=utf-8"
    assert deploy.content_type("widget/x.woff2") in ("font/woff2", "application/octet-stream")


def test_deploy_uploads_widget_and_console_with_the_stacks_urls(s3, tmp_path):
    widget = tmp_path / "widget"
    (widget / "dist" / "assets").mkdir(parents=True)
    (widget / "dist" / "loader.js").write_text("/* loader */")
    (widget / "dist" / "assets" / "chat.3f9a1c2b.js").write_text("/* chat */")
    (widget / "src").mkdir()
    (widget / "src" / "loader.ts").write_text("source, not shipped")
    console = tmp_path / "console"
    console.mkdir()
    (console / "index.html").write_text("<!doctype html>")
    (console / ".DS_Store").write_text("junk")

    files = list(deploy.static_files(widget, console))
    keys = deploy.upload_site(s3, "site-bucket", files, deploy.site_config(OUTPUTS))

    assert sorted(keys) == [
        "console/config.json",
        "console/index.html",
        "index.html",
        "widget/assets/chat.3f9a1c2b.js",
        "widget/config.json",
        "widget/loader.js",
    ]
    hashed = s3.get_object(Bucket="site-bucket", Key="widget/assets/chat.3f9a1c2b.js")
    assert hashed["CacheControl"] == deploy.IMMUTABLE
    assert hashed["ContentType"] == "text/javascript; charset=utf-8"
    loader = s3.get_object(Bucket="site-bucket", Key="widget/loader.js")
    assert loader["CacheControl"] == deploy.SHORT
    for key in ("widget/config.json", "console/config.json"):
        config = json.loads(s3.get_object(Bucket="site-bucket", Key=key)["Body"].read())
        assert config == {
            "api_url": "https://d111.cloudfront.net/api",
            "ws_url": "wss://abc123.execute-api.eu-central-1.amazonaws.com/api",
            "public_url": "https://d111.cloudfront.net",
        }
    landing = s3.get_object(Bucket="site-bucket", Key="index.html")["Body"].read().decode()
    assert "/console/" in landing


def test_without_a_build_the_widget_folder_itself_is_uploaded(tmp_path):
    widget = tmp_path / "widget"
    (widget / "console").mkdir(parents=True)
    (widget / "loader.js").write_text("x")
    (widget / "build.mjs").write_text("the build script")
    (widget / "console" / "index.html").write_text("y")
    # Sources that esbuild bundles into the served files are not served themselves.
    for source in ("src/chat/view.js", "common/api.js", "console/src/room.js"):
        (widget / source).parent.mkdir(parents=True, exist_ok=True)
        (widget / source).write_text("a source")
    files = [key for _, key in deploy.static_files(widget, widget / "console")]
    assert files == ["widget/loader.js", "console/index.html"]


def test_destroy_empties_the_site_bucket(s3):
    for number in range(3):
        s3.put_object(Bucket="site-bucket", Key=f"widget/{number}.js", Body=b"x")
    assert deploy.empty_bucket(s3, "site-bucket") == 3
    assert s3.list_objects_v2(Bucket="site-bucket")["KeyCount"] == 0


def test_every_function_runs_the_uploaded_zip(packaged):
    template = deploy.with_code_uri(json.loads(packaged.template_path.read_text()), "s3://b/k.zip")
    functions = [
        r for r in template["Resources"].values() if r["Type"] == "AWS::Serverless::Function"
    ]
    assert len(functions) == 6
    assert {f["Properties"]["CodeUri"] for f in functions} == {"s3://b/k.zip"}


def test_parameters_given_now_win_then_the_stacks_then_the_defaults(packaged):
    parameters = deploy.stack_parameters(
        packaged.template,
        previous={"MailSender": "old@uni.example", "PublicOrigin": "https://d1.cloudfront.net"},
        given={"MailSender": None, "DomainName": "chat.uni.example", "CertificateArn": None},
    )
    assert {"ParameterKey": "MailSender", "UsePreviousValue": True} in parameters
    assert {"ParameterKey": "DomainName", "ParameterValue": "chat.uni.example"} in parameters
    assert {"ParameterKey": "PublicOrigin", "UsePreviousValue": True} in parameters
    assert not [p for p in parameters if p["ParameterKey"] == "CertificateArn"]


def test_any_stack_parameter_can_be_set_by_name_and_an_unknown_one_is_refused(packaged):
    overrides = deploy.parameter_overrides(
        packaged.template, ["ApiRateLimit=50", "WebAclArn=", "SsoIssuer=https://idp/x=y"]
    )
    assert overrides == {"ApiRateLimit": "50", "WebAclArn": "", "SsoIssuer": "https://idp/x=y"}
    parameters = deploy.stack_parameters(packaged.template, {"WebAclArn": "arn:old"}, overrides)
    assert {"ParameterKey": "WebAclArn", "ParameterValue": ""} in parameters  # switched off
    for bad in ("ApiRateLimit", "NoSuchParameter=1"):
        with pytest.raises(SystemExit, match="Name=Value"):
            deploy.parameter_overrides(packaged.template, [bad])


def test_artifacts_bucket_names_are_valid_for_s3():
    short = deploy.artifacts_bucket_name("Livechat-Prod", "123456789012", "eu-central-1")
    assert short == "livechat-prod-artifacts-123456789012-eu-central-1"
    long = deploy.artifacts_bucket_name("a" * 100, "123456789012", "ap-southeast-2")
    for name in (short, long):
        assert len(name) <= 63 and re.fullmatch(r"[a-z0-9][a-z0-9-]*[a-z0-9]", name)


def test_stack_names_fit_the_names_derived_from_them():
    assert deploy.valid_stack_name("livechat-prod")
    assert not deploy.valid_stack_name("1chat")
    assert not deploy.valid_stack_name("live_chat")
    assert not deploy.valid_stack_name("x" * 41)
    longest = "x" * deploy.MAX_STACK_NAME
    assert len(f"{longest}-ws-disconnect") <= 64 and len(f"{longest}-site") <= 64


# ---- the whole deploy, with moto's S3 and STS and a stand-in for CloudFormation --------------


class FakeCloudFormation:
    """Just enough of CloudFormation: change sets that, once run, set the stack's parameters
    (given, previous or default) and outputs; `fail_with` makes the next run fail with those
    events."""

    def __init__(self, template_defaults: dict[str, str], s3):
        self.defaults = template_defaults
        self.s3 = s3  # where the templates of the change sets are
        self.stack: dict | None = None
        self.change_sets: list[dict] = []
        self.executed: list[str] = []
        self.deleted_change_sets: list[str] = []
        self.templates: list[dict] = []
        self.events: list[dict] = []
        self.fail_with: list[dict] = []
        self.statuses: list[str] = []  # what describe_stacks says next, before the stack's own
        self.rollbacks_continued = 0

    def describe_change_set(self, StackName, ChangeSetName, NextToken=None):
        """Two changes, one per page (AWS pages at 100)."""
        pages = [
            {
                "Action": "Add",
                "LogicalResourceId": "AgentsTable",
                "ResourceType": "AWS::DynamoDB::Table",
            },
            {
                "Action": "Modify",
                "LogicalResourceId": "APIHandler",
                "ResourceType": "AWS::Lambda::Function",
                "Replacement": "True",
            },
        ]
        if NextToken is None:
            return {"Changes": [{"ResourceChange": pages[0]}], "NextToken": "page-2"}
        return {"Changes": [{"ResourceChange": pages[1]}]}

    def delete_change_set(self, StackName, ChangeSetName):
        self.deleted_change_sets.append(ChangeSetName)

    def delete_stack(self, StackName):
        self.stack = None

    def get_template(self, StackName, TemplateStage):
        return {"TemplateBody": self.templates[-1]}

    def continue_update_rollback(self, StackName):
        self.rollbacks_continued += 1
        self.stack["StackStatus"] = "UPDATE_ROLLBACK_COMPLETE"

    def get_paginator(self, name):
        assert name == "describe_stack_events"
        events = self.events

        class Paginator:
            def paginate(self, StackName):
                yield {"StackEvents": list(reversed(events))}  # newest first, as AWS

        return Paginator()

    def describe_stacks(self, StackName):
        from botocore.exceptions import ClientError

        if self.stack is None:
            error = {
                "Error": {
                    "Code": "ValidationError",
                    "Message": f"Stack with id {StackName} does not exist",
                }
            }
            raise ClientError(error, "DescribeStacks")
        if self.statuses:
            return {"Stacks": [{**self.stack, "StackStatus": self.statuses.pop(0)}]}
        return {"Stacks": [self.stack]}

    def create_change_set(self, **kwargs):
        self.change_sets.append(kwargs)
        bucket, key = re.match(r"https://([^.]+)\.s3\.[^/]+/(.+)", kwargs["TemplateURL"]).groups()
        self.templates.append(json.loads(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read()))

    def execute_change_set(self, StackName, ChangeSetName):
        self.executed.append(ChangeSetName)
        if self.fail_with:
            now = datetime.now(UTC)
            self.events = [{**event, "Timestamp": now} for event in self.fail_with]
            self.fail_with = []
            return
        request = self.change_sets[-1]
        previous = {
            p["ParameterKey"]: p["ParameterValue"] for p in (self.stack or {}).get("Parameters", [])
        }
        values = dict(self.defaults)
        for parameter in request["Parameters"]:
            key = parameter["ParameterKey"]
            values[key] = (
                previous[key] if parameter.get("UsePreviousValue") else parameter["ParameterValue"]
            )
        self.stack = {
            "StackName": StackName,
            "StackStatus": "CREATE_COMPLETE",
            "Parameters": [{"ParameterKey": k, "ParameterValue": v} for k, v in values.items()],
            "Outputs": [
                {"OutputKey": k, "OutputValue": v}
                for k, v in {
                    **OUTPUTS,
                    "DistributionId": "E1EXAMPLE",
                    "SetupFunctionName": f"{StackName}-setup",
                    "MailIdentityName": values["MailSender"],
                    "AlarmTopicArn": f"arn:aws:sns:eu-central-1:123456789012:{StackName}-alarms",
                }.items()
            ],
        }

    def get_waiter(self, name):
        failed = bool(self.events) and name.startswith("stack_")

        class Waiter:
            def wait(self, **kwargs):
                if failed:
                    raise RuntimeError("Waiter encountered a terminal failure state")

        return Waiter()


class PolicyKeepingS3:
    """moto's S3, except that bucket policies are kept, not enforced: moto ignores a policy's
    conditions, so the TLS-only Deny (`aws:SecureTransport` false) would deny every call."""

    def __init__(self, client):
        self._client = client
        self.policies: dict[str, str] = {}

    def put_bucket_policy(self, Bucket, Policy, **kwargs):
        self.policies[Bucket] = Policy

    def __getattr__(self, name):
        return getattr(self._client, name)


class FakeCloudFront:
    def __init__(self):
        self.invalidations = []

    def create_invalidation(self, DistributionId, InvalidationBatch):
        self.invalidations.append((DistributionId, InvalidationBatch["Paths"]["Items"]))


def test_deploy_creates_the_stack_hands_it_its_url_and_uploads_the_site(
    s3, packaged, monkeypatch, tmp_path
):
    defaults = {k: str(v.get("Default", "")) for k, v in packaged.template["Parameters"].items()}
    cloudformation, cloudfront = FakeCloudFormation(defaults, s3), FakeCloudFront()

    class Session:
        region_name = "eu-central-1"

        def client(self, name):
            if name == "cloudformation":
                return cloudformation
            if name == "cloudfront":
                return cloudfront
            if name == "s3":
                return PolicyKeepingS3(s3)
            return boto3.client(name, region_name="eu-central-1")

    monkeypatch.setattr(deploy, "_session", lambda region: Session())
    arguments = [
        "deploy",
        "--stack",
        "livechat-test",
        "--package-dir",
        str(packaged.directory),
        "--yes",
    ]
    deploy.main([*arguments, "--mail-sender", "chat@uni.example"])

    first, second = cloudformation.change_sets
    assert first["ChangeSetType"] == "CREATE" and second["ChangeSetType"] == "UPDATE"
    assert set(first["Capabilities"]) == {"CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"}
    assert {"ParameterKey": "MailSender", "ParameterValue": "chat@uni.example"} in first[
        "Parameters"
    ]
    assert {"ParameterKey": "PublicOrigin", "ParameterValue": OUTPUTS["PublicURL"]} in second[
        "Parameters"
    ]

    # The template that CloudFormation got runs the zip that was uploaded beside it.
    bucket = deploy.artifacts_bucket_name("livechat-test", "123456789012", "eu-central-1")
    template_key = first["TemplateURL"].split(".amazonaws.com/", 1)[1]
    template = json.loads(s3.get_object(Bucket=bucket, Key=template_key)["Body"].read())
    (code_uri,) = {
        r["Properties"]["CodeUri"]
        for r in template["Resources"].values()
        if r["Type"] == "AWS::Serverless::Function"
    }
    zip_key = code_uri.removeprefix(f"s3://{bucket}/")
    assert (
        s3.get_object(Bucket=bucket, Key=zip_key)["Body"].read() == packaged.zip_path.read_bytes()
    )
    assert s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"][
        "BlockPublicPolicy"
    ]

    config = json.loads(
        s3.get_object(Bucket="site-bucket", Key="widget/config.json")["Body"].read()
    )
    assert config["ws_url"] == OUTPUTS["WebSocketURL"]
    assert cloudfront.invalidations == [("E1EXAMPLE", ["/*"])]

    # Again, without variables: one update, keeping what the stack has.
    deploy.main(arguments)
    assert len(cloudformation.change_sets) == 3
    again = cloudformation.change_sets[2]["Parameters"]
    assert {"ParameterKey": "MailSender", "UsePreviousValue": True} in again
    assert {"ParameterKey": "PublicOrigin", "UsePreviousValue": True} in again


# ---- asking first, failing loudly, settling the stack -----------------------------------------


@pytest.fixture
def deploying(s3, packaged, monkeypatch):
    """`deploy.main` against moto's S3 and STS and a FakeCloudFormation; returns (cfn, run)."""
    defaults = {k: str(v.get("Default", "")) for k, v in packaged.template["Parameters"].items()}
    cloudformation, cloudfront = FakeCloudFormation(defaults, s3), FakeCloudFront()
    storage = PolicyKeepingS3(s3)

    class Session:
        region_name = "eu-central-1"

        def client(self, name):
            fakes = {"cloudformation": cloudformation, "cloudfront": cloudfront, "s3": storage}
            return fakes.get(name) or boto3.client(name, region_name="eu-central-1")

    monkeypatch.setattr(deploy, "_session", lambda region: Session())
    sleeps = []
    monkeypatch.setattr(deploy.time, "sleep", sleeps.append)

    def run(*extra: str) -> None:
        deploy.main(
            ["deploy", "--stack", "livechat-test", "--package-dir", str(packaged.directory), *extra]
        )

    run.sleeps = sleeps
    run.policies = storage.policies
    return cloudformation, run


def test_deploy_makes_the_origin_secret_once_keeps_it_after_and_never_prints_it(deploying, capsys):
    cloudformation, run = deploying

    run("--yes")
    first, public_url = cloudformation.change_sets
    made = [p for p in first["Parameters"] if p["ParameterKey"] == "OriginVerifySecret"]
    run("--yes")
    kept = cloudformation.change_sets[-1]["Parameters"]

    (secret,) = [p["ParameterValue"] for p in made]
    assert len(secret) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", secret)
    assert {"ParameterKey": "OriginVerifySecret", "ParameterValue": secret} in public_url[
        "Parameters"
    ]
    assert {"ParameterKey": "OriginVerifySecret", "UsePreviousValue": True} in kept
    stored = {p["ParameterKey"]: p["ParameterValue"] for p in cloudformation.stack["Parameters"]}
    assert stored["OriginVerifySecret"] == secret
    assert secret not in capsys.readouterr().out


def test_deploy_makes_the_web_push_key_once_as_a_secure_string_and_never_prints_it(
    deploying, capsys
):
    _cloudformation, run = deploying
    ssm = boto3.client("ssm", region_name="eu-central-1")

    run("--yes")
    made = ssm.get_parameter(Name="/livechat-test/vapid-private-key", WithDecryption=True)
    run("--yes")
    kept = ssm.get_parameter(Name="/livechat-test/vapid-private-key", WithDecryption=True)

    assert made["Parameter"]["Type"] == "SecureString"
    key = made["Parameter"]["Value"]
    assert key.startswith("-----BEGIN PRIVATE KEY-----")
    assert kept["Parameter"]["Value"] == key
    assert key not in capsys.readouterr().out


def test_deploy_shows_the_change_set_and_runs_nothing_unless_confirmed(
    deploying, monkeypatch, capsys
):
    cloudformation, run = deploying
    questions = []
    monkeypatch.setattr("builtins.input", lambda question: questions.append(question) or "n")
    with pytest.raises(SystemExit, match="nothing changed"):
        run()
    shown = capsys.readouterr().out
    assert "Add     AgentsTable" in shown  # both pages of the change set
    assert "AWS::Lambda::Function  REPLACED (new resource)" in shown
    assert questions and cloudformation.executed == []
    assert len(cloudformation.deleted_change_sets) == 1
    assert cloudformation.stack is None  # no empty stack left behind

    monkeypatch.setattr("builtins.input", lambda question: "y")
    run()
    assert len(cloudformation.executed) == 2  # the stack, then its public URL


def test_a_failed_deploy_prints_the_stacks_failed_events(deploying):
    cloudformation, run = deploying
    cloudformation.fail_with = [
        {
            "LogicalResourceId": "AgentsTable",
            "ResourceType": "AWS::DynamoDB::Table",
            "ResourceStatus": "CREATE_IN_PROGRESS",
        },
        {
            "LogicalResourceId": "SesIdentity",
            "ResourceType": "AWS::SES::EmailIdentity",
            "ResourceStatus": "CREATE_FAILED",
            "ResourceStatusReason": "chat@uni.example already exists",
        },
    ]
    with pytest.raises(SystemExit) as failure:
        run("--yes")
    message = str(failure.value)
    assert "SesIdentity (AWS::SES::EmailIdentity) CREATE_FAILED: chat@uni.example already" in (
        message
    )
    assert "AgentsTable" not in message  # only what failed
    assert "console" not in message


def test_deploy_waits_for_an_operation_in_progress_and_then_updates(deploying):
    cloudformation, run = deploying
    run("--yes")
    cloudformation.statuses = ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS"]
    run("--yes")
    assert len(run.sleeps) == 2 and cloudformation.statuses == []
    assert cloudformation.change_sets[-1]["ChangeSetType"] == "UPDATE"


def test_deploy_continues_a_failed_rollback_once_confirmed(deploying, monkeypatch):
    cloudformation, run = deploying
    run("--yes")
    cloudformation.stack["StackStatus"] = "UPDATE_ROLLBACK_FAILED"
    monkeypatch.setattr("builtins.input", lambda question: "n")
    with pytest.raises(SystemExit, match="nothing changed"):
        run()
    assert cloudformation.rollbacks_continued == 0
    run("--yes")
    assert cloudformation.rollbacks_continued == 1


def test_deploy_refuses_a_stack_whose_creation_failed(deploying):
    cloudformation, run = deploying
    run("--yes")
    cloudformation.stack["StackStatus"] = "ROLLBACK_COMPLETE"
    with pytest.raises(SystemExit, match="make destroy"):
        run("--yes")


def test_the_artifacts_bucket_is_tls_only_expires_old_builds_and_keeps_the_running_one(
    deploying, s3
):
    cloudformation, run = deploying
    run("--yes")
    bucket = deploy.artifacts_bucket_name("livechat-test", "123456789012", "eu-central-1")
    policy = json.loads(run.policies[bucket])
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Deny"
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    (rule,) = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert rule["Expiration"]["Days"] == deploy.ARTIFACT_DAYS and rule["Status"] == "Enabled"
    running = cloudformation.templates[-1]["Resources"]["APIHandler"]["Properties"]["CodeUri"]
    key = running.removeprefix(f"s3://{bucket}/")
    before = s3.head_object(Bucket=bucket, Key=key)["LastModified"]
    run("--yes")  # an update: the running zip is made new before it
    assert s3.head_object(Bucket=bucket, Key=key)["LastModified"] >= before


def test_an_artifacts_bucket_of_another_account_is_never_used():
    from botocore.exceptions import ClientError

    class ForeignBucket:
        def head_bucket(self, Bucket, ExpectedBucketOwner):
            raise ClientError({"Error": {"Code": "403", "Message": "Forbidden"}}, "HeadBucket")

    with pytest.raises(SystemExit, match="does not belong to account 123456789012"):
        deploy.ensure_artifacts_bucket(
            ForeignBucket(),
            "livechat-prod-artifacts-123456789012-eu-central-1",
            "eu-central-1",
            "123456789012",
        )


def test_site_files_that_left_the_build_are_deleted(s3):
    for key in ("widget/chat.old1234a.js", "widget/loader.js", "console/gone.html"):
        s3.put_object(Bucket="site-bucket", Key=key, Body=b"x")
    gone = deploy.prune_site(s3, "site-bucket", ["widget/loader.js"])
    assert gone == ["console/gone.html", "widget/chat.old1234a.js"]
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="site-bucket")["Contents"]]
    assert keys == ["widget/loader.js"]


def test_destroy_switches_off_deletion_protection_of_the_stacks_tables_only(s3):
    dynamodb = boto3.client("dynamodb", region_name="eu-central-1")
    for name, protected in (("stack-agents", True), ("stack-rooms", False), ("other", True)):
        dynamodb.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            DeletionProtectionEnabled=protected,
        )

    class StackResources:
        def get_paginator(self, name):
            class Paginator:
                def paginate(self, StackName):
                    yield {
                        "StackResourceSummaries": [
                            {
                                "ResourceType": "AWS::DynamoDB::Table",
                                "PhysicalResourceId": table,
                                "ResourceStatus": "CREATE_COMPLETE",
                            }
                            for table in ("stack-agents", "stack-rooms")
                        ]
                    }

            return Paginator()

    assert deploy.unprotect_tables(StackResources(), dynamodb, "stack") == ["stack-agents"]
    described = {
        name: dynamodb.describe_table(TableName=name)["Table"]["DeletionProtectionEnabled"]
        for name in ("stack-agents", "other")
    }
    assert described == {"stack-agents": False, "other": True}


class StackToDestroy:
    """A stack with an agents table under deletion protection, for `destroy`."""

    def __init__(self, dynamodb):
        self.dynamodb = dynamodb
        self.deleted = False
        self.protected_when_deleted = None

    def describe_stacks(self, StackName):
        outputs = {
            "SiteBucketName": "site-bucket",
            "MailIdentityName": "uni.example",
            "MailIdentityCreated": "true",
        }
        return {
            "Stacks": [
                {
                    "StackName": StackName,
                    "StackStatus": "UPDATE_COMPLETE",
                    "Outputs": [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()],
                }
            ]
        }

    def get_paginator(self, name):
        class Paginator:
            def paginate(self, StackName):
                yield {
                    "StackResourceSummaries": [
                        {
                            "ResourceType": "AWS::DynamoDB::Table",
                            "PhysicalResourceId": "livechat-test-agents",
                            "ResourceStatus": "UPDATE_COMPLETE",
                        }
                    ]
                }

        return Paginator()

    def delete_stack(self, StackName):
        table = self.dynamodb.describe_table(TableName="livechat-test-agents")["Table"]
        self.protected_when_deleted = table["DeletionProtectionEnabled"]
        self.deleted = True

    def get_waiter(self, name):
        class Waiter:
            def wait(self, **kwargs):
                return None

        return Waiter()


@pytest.fixture
def destroying(s3, monkeypatch):
    dynamodb = boto3.client("dynamodb", region_name="eu-central-1")
    dynamodb.create_table(
        TableName="livechat-test-agents",
        KeySchema=[{"AttributeName": "agent_id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "agent_id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        DeletionProtectionEnabled=True,
    )
    s3.put_object(Bucket="site-bucket", Key="widget/loader.js", Body=b"x")
    stack = StackToDestroy(dynamodb)

    class Session:
        region_name = "eu-central-1"

        def client(self, name):
            if name == "cloudformation":
                return stack
            return boto3.client(name, region_name="eu-central-1")

    monkeypatch.setattr(deploy, "_session", lambda region: Session())
    return stack


def test_destroy_asks_and_deletes_nothing_without_the_stacks_name(destroying, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda question: "livechat-prod")
    with pytest.raises(SystemExit, match="nothing deleted"):
        deploy.main(["destroy", "--stack", "livechat-test"])
    assert not destroying.deleted
    table = destroying.dynamodb.describe_table(TableName="livechat-test-agents")["Table"]
    assert table["DeletionProtectionEnabled"] is True


def test_destroy_switches_deletion_protection_off_then_deletes_and_keeps_the_ses_identity(
    destroying, monkeypatch, capsys
):
    questions = []
    monkeypatch.setattr(
        "builtins.input", lambda question: questions.append(question) or "livechat-test"
    )
    deploy.main(["destroy", "--stack", "livechat-test"])
    assert "deletion protection" in questions[0]
    assert destroying.deleted and destroying.protected_when_deleted is False
    printed = capsys.readouterr().out
    assert "kept the SES identity uni.example" in printed


def test_destroy_deletes_the_web_push_key_and_minds_none(destroying, monkeypatch):
    ssm = boto3.client("ssm", region_name="eu-central-1")
    assert deploy.ensure_vapid_key(ssm, "livechat-test") is True
    assert deploy.ensure_vapid_key(ssm, "livechat-test") is False

    deploy.main(["destroy", "--stack", "livechat-test", "--yes"])

    with pytest.raises(ssm.exceptions.ParameterNotFound):
        ssm.get_parameter(Name="/livechat-test/vapid-private-key")
    deploy.main(["destroy", "--stack", "livechat-test", "--yes"])  # gone already: no error
