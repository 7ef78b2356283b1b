"""`make deploy`, `make setup-admin` and `make destroy`: the packaged stack in the user's own AWS
account, with the user's own credentials (boto3 reads them as the AWS CLI does: AWS_PROFILE,
environment, SSO, ~/.aws). See docs/deploy.md.

    python -m infra.deploy deploy  --stack S --stage prod [--domain D --certificate-arn A] [--yes]
    python -m infra.deploy setup   --stack S --admin-email it@uni.example [--department D]
    python -m infra.deploy destroy --stack S [--yes]

Deploy: upload the Lambda zip and the template (build/package/<stage>/, from `make package`) to a
private artifacts bucket, create or update the CloudFormation stack through a change set that is
shown and, unless --yes, confirmed; give the functions the public URL (a second, small update
when the URL is CloudFront's own and so known only after the first), upload the widget and
console with their Cache-Control and a config.json carrying the stack's URLs, delete the site's
files that left the build, and invalidate CloudFront's cache. When the stack fails, its failed
events are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import hashlib
import json
import mimetypes
import os
import re
import secrets
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from infra.package import LAYER_ZIP

REPO = Path(__file__).resolve().parent.parent
CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
SERVERLESS_FUNCTION = "AWS::Serverless::Function"
NO_ALARMS = "none: deploy with ALARM_EMAIL=... to be told of failures (docs/deploy.md, Alarms)"
SERVERLESS_LAYER = "AWS::Serverless::LayerVersion"
# Artifacts older than this go (a lifecycle rule); the stack's current zip is refreshed before
# every update, so that a rollback always finds it.
ARTIFACT_DAYS = 90
# A stack in these states cannot be updated: the previous create failed and left nothing to
# keep; `make destroy` clears it.
FAILED_CREATE = {"ROLLBACK_COMPLETE", "ROLLBACK_FAILED", "DELETE_FAILED"}
# How often, and how long (an hour), to look again at a stack busy with another operation.
SETTLE_DELAY_SECONDS = 15
SETTLE_ATTEMPTS = 240

# Cache-Control of the static files. Names with a content hash never change: a year. Everything
# else (loader.js, the HTML, config.json) must pick up a new deploy soon: minutes, or revalidate.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
REVALIDATE = "no-cache"
_HASHED = re.compile(r"[.-][0-9A-Za-z_-]{8,}\.(js|mjs|css|woff2?|svg|png|webp|avif|jpg|ico|map)$")
_HAS_DIGIT = re.compile(r"\d")


# ---- small pure pieces (tested without AWS) -------------------------------------------------


# Names derived from the stack name have limits: a Lambda function `<stack>-ws-disconnect` at most
# 64 characters, an origin access control or CloudFront function `<stack>-index` at most 64.
MAX_STACK_NAME = 40


def valid_stack_name(name: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", name)) and len(name) <= MAX_STACK_NAME


def cache_control(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    match = _HASHED.search(name)
    if match and _HAS_DIGIT.search(match.group(0)):
        return IMMUTABLE
    if name.endswith((".html", ".json")):
        return REVALIDATE
    return SHORT


def content_type(key: str) -> str:
    guessed, _ = mimetypes.guess_type(key)
    if key.endswith((".js", ".mjs")):
        guessed = "text/javascript"
    guessed = guessed or "application/octet-stream"
    if guessed.startswith("text/") or guessed in ("application/json", "image/svg+xml"):
        guessed += "; charset=utf-8"
    return guessed


def artifacts_bucket_name(stack: str, account: str, region: str) -> str:
    """Private, per stack, account and region; at most 63 characters as S3 wants."""
    base = f"{stack.lower()}-artifacts-{account}-{region}"
    if len(base) <= 63:
        return base
    digest = hashlib.sha256(base.encode()).hexdigest()[:8]
    return (
        f"{stack.lower()[: 63 - len(account) - len(region) - 22]}-{digest}-art-{account}-{region}"
    )


def with_code_uri(template: dict, code_uri: str, layer_uri: str | None = None) -> dict:
    """The template with every function's CodeUri pointing at the uploaded zip (and each
    layer's ContentUri at the uploaded layer zip)."""
    resources = template["Resources"]
    for resource in resources.values():
        if resource.get("Type") == SERVERLESS_FUNCTION:
            resource["Properties"]["CodeUri"] = code_uri
        elif resource.get("Type") == SERVERLESS_LAYER and layer_uri is not None:
            resource["Properties"]["ContentUri"] = layer_uri
    return template


def stack_parameters(
    template: dict, previous: dict[str, str], given: dict[str, str | None]
) -> list[dict]:
    """What was given now, else what the stack had, else the template's default."""
    parameters = []
    for name in template.get("Parameters", {}):
        if given.get(name) is not None:
            parameters.append({"ParameterKey": name, "ParameterValue": given[name]})
        elif name in previous:
            parameters.append({"ParameterKey": name, "UsePreviousValue": True})
    return parameters


def parameter_overrides(template: dict, assignments: list[str] | None) -> dict[str, str]:
    """`Name=Value` of the command line (`make deploy PARAMETERS="ApiRateLimit=50"`) for the
    template's parameters; an empty value empties one (`WebAclArn=`)."""
    overrides = {}
    for assignment in assignments or []:
        name, equals, value = assignment.partition("=")
        if not equals or name not in template.get("Parameters", {}):
            known = ", ".join(sorted(template.get("Parameters", {})))
            raise SystemExit(f"--parameter {assignment!r}: give Name=Value, Name one of {known}")
        overrides[name] = value
    return overrides


ORIGIN_SECRET_PARAMETER = "OriginVerifySecret"


def origin_secret(previous: dict[str, str]) -> str | None:
    """The secret CloudFront sends the API as X-Origin-Verify: made on the first deploy, kept
    after (None: the stack's own value, which CloudFormation shows nobody, NoEcho)."""
    return None if ORIGIN_SECRET_PARAMETER in previous else secrets.token_urlsafe(32)


def vapid_key_name(stack: str) -> str:
    """The SSM parameter with the stack's VAPID private key (the template's VAPID_KEY_PARAMETER
    and its roles name the same)."""
    return f"/{stack}/vapid-private-key"


def ensure_vapid_key(ssm, stack: str) -> bool:
    """The key that signs the stack's Web Push (RFC 8292): made on the first deploy as an SSM
    SecureString (CloudFormation cannot make one), kept after, since browsers subscribed with
    its public key; never printed. True when made now."""
    from chalicelib.webpush import new_private_key

    try:
        ssm.put_parameter(
            Name=vapid_key_name(stack),
            Description=f"VAPID private key of the livechat stack {stack} (Web Push)",
            Value=new_private_key(),
            Type="SecureString",
            Overwrite=False,
        )
    except ssm.exceptions.ParameterAlreadyExists:
        return False
    return True


def static_files(widget_dir: Path, console_dir: Path | None) -> Iterator[tuple[Path, str]]:
    """(file, key) of what the site serves: /widget/... and /console/...

    The widget's build output (widget/dist, content-hashed) is used when it exists."""
    widget_source = widget_dir / "dist" if (widget_dir / "dist").is_dir() else widget_dir
    skip = {"node_modules", "src", "common", "test", "tests"}
    if widget_source == widget_dir:
        skip |= {"dist", "console"}
    yield from _walk(widget_source, "widget", skip)
    if console_dir is not None and console_dir.is_dir():
        yield from _walk(console_dir, "console", {"node_modules", "src", "test", "tests"})


# Files of the build itself, not of the site.
_NOT_SERVED = {"build.mjs", "package.json", "package-lock.json", "README.md"}


def _walk(root: Path, prefix: str, skip: set[str]) -> Iterator[tuple[Path, str]]:
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        parts = path.relative_to(root).parts
        if not path.is_file() or any(p.startswith(".") or p in skip for p in parts):
            continue
        if path.name in _NOT_SERVED:
            continue
        yield path, f"{prefix}/{'/'.join(parts)}"


def default_console_dir() -> Path | None:
    candidates = (
        REPO / "widget" / "dist" / "console",
        REPO / "console",
        REPO / "widget" / "console",
    )
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


def site_config(outputs: dict[str, str]) -> dict:
    """config.json next to the widget and the console: where the API and the socket are."""
    return {
        "api_url": outputs["ApiURL"],
        "ws_url": outputs["WebSocketURL"],
        "public_url": outputs["PublicURL"],
    }


LANDING_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Live chat</title>
<meta http-equiv="refresh" content="0; url=/console/"></head>
<body><p><a href="/console/">Live chat console</a></p></body></html>
"""


def upload_site(s3, bucket: str, files: Iterable[tuple[Path, str]], config: dict) -> list[str]:
    """Put the static files, config.json (under widget/ and console/) and a landing page."""
    keys = []
    for path, key in files:
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=path.read_bytes(),
            ContentType=content_type(key),
            CacheControl=cache_control(key),
        )
        keys.append(key)
    body = (json.dumps(config, indent=2) + "\n").encode()
    for key in ("widget/config.json", "console/config.json"):
        s3.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type(key),
            CacheControl=cache_control(key),
        )
        keys.append(key)
    if "index.html" not in keys:
        s3.put_object(
            Bucket=bucket,
            Key="index.html",
            Body=LANDING_PAGE.encode(),
            ContentType=content_type("index.html"),
            CacheControl=cache_control("index.html"),
        )
        keys.append("index.html")
    return keys


def prune_site(s3, bucket: str, kept: Iterable[str]) -> list[str]:
    """Delete the site's files that are not in this build (renamed or removed ones)."""
    kept = set(kept)
    gone = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        gone += [item["Key"] for item in page.get("Contents", []) if item["Key"] not in kept]
    for start in range(0, len(gone), 1000):
        chunk = [{"Key": key} for key in gone[start : start + 1000]]
        s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
    return sorted(gone)


def empty_bucket(s3, bucket: str, owner: str | None = None) -> int:
    """Delete every object (and version, if versioning was ever switched on). `owner`: the
    account the bucket must belong to (ExpectedBucketOwner), for the artifacts bucket."""
    expected = {"ExpectedBucketOwner": owner} if owner else {}
    deleted = 0
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket, **expected):
        batch = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(batch), 1000):
            chunk = batch[start : start + 1000]
            s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True}, **expected)
            deleted += len(chunk)
    return deleted


def confirmed(question: str, yes: bool) -> bool:
    if yes:
        return True
    return input(f"{question} [y/N] ").strip().lower() in ("y", "yes", "j", "ja")


def describe_changes(change_set: dict) -> list[str]:
    """One line per change: action, logical id, type, and whether it replaces the resource."""
    lines = []
    for change in change_set.get("Changes", []):
        resource = change.get("ResourceChange", {})
        replacement = resource.get("Replacement")
        note = {"True": "  REPLACED (new resource)", "Conditional": "  may be replaced"}.get(
            replacement or "", ""
        )
        lines.append(
            f"  {resource.get('Action', '?'):<7} {resource.get('LogicalResourceId', '?'):<36}"
            f" {resource.get('ResourceType', '')}{note}"
        )
    return lines


def failed_events(cfn, stack: str, since: float) -> list[str]:
    """The stack's failed events since `since` (epoch seconds), oldest first."""
    found = []
    for page in cfn.get_paginator("describe_stack_events").paginate(StackName=stack):
        for event in page["StackEvents"]:
            if event["Timestamp"].timestamp() < since:
                return list(reversed(found))
            if event["ResourceStatus"].endswith("FAILED"):
                found.append(
                    f"  {event['LogicalResourceId']} ({event.get('ResourceType', '')}) "
                    f"{event['ResourceStatus']}: {event.get('ResourceStatusReason', '')}"
                )
    return list(reversed(found))


# ---- AWS steps ------------------------------------------------------------------------------


def _session(region: str | None):
    import boto3

    session = boto3.session.Session(region_name=region)
    if not session.region_name:
        raise SystemExit("no AWS region: set AWS_REGION (or AWS_DEFAULT_REGION, or a profile)")
    return session


def _stack(cfn, stack: str) -> dict | None:
    from botocore.exceptions import ClientError

    try:
        stacks = cfn.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return stacks[0] if stacks else None


def _parameters(stack: dict | None) -> dict[str, str]:
    return {
        p["ParameterKey"]: p.get("ParameterValue", "") for p in (stack or {}).get("Parameters", [])
    }


def _outputs(stack: dict) -> dict[str, str]:
    return {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}


def ensure_artifacts_bucket(s3, bucket: str, region: str, account: str) -> None:
    """A private bucket of this account for the zips and templates (each build is about 4 MB,
    named by its hash, so the same build is stored once). Its name is predictable: every call
    passes ExpectedBucketOwner, so a bucket of that name in another account is never used."""
    from botocore.exceptions import ClientError

    try:
        s3.head_bucket(Bucket=bucket, ExpectedBucketOwner=account)
        exists = True
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("404", "NoSuchBucket"):
            raise SystemExit(
                f"s3://{bucket} exists but does not belong to account {account} "
                f"({exc.response['Error']['Code']}): choose another STACK name"
            ) from None
        exists = False
    if not exists:
        kwargs = {"Bucket": bucket}
        if region != "us-east-1":
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        s3.create_bucket(**kwargs)
    s3.put_public_access_block(
        Bucket=bucket,
        ExpectedBucketOwner=account,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_encryption(
        Bucket=bucket,
        ExpectedBucketOwner=account,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_policy(
        Bucket=bucket, ExpectedBucketOwner=account, Policy=json.dumps(tls_only_policy(bucket))
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        ExpectedBucketOwner=account,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "old-artifacts",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"Days": ARTIFACT_DAYS},
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
                }
            ]
        },
    )


def tls_only_policy(bucket: str) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyWithoutTls",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            }
        ],
    }


def _upload(s3, bucket: str, account: str, key_prefix: str, body: bytes, suffix: str) -> str:
    key = f"{key_prefix}/{hashlib.sha256(body).hexdigest()[:32]}{suffix}"
    s3.put_object(Bucket=bucket, Key=key, Body=body, ExpectedBucketOwner=account)
    return key


def keep_current_code(cfn, s3, stack: str, bucket: str, account: str) -> None:
    """Make the zip the stack runs now new again, so that the lifecycle rule leaves it for as
    long as a rollback of the coming update may need it."""
    body = cfn.get_template(StackName=stack, TemplateStage="Original")["TemplateBody"]
    template = json.loads(body) if isinstance(body, str) else body
    prefix = f"s3://{bucket}/"
    keys = {
        resource["Properties"]["CodeUri"].removeprefix(prefix)
        for resource in template.get("Resources", {}).values()
        if resource.get("Type") == SERVERLESS_FUNCTION
        and str(resource["Properties"].get("CodeUri", "")).startswith(prefix)
    }
    for key in keys:
        s3.copy_object(
            Bucket=bucket,
            Key=key,
            CopySource={"Bucket": bucket, "Key": key},
            MetadataDirective="REPLACE",
            ExpectedBucketOwner=account,
            ExpectedSourceBucketOwner=account,
        )


def apply_change_set(
    cfn, stack: str, template_url: str, parameters: list[dict], exists: bool, yes: bool
) -> bool:
    """Create a change set, show it, and run it once confirmed; False when there was nothing to
    change. On failure, exits with the stack's failed events."""
    started = time.time()
    name = f"deploy-{int(started)}"
    cfn.create_change_set(
        StackName=stack,
        ChangeSetName=name,
        ChangeSetType="UPDATE" if exists else "CREATE",
        TemplateURL=template_url,
        Parameters=parameters,
        Capabilities=CAPABILITIES,
        Tags=[{"Key": "application", "Value": "livechat"}],
    )
    waiter = cfn.get_waiter("change_set_create_complete")
    try:
        waiter.wait(
            StackName=stack, ChangeSetName=name, WaiterConfig={"Delay": 5, "MaxAttempts": 120}
        )
    except Exception:
        described = cfn.describe_change_set(StackName=stack, ChangeSetName=name)
        reason = described.get("StatusReason", "")
        if "didn't contain changes" in reason or "No updates" in reason:
            cfn.delete_change_set(StackName=stack, ChangeSetName=name)
            return False
        raise SystemExit(f"the change set failed: {reason}") from None
    print(f"  change set {name}:")
    token = None
    while True:  # a first deploy has about a hundred changes: more than one page
        page = cfn.describe_change_set(
            StackName=stack, ChangeSetName=name, **({"NextToken": token} if token else {})
        )
        print("\n".join(describe_changes(page)))
        token = page.get("NextToken")
        if not token:
            break
    if not confirmed("  Execute it?", yes):
        cfn.delete_change_set(StackName=stack, ChangeSetName=name)
        if not exists:
            cfn.delete_stack(StackName=stack)  # the empty stack of an unrun first change set
        raise SystemExit("nothing changed")
    print(f"  executing change set {name} (CloudFront takes several minutes on the first deploy)")
    cfn.execute_change_set(StackName=stack, ChangeSetName=name)
    done = cfn.get_waiter("stack_update_complete" if exists else "stack_create_complete")
    try:
        done.wait(StackName=stack, WaiterConfig={"Delay": 15, "MaxAttempts": 240})
    except Exception:
        events = failed_events(cfn, stack, started) or ["  (no failed event recorded)"]
        raise SystemExit(
            f"stack {stack} failed; its failed events:\n" + "\n".join(events)
        ) from None
    return True


def settle(cfn, stack: str, yes: bool) -> dict | None:
    """The stack once it can be updated: waits out operations in progress, continues a rollback
    that failed (once confirmed), and refuses a stack whose creation failed."""
    for _ in range(SETTLE_ATTEMPTS):
        existing = _stack(cfn, stack)
        status = existing["StackStatus"] if existing else None
        if status is None or status == "REVIEW_IN_PROGRESS":
            return None  # nothing, or a first change set that was never run: create it again
        if status.endswith("_IN_PROGRESS"):
            print(f"  stack {stack} is {status}; waiting for it to finish")
            time.sleep(SETTLE_DELAY_SECONDS)
            continue
        if status in FAILED_CREATE:
            raise SystemExit(
                f"stack {stack} is {status} (its creation failed; nothing to keep): "
                "run `make destroy` and deploy again"
            )
        if status == "UPDATE_ROLLBACK_FAILED":
            print(f"  stack {stack} is {status}: an update failed and so did its rollback")
            print("\n".join(failed_events(cfn, stack, 0)[-10:]))
            if not confirmed("  Continue the rollback (to the last working state)?", yes):
                raise SystemExit("nothing changed")
            cfn.continue_update_rollback(StackName=stack)
            time.sleep(SETTLE_DELAY_SECONDS)
            continue
        return existing
    raise SystemExit(f"stack {stack} is still busy after an hour; deploy again later")


def deploy(args: argparse.Namespace) -> None:
    package_dir = args.package_dir or REPO / "build" / "package" / args.stage
    template_path, zip_path = package_dir / "sam.json", package_dir / "deployment.zip"
    if not template_path.is_file() or not zip_path.is_file():
        raise SystemExit(f"{package_dir} has no package: run `make package STAGE={args.stage}`")
    session = _session(args.region)
    region = session.region_name
    account = session.client("sts").get_caller_identity()["Account"]
    s3 = session.client("s3")
    cfn = session.client("cloudformation")
    print(f"Deploying stage {args.stage} as stack {args.stack} in {account}/{region}")

    existing = settle(cfn, args.stack, args.yes)
    bucket = artifacts_bucket_name(args.stack, account, region)
    ensure_artifacts_bucket(s3, bucket, region, account)
    if existing is not None:
        keep_current_code(cfn, s3, args.stack, bucket, account)
    zip_key = _upload(s3, bucket, account, args.stack, zip_path.read_bytes(), ".zip")
    layer_bytes = (package_dir / LAYER_ZIP).read_bytes()
    layer_key = _upload(s3, bucket, account, args.stack, layer_bytes, ".zip")
    template = with_code_uri(
        json.loads(template_path.read_text()),
        f"s3://{bucket}/{zip_key}",
        f"s3://{bucket}/{layer_key}",
    )
    template_key = _upload(s3, bucket, account, args.stack, json.dumps(template).encode(), ".json")
    template_url = f"https://{bucket}.s3.{region}.amazonaws.com/{template_key}"

    previous = _parameters(existing)
    given = {
        "MailSender": args.mail_sender,
        "MailIdentity": args.mail_identity,
        "CreateMailIdentity": args.create_mail_identity,
        "AlarmEmail": args.alarm_email,
        "DomainName": args.domain,
        "CertificateArn": args.certificate_arn,
        ORIGIN_SECRET_PARAMETER: origin_secret(previous),
        **parameter_overrides(template, args.parameter),
    }
    parameters = stack_parameters(template, previous, given)
    if ensure_vapid_key(session.client("ssm"), args.stack):
        print(f"  made the Web Push key, SSM SecureString {vapid_key_name(args.stack)}")
    apply_change_set(
        cfn, args.stack, template_url, parameters, exists=existing is not None, yes=args.yes
    )
    outputs = _outputs(_stack(cfn, args.stack))

    # The functions put the public URL into emails. CloudFront's own domain exists only after
    # the first deploy, and the template cannot refer to it (the API behind it refers to the
    # functions): a second, small update hands it over.
    current = _parameters(_stack(cfn, args.stack))
    own_domain = current.get("DomainName", "") != ""
    if not own_domain and current.get("PublicOrigin", "") != outputs["PublicURL"]:
        print(f"  handing the public URL {outputs['PublicURL']} to the functions")
        given["PublicOrigin"] = outputs["PublicURL"]
        parameters = stack_parameters(template, current, given)
        apply_change_set(cfn, args.stack, template_url, parameters, exists=True, yes=args.yes)

    site_bucket = outputs["SiteBucketName"]
    files = list(static_files(REPO / "widget", default_console_dir()))
    keys = upload_site(s3, site_bucket, files, site_config(outputs))
    gone = prune_site(s3, site_bucket, keys)
    print(
        f"  uploaded {len(keys)} static files to s3://{site_bucket}, "
        f"deleted {len(gone)} that left the build"
    )
    session.client("cloudfront").create_invalidation(
        DistributionId=outputs["DistributionId"],
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"deploy-{int(time.time())}",
        },
    )
    print(
        "\nDone.\n"
        f"  Public URL   {outputs['PublicURL']}\n"
        f"  Console      {outputs['PublicURL']}/console/\n"
        f"  REST API     {outputs['ApiURL']}\n"
        f"  WebSocket    {outputs['WebSocketURL']}\n"
        f'  Snippet      <script async src="{outputs["PublicURL"]}/widget/loader.js" '
        'data-department="DEPARTMENT" data-lang="de"></script>\n'
        f"  SES identity {outputs['MailIdentityName']} (verify it, see docs/deploy.md)\n"
        f"  Alarms       {outputs.get('AlarmTopicArn', NO_ALARMS)}\n"
        "Next: `make setup-admin` creates the first admin account and the departments."
    )


def setup(args: argparse.Namespace) -> None:
    session = _session(args.region)
    stack = _stack(session.client("cloudformation"), args.stack)
    if stack is None:
        raise SystemExit(f"no stack {args.stack}: run `make deploy` first")
    password = os.environ.get("CHAT_ADMIN_PASSWORD") or getpass.getpass("Admin password: ")
    departments = []
    for spec in args.department or []:
        department_id, _, rest = spec.partition("=")
        name, _, origins = rest.partition("@")
        departments.append(
            {
                "department_id": department_id,
                "name": name or department_id,
                "allowed_origins": [o for o in origins.split(",") if o],
            }
        )
    payload = {
        "admin_email": args.admin_email,
        "admin_password": password,
        "departments": departments,
    }
    answer = session.client("lambda").invoke(
        FunctionName=_outputs(stack)["SetupFunctionName"],
        Payload=json.dumps(payload).encode(),
    )
    body = answer["Payload"].read().decode()
    if answer.get("FunctionError"):
        raise SystemExit(f"setup failed: {body}")
    print(body)


def unprotect_tables(cfn, dynamodb, stack: str) -> list[str]:
    """Switch off deletion protection of the stack's tables that have it; their names."""
    names = []
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack):
        for resource in page["StackResourceSummaries"]:
            if resource["ResourceType"] != "AWS::DynamoDB::Table":
                continue
            name = resource.get("PhysicalResourceId")
            if not name or resource["ResourceStatus"] == "DELETE_COMPLETE":
                continue
            table = dynamodb.describe_table(TableName=name)["Table"]
            if table.get("DeletionProtectionEnabled"):
                dynamodb.update_table(TableName=name, DeletionProtectionEnabled=False)
                names.append(name)
    return names


def destroy(args: argparse.Namespace) -> None:
    session = _session(args.region)
    cfn, s3 = session.client("cloudformation"), session.client("s3")
    stack = _stack(cfn, args.stack)
    account = session.client("sts").get_caller_identity()["Account"]
    if not args.yes:
        typed = input(
            f"This deletes stack {args.stack} in {account}/{session.region_name} with every "
            "table (staff accounts and departments too: their deletion protection is switched "
            "off), the chats and the static files. Type the stack name to go on: "
        )
        if typed.strip() != args.stack:
            raise SystemExit("nothing deleted")
    if stack is not None:
        outputs = _outputs(stack)
        site_bucket = outputs.get("SiteBucketName")
        if site_bucket:
            print(f"  emptying s3://{site_bucket}: {empty_bucket(s3, site_bucket)} objects")
        for name in unprotect_tables(cfn, session.client("dynamodb"), args.stack):
            print(f"  deletion protection of table {name} switched off")
        started = time.time()
        cfn.delete_stack(StackName=args.stack)
        print(f"  deleting stack {args.stack} (CloudFront takes a while)")
        try:
            cfn.get_waiter("stack_delete_complete").wait(
                StackName=args.stack, WaiterConfig={"Delay": 15, "MaxAttempts": 240}
            )
        except Exception:
            events = failed_events(cfn, args.stack, started) or ["  (no failed event recorded)"]
            raise SystemExit(
                f"stack {args.stack} was not deleted; its failed events:\n" + "\n".join(events)
            ) from None
        if outputs.get("MailIdentityCreated") == "true":
            print(
                f"  kept the SES identity {outputs.get('MailIdentityName')} (another stage may "
                "send from it; delete it in the SES console when none does)"
            )
    bucket = artifacts_bucket_name(args.stack, account, session.region_name)
    ssm = session.client("ssm")
    with contextlib.suppress(ssm.exceptions.ParameterNotFound):
        ssm.delete_parameter(Name=vapid_key_name(args.stack))
        print(f"  deleted the Web Push key {vapid_key_name(args.stack)}")
    from botocore.exceptions import ClientError

    try:
        empty_bucket(s3, bucket, owner=account)
        s3.delete_bucket(Bucket=bucket, ExpectedBucketOwner=account)
        print(f"  deleted s3://{bucket}")
    except ClientError as exc:
        if "NoSuchBucket" not in str(exc):
            raise
    print("Destroyed.")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m infra.deploy", description=__doc__.split("\n", 1)[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("deploy", "setup", "destroy"):
        command = commands.add_parser(name)
        command.add_argument("--stack", required=True, help="CloudFormation stack name")
        command.add_argument("--region", default=None, help="AWS region (default: AWS_REGION)")
        if name == "deploy":
            command.add_argument("--stage", default="prod")
            command.add_argument("--create-mail-identity", choices=("true", "false"))
            command.add_argument("--alarm-email", default=None)
            command.add_argument("--package-dir", type=Path, default=None)
            command.add_argument("--mail-sender", default=None)
            command.add_argument("--mail-identity", default=None)
            command.add_argument("--domain", default=None)
            command.add_argument("--certificate-arn", default=None)
            command.add_argument(
                "--parameter",
                action="append",
                help="Name=Value of a stack parameter, e.g. ApiRateLimit=50 (repeatable)",
            )
        if name == "setup":
            command.add_argument("--admin-email", required=True)
            command.add_argument(
                "--department",
                action="append",
                help="ID=Name@https://origin1,https://origin2 (repeatable)",
            )
        if name in ("deploy", "destroy"):
            command.add_argument("--yes", action="store_true", help="do not ask")
    args = parser.parse_args(argv)
    if not valid_stack_name(args.stack):
        raise SystemExit(
            f"stack name {args.stack!r}: a letter, then letters, digits and hyphens, at most "
            f"{MAX_STACK_NAME} characters (function and CloudFront names are built from it)"
        )
    if args.command == "deploy" and bool(args.domain) != bool(args.certificate_arn):
        raise SystemExit("DOMAIN and CERTIFICATE_ARN go together")
    {"deploy": deploy, "setup": setup, "destroy": destroy}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
