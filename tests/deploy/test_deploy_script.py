"""The parts of `make deploy` / `make destroy` that need no real AWS account: the static upload
with its Cache-Control and the stack's URLs in config.json (on moto's S3), the template's code
location, the stack parameters, bucket names."""

from __future__ import annotations

import json
import re

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
    (given, previous or default) and outputs."""

    def __init__(self, template_defaults: dict[str, str]):
        self.defaults = template_defaults
        self.stack: dict | None = None
        self.change_sets: list[dict] = []

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
        return {"Stacks": [self.stack]}

    def create_change_set(self, **kwargs):
        self.change_sets.append(kwargs)

    def execute_change_set(self, StackName, ChangeSetName):
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
                }.items()
            ],
        }

    def get_waiter(self, name):
        class Waiter:
            def wait(self, **kwargs):
                return None

        return Waiter()


class FakeCloudFront:
    def __init__(self):
        self.invalidations = []

    def create_invalidation(self, DistributionId, InvalidationBatch):
        self.invalidations.append((DistributionId, InvalidationBatch["Paths"]["Items"]))


def test_deploy_creates_the_stack_hands_it_its_url_and_uploads_the_site(
    s3, packaged, monkeypatch, tmp_path
):
    defaults = {k: str(v.get("Default", "")) for k, v in packaged.template["Parameters"].items()}
    cloudformation, cloudfront = FakeCloudFormation(defaults), FakeCloudFront()

    class Session:
        region_name = "eu-central-1"

        def client(self, name):
            if name == "cloudformation":
                return cloudformation
            if name == "cloudfront":
                return cloudfront
            return boto3.client(name, region_name="eu-central-1")

    monkeypatch.setattr(deploy, "_session", lambda region: Session())
    arguments = ["deploy", "--stack", "livechat-test", "--package-dir", str(packaged.directory)]
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
