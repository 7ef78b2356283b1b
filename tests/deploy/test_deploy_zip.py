"""The Lambda zip: small (boto3/botocore and friends come from the Lambda runtime), complete (the
app imports and answers from the zip plus the SDK of the Lambda runtime), for Python 3.13 on
arm64 Linux as the template says.

The app cannot be imported from the shipped zip on an x86_64 machine (its binaries are
aarch64), so the import runs on the same package built for this machine, and a test proves
that the two differ in nothing but their binaries and the wheels' tags."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import textwrap
import zipfile
from pathlib import Path

from infra.package import RUNTIME_PROVIDED, ZIP_LIMIT_BYTES, lambda_requirements, runtime_provided

REPO = Path(__file__).resolve().parents[2]
SEVEN_MIB = 7 * 1024 * 1024
# The venv of `make tools` with the boto3/botocore of the Lambda python3.13 runtime
# (requirements-lambda-runtime.txt).
LAMBDA_RUNTIME_PYTHON = REPO / ".venv-lambda-runtime" / "bin" / "python"
ELF_MACHINE = {"aarch64": 183, "x86_64": 62}
# A wheel's tag for CPython 3.13 (or the stable ABI from an older 3.x) on manylinux aarch64.
ARM64_CP313_TAG = re.compile(r"^cp3\d+-(cp313|abi3)-manylinux(2014|_\d+_\d+)_aarch64$")


def names(packaged) -> list[str]:
    with zipfile.ZipFile(packaged.zip_path) as archive:
        return archive.namelist()


def test_the_zip_is_at_most_7_mib(packaged):
    size = packaged.zip_path.stat().st_size
    assert ZIP_LIMIT_BYTES == SEVEN_MIB
    assert size <= SEVEN_MIB, f"{size / 1e6:.2f} MB"
    assert packaged.report["zip_bytes"] == size


def test_the_zip_leaves_out_what_the_lambda_runtime_provides(packaged):
    tops = {name.split("/", 1)[0] for name in names(packaged)}
    assert not tops & set(RUNTIME_PROVIDED)
    assert not [name for name in names(packaged) if runtime_provided(name)]
    assert packaged.report["left_out_files"] > 1000  # botocore alone is ~2,000 files
    # Nor Chalice's command-line tools: only its runtime module ships.
    assert not tops & {"pip", "setuptools", "click", "yaml", "inquirer", "wheel"}


def test_the_zip_has_nothing_the_functions_never_read(packaged):
    listing = names(packaged)
    assert not [n for n in listing if n.startswith(".chalice/")]  # no policy.json, no config
    assert not [n for n in listing if re.match(r"[^/]+-[^/]+\.data/", n)]  # wheels' scripts
    assert not [n for n in listing if n.endswith("jp.py")]


def test_the_zip_has_the_app_and_its_dependencies_built_for_lambda(packaged):
    listing = names(packaged)
    assert "app.py" in listing
    assert "chalice/app.py" in listing
    assert "chalicelib/store/models.py" in listing
    assert any(n.startswith("pynamodb/") for n in listing)
    assert any(
        n.startswith("pydantic_core/") and "cpython-313-aarch64-linux-gnu" in n for n in listing
    )
    assert not any(n.startswith(("tests/", "devserver/", "infra/")) for n in listing)
    runtime = {
        f["Properties"]["Runtime"] for f in packaged.of_type("AWS::Serverless::Function").values()
    }
    architectures = {
        tuple(f["Properties"]["Architectures"])
        for f in packaged.of_type("AWS::Serverless::Function").values()
    }
    assert runtime == {"python3.13"} and architectures == {("arm64",)}


def wheel_tags(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """The `Tag:` lines of every wheel in the zip that is not pure Python."""
    tags = {}
    for name in archive.namelist():
        if name.endswith(".dist-info/WHEEL"):
            text = archive.read(name).decode()
            if "Root-Is-Purelib: false" in text:
                tags[name.split("/", 1)[0]] = re.findall(r"^Tag: (\S+)$", text, re.MULTILINE)
    return tags


def elf_machine(binary: bytes) -> int:
    """e_machine of a 64-bit little-endian ELF file."""
    assert binary[:4] == b"\x7fELF" and binary[4] == 2 and binary[5] == 1
    return struct.unpack_from("<H", binary, 18)[0]


def test_every_binary_in_the_zip_is_built_for_python_313_on_arm64(packaged):
    with zipfile.ZipFile(packaged.zip_path) as archive:
        tags = wheel_tags(archive)
        assert {"pydantic_core", "cffi", "argon2_cffi_bindings"} <= {
            dist.split("-", 1)[0] for dist in tags
        }
        for dist, dist_tags in tags.items():
            assert dist_tags and all(ARM64_CP313_TAG.match(tag) for tag in dist_tags), (
                dist,
                dist_tags,
            )
        binaries = [n for n in archive.namelist() if n.endswith(".so") or ".so." in n]
        assert len(binaries) >= 3
        for name in binaries:
            assert elf_machine(archive.read(name)) == ELF_MACHINE["aarch64"], name
            assert "x86_64" not in name and ("cpython-313-aarch64" in name or "abi3" in name)


def comparable(name: str) -> str:
    """A file's name without the processor in binaries' names."""
    return re.sub(r"(x86_64|aarch64)-linux-gnu", "ARCH-linux-gnu", name)


def test_the_package_for_this_machine_differs_only_in_binaries_and_wheel_tags(
    packaged, packaged_for_this_machine
):
    """What the import test below runs is the shipped package, but for this processor."""
    # Binaries, and the wheels' metadata about them (tags, hashes, the build's bill of materials).
    architecture_specific = re.compile(
        r"(\.so(\.[0-9.]+)?$|\.dist-info/(WHEEL|RECORD|sboms/[^/]+)$)"
    )
    with (
        zipfile.ZipFile(packaged.zip_path) as shipped,
        zipfile.ZipFile(packaged_for_this_machine.zip_path) as local,
    ):
        shipped_files = {comparable(i.filename): i for i in shipped.infolist()}
        local_files = {comparable(i.filename): i for i in local.infolist()}
        assert shipped_files.keys() == local_files.keys()
        differing = [
            name
            for name, info in shipped_files.items()
            if info.CRC != local_files[name].CRC and not architecture_specific.search(name)
        ]
    assert differing == []


def test_lambda_requirements_drop_only_chalice():
    text = "# comment\nargon2-cffi==25.1.0\nchalice==1.34.0\npynamodb==6.1.0\n"
    assert lambda_requirements(text) == "# comment\nargon2-cffi==25.1.0\npynamodb==6.1.0\n"


def lambda_like(packaged, tmp_path: Path) -> tuple[Path, Path]:
    """The zip extracted (code) beside boto3 and botocore at the Lambda runtime's version
    (runtime), for `LAMBDA_RUNTIME_PYTHON -S` with both first on sys.path."""
    assert LAMBDA_RUNTIME_PYTHON.exists(), "`make tools` makes .venv-lambda-runtime"
    code = tmp_path / "code"
    with zipfile.ZipFile(packaged.zip_path) as archive:
        archive.extractall(code)
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (site,) = (REPO / ".venv-lambda-runtime" / "lib").glob("python3.13/site-packages")
    for name in ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "urllib3", "six.py"):
        (runtime / name).symlink_to(site / name)
    return code, runtime


def test_the_app_answers_from_the_zip_with_only_the_runtimes_boto3(
    packaged_for_this_machine, tmp_path
):
    """Like Lambda: the zip's files first, then boto3 and botocore at the Lambda runtime's
    version, nothing else (python -S: no site-packages)."""
    code, runtime = lambda_like(packaged_for_this_machine, tmp_path)
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
        import botocore
        answer = app.app(json.loads(sys.argv[1]), None)
        print(botocore.__version__)
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
        [str(LAMBDA_RUNTIME_PYTHON), "-S", "-c", script, json.dumps(event)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    *_, botocore_version, answer_line = run.stdout.strip().splitlines()
    assert botocore_version == lambda_runtime_botocore()
    answer = json.loads(answer_line)
    assert answer["statusCode"] == 200
    assert json.loads(answer["body"])["ws_url"] == environment["WS_URL"]


def test_a_cold_start_compiles_nothing_of_the_zip(packaged_for_this_machine, tmp_path):
    """Lambda's code directory is read-only: a module without bytecode in the zip would be
    compiled at every cold start. Importing app.py and the store (what the first request
    loads) finds the bytecode of each of the zip's modules, and Python accepts it (-v says
    "matches" where it uses a .pyc)."""
    code, runtime = lambda_like(packaged_for_this_machine, tmp_path)
    script = textwrap.dedent(
        f"""
        import json, os, sys
        sys.path[:0] = [{str(code)!r}, {str(runtime)!r}]
        import app
        import chalicelib.store.dynamo
        print(json.dumps(sorted(
            m.__file__ for m in list(sys.modules.values())
            if (getattr(m, "__file__", None) or "").startswith({str(code)!r})
            and m.__file__.endswith(".py")
        )))
        """
    )
    run = subprocess.run(
        [str(LAMBDA_RUNTIME_PYTHON), "-S", "-B", "-v", "-c", script],
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "eu-central-1"},
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    from_zip = json.loads(run.stdout.strip().splitlines()[-1])
    assert f"{code}/app.py" in from_zip and f"{code}/pydantic/main.py" in from_zip
    used_bytecode = set(re.findall(r"^# \S+\.pyc matches (\S+)$", run.stderr, re.MULTILINE))
    assert [file for file in from_zip if file not in used_bytecode] == []


def lambda_runtime_botocore() -> str:
    text = (REPO / "requirements-lambda-runtime.txt").read_text(encoding="utf-8")
    return re.search(r"^botocore==(\S+)$", text, re.MULTILINE).group(1)


def pins(path: Path) -> dict[str, str]:
    found = re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", path.read_text(encoding="utf-8"), re.M)
    return {name.lower().replace("_", "-"): version for name, version in found}


def test_the_runtime_sdk_tier_installs_what_the_functions_import_at_the_same_versions():
    """The second integration run (the Lambda runtime's SDK) must have every package of the
    zip, pinned alike; only the SDK itself differs."""
    shipped = pins(REPO / "requirements.txt")
    runtime = pins(REPO / "requirements-lambda-runtime.txt")
    sdk = {"boto3", "botocore", "s3transfer"}
    differing = {
        name: (version, runtime.get(name))
        for name, version in shipped.items()
        if name not in sdk and runtime.get(name) != version
    }
    assert differing == {}
