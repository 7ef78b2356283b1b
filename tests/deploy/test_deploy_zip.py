"""The Lambda zip: small (boto3/botocore and friends come from the Lambda runtime), complete (the
app imports and answers from the zip alone plus what the runtime provides), for Python 3.13 on
x86_64 Linux as the template says."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

from infra.package import RUNTIME_PROVIDED, ZIP_LIMIT_BYTES, lambda_requirements, runtime_provided

FIVE_MB = 5 * 1024 * 1024


def names(packaged) -> list[str]:
    with zipfile.ZipFile(packaged.zip_path) as archive:
        return archive.namelist()


def test_the_zip_is_at_most_5_mb(packaged):
    size = packaged.zip_path.stat().st_size
    assert ZIP_LIMIT_BYTES == FIVE_MB
    assert size <= FIVE_MB, f"{size / 1e6:.2f} MB"
    assert packaged.report["zip_bytes"] == size


def test_the_zip_leaves_out_what_the_lambda_runtime_provides(packaged):
    tops = {name.split("/", 1)[0] for name in names(packaged)}
    assert not tops & set(RUNTIME_PROVIDED)
    assert not [name for name in names(packaged) if runtime_provided(name)]
    assert packaged.report["removed_runtime_files"] > 1000  # botocore alone is ~2,000 files
    # Nor Chalice's command-line tools: only its runtime module ships.
    assert not tops & {"pip", "setuptools", "click", "yaml", "inquirer", "wheel"}


def test_the_zip_has_the_app_and_its_dependencies_built_for_lambda(packaged):
    listing = names(packaged)
    assert "app.py" in listing
    assert "chalice/app.py" in listing
    assert "chalicelib/store/models.py" in listing
    assert any(n.startswith("pynamodb/") for n in listing)
    assert any(
        n.startswith("pydantic_core/") and "cpython-313-x86_64-linux-gnu" in n for n in listing
    )
    assert not any(n.startswith(("tests/", "devserver/", "infra/")) for n in listing)
    runtime = {
        f["Properties"]["Runtime"] for f in packaged.of_type("AWS::Serverless::Function").values()
    }
    architectures = {
        tuple(f["Properties"]["Architectures"])
        for f in packaged.of_type("AWS::Serverless::Function").values()
    }
    assert runtime == {"python3.13"} and architectures == {("x86_64",)}


def test_lambda_requirements_drop_only_chalice():
    text = "# comment\nargon2-cffi==25.1.0\nchalice==1.34.0\npynamodb==6.1.0\n"
    assert lambda_requirements(text) == "# comment\nargon2-cffi==25.1.0\npynamodb==6.1.0\n"


def test_the_app_answers_from_the_zip_with_only_the_runtimes_boto3(packaged, tmp_path):
    """Like Lambda: the zip's files first, boto3 and botocore from outside, nothing else from
    the local .venv (python -S: no site-packages)."""
    code = tmp_path / "code"
    with zipfile.ZipFile(packaged.zip_path) as archive:
        archive.extractall(code)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    import botocore

    site = Path(botocore.__file__).parent.parent
    for name in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"):
        (runtime / name).symlink_to(site / name)
    event = {
        "resource": "/config",
        "path": "/config",
        "httpMethod": "GET",
        "headers": {"Host": "example.execute-api.eu-central-1.amazonaws.com"},
        "multiValueHeaders": {},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/config",
            "httpMethod": "GET",
            "path": "/api/config",
            "stage": "api",
            "identity": {"sourceIp": "192.0.2.1"},
        },
        "body": None,
        "isBase64Encoded": False,
    }
    script = textwrap.dedent(
        f"""
        import json, sys
        sys.path[:0] = [{str(code)!r}, {str(runtime)!r}]
        import app
        for module in ("pydantic", "pynamodb", "argon2", "email_validator", "botocore"):
            __import__(module)
            origin = sys.modules[module].__file__
            assert origin.startswith(({str(code)!r}, {str(runtime)!r})), origin
        answer = app.app(json.loads(sys.argv[1]), None)
        print(json.dumps(answer))
        """
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "WS_URL": "wss://example.execute-api.eu-central-1.amazonaws.com/api",
        "TABLE_PREFIX": "stack-",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }
    run = subprocess.run(
        [sys.executable, "-S", "-c", script, json.dumps(event)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    answer = json.loads(run.stdout.strip().splitlines()[-1])
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["ws_url"] == environment["WS_URL"]
