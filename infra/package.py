"""`make package`: the deployable template and the Lambda zip, built offline.

    python -m infra.package [--stage prod] [--out build/package/prod]

Needs no AWS account and no credentials: `chalice package` only reads the app and fetches the
Lambda wheels from PyPI. Steps:

1. Stage the code that ships (app.py, chalicelib/, .chalice/config.json) with a requirements
   file for Lambda: requirements.txt without `chalice` itself (Chalice adds its runtime module
   to the zip by itself; the `chalice` distribution would bring its command-line tools: pip,
   setuptools, click, PyYAML, inquirer, ...).
2. Resolve infra/template.yaml (CloudFormation's short tags, YAML anchors) into JSON and run
   `chalice package --merge-template` on the staged project.
3. Take out of the zip what the Lambda Python runtime already has: boto3, botocore, s3transfer,
   jmespath, dateutil, six, urllib3. PynamoDB depends on botocore, so pip brings it (about 2,000
   files, 15 MB). Local runs are unaffected: they use .venv, which has all of them. Also out:
   wheels' `*.data/` folders (scripts such as jmespath's jp.py, never imported) and anything
   under `.chalice/`.
4. Move cryptography (Authlib's, for institutional sign-in: a 4.7 MB compiled library) out of
   the zip into a Lambda layer, cryptography-layer.zip, that only the API function carries
   (infra/template.yaml): it alone would take the function zip over its budget (ZIP_LIMIT_BYTES).

5. Add the bytecode (`__pycache__/*.pyc`) of every module that importing app.py and the store
   loads. Lambda's code directory is read-only, so Python compiles each module whose bytecode
   is missing at every cold start and can keep none: importing app.py from the zip took about
   600 ms instead of 250 ms on the bench machine (docs/performance.md, "Cold start"). The
   modules are found by importing them here, from .venv, whose pure-Python packages are those
   of the zip (constraints.txt pins both); only those files are compiled, for the zip's limit.
   The bytecode is hash-based and unchecked (PEP 552): used without comparing it with the
   source's timestamp, which a zip does not keep exactly. A deployment replaces the whole zip,
   so source and bytecode never disagree.

The functions run on arm64 (`lambda_architecture` in .chalice/config.json), so Chalice fetches
manylinux aarch64 cp313 wheels. `--architecture x86_64` builds the same package for this
machine's processor: tests/deploy imports the app from that variant, which cannot be done with
aarch64 binaries on an x86_64 host.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import marshal
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "infra" / "template.yaml"
STAGE_DIR = REPO / "build" / "lambda-src"  # kept between builds: Chalice caches wheels there

# Top-level names (packages, modules, their .dist-info) that the Lambda Python runtime provides.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
_DIST_INFO = re.compile(
    r"^(boto3|botocore|s3transfer|jmespath|python_dateutil|six|urllib3)-[^/]+\.dist-info$"
)
# A wheel's `<name>-<version>.data/` folder holds scripts and headers for an installation, which
# nothing imports (jmespath's jp.py, say).
_WHEEL_DATA = re.compile(r"^[^/]+-[^/]+\.data$")
# Left in the template by .chalice/config.json until infra/template.yaml sets every Role.
ROLE_PLACEHOLDER = "replaced-by-infra-template"
# The project's own budget (Lambda takes 50 MB): 7 MiB, since the bytecode of step 5 (about
# 1 MB) saves each cold start about 350 ms of compiling, far more than 1 MB more to unpack costs.
ZIP_LIMIT_BYTES = 7 * 1024 * 1024
# Top-level names that ship in the layer (its files under python/, where Lambda looks).
LAYER_PACKAGES = ("cryptography",)
_LAYER_DIST_INFO = re.compile(r"^cryptography-[^/]+\.dist-info$")
LAYER_ZIP = "cryptography-layer.zip"
# What a cold start imports before its first request is answered: app.py, and the store that
# the first request's context loads (chalicelib/bootstrap.py).
COLD_START_IMPORTS = ("app", "chalicelib.store.dynamo")
# PEP 552's flags of a hash-based .pyc that the import system does not check against its source.
UNCHECKED_HASH_PYC = 0b01


# ---- the merge template --------------------------------------------------------------------


class _CfnLoader(yaml.SafeLoader):
    """A SafeLoader that reads CloudFormation's short forms (!Ref, !Sub, !GetAtt, ...)."""


def _cfn_tag(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict:
    name = tag_suffix
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if name == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    key = name if name in ("Ref", "Condition") else f"Fn::{name}"
    return {key: value}


_CfnLoader.add_multi_constructor("!", _cfn_tag)


def load_cfn_yaml(path: Path) -> dict:
    """The template as plain data: tags in long form, anchors resolved into copies."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506
    # A JSON round trip turns objects shared through anchors into independent copies.
    return json.loads(json.dumps(data))


# ---- staging -------------------------------------------------------------------------------


def lambda_requirements(text: str) -> str:
    """requirements.txt for the Lambda zip: everything but Chalice's own distribution."""
    kept = []
    for line in text.splitlines():
        name = re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0].lower()
        if name == "chalice":
            continue
        kept.append(line)
    return "\n".join(kept) + "\n"


def stage_project(stage_dir: Path = STAGE_DIR, architecture: str | None = None) -> Path:
    """Copy what ships into stage_dir (keeping Chalice's cache under .chalice/deployments);
    `architecture` replaces the config's `lambda_architecture`."""
    stage_dir.mkdir(parents=True, exist_ok=True)
    for name in ("app.py", "chalicelib", "requirements.txt"):
        target = stage_dir / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
    shutil.copy2(REPO / "app.py", stage_dir / "app.py")
    shutil.copytree(
        REPO / "chalicelib",
        stage_dir / "chalicelib",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    (stage_dir / ".chalice").mkdir(exist_ok=True)
    config = json.loads((REPO / ".chalice" / "config.json").read_text(encoding="utf-8"))
    if architecture is not None:
        config["lambda_architecture"] = architecture
    (stage_dir / ".chalice" / "config.json").write_text(json.dumps(config), encoding="utf-8")
    (stage_dir / "requirements.txt").write_text(
        lambda_requirements((REPO / "requirements.txt").read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    return stage_dir


# ---- the zip -------------------------------------------------------------------------------


def runtime_provided(name: str) -> bool:
    top = name.split("/", 1)[0]
    return top in RUNTIME_PROVIDED or top == "six.py" or bool(_DIST_INFO.match(top))


def never_used(name: str) -> bool:
    """Files in Chalice's zip that the functions never read."""
    top = name.split("/", 1)[0]
    return top == ".chalice" or bool(_WHEEL_DATA.match(top)) or "/__pycache__/" in f"/{name}"


def cold_start_files() -> set[str]:
    """The files (named as in the zip) of the modules that COLD_START_IMPORTS load, found by
    importing them in a fresh interpreter of .venv."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {COLD_START_IMPORTS!r}: importlib.import_module(name)\n"
        "print(json.dumps([getattr(m, '__file__', None) for m in list(sys.modules.values())]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        check=True,
    )
    # site-packages first: .venv lies inside the repository.
    roots = [*(Path(p) for p in sys.path if p.endswith("site-packages")), REPO]
    files = set()
    for file in json.loads(done.stdout):
        if file and file.endswith(".py"):
            root = next((r for r in roots if Path(file).is_relative_to(r)), None)
            if root is not None:
                files.add(Path(file).relative_to(root).as_posix())
    return files


def bytecode(source: bytes, name: str) -> tuple[str, bytes]:
    """The .pyc of the zip's file `name` for this interpreter (Python 3.13, as on Lambda):
    its name in the zip and its content, hash-based and unchecked (PEP 552)."""
    code = compile(source, f"/var/task/{name}", "exec", dont_inherit=True)
    header = (
        importlib.util.MAGIC_NUMBER
        + UNCHECKED_HASH_PYC.to_bytes(4, "little")
        + importlib.util.source_hash(source)
    )
    return importlib.util.cache_from_source(name), header + marshal.dumps(code)


def in_layer(name: str) -> bool:
    top = name.split("/", 1)[0]
    return top in LAYER_PACKAGES or bool(_LAYER_DIST_INFO.match(top))


def slim_zip(path: Path, layer_path: Path, compiled: set[str]) -> tuple[int, int]:
    """Rewrite the zip without what the runtime provides, what is never used and what goes into
    the layer (written to `layer_path`), with bytecode for the files named in `compiled`;
    returns (files left out, files kept)."""
    slim = path.with_suffix(".slim.zip")
    removed = kept = 0
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(slim, "w") as target,
        zipfile.ZipFile(layer_path, "w") as layer,
    ):
        for info in source.infolist():
            if runtime_provided(info.filename) or never_used(info.filename):
                removed += 1
                continue
            if in_layer(info.filename):
                info.filename = f"python/{info.filename}"
                layer.writestr(info, source.read(info.orig_filename), zipfile.ZIP_DEFLATED)
                continue
            content = source.read(info)
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED)
            kept += 1
            if info.filename in compiled:
                pyc_name, pyc = bytecode(content, info.filename)
                pyc_info = zipfile.ZipInfo(pyc_name, date_time=info.date_time)
                pyc_info.external_attr = info.external_attr
                target.writestr(pyc_info, pyc, compress_type=zipfile.ZIP_DEFLATED)
                kept += 1
    slim.replace(path)
    return removed, kept


# ---- the whole step ------------------------------------------------------------------------


def chalice_env(base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    # Chalice wants a region even when it only writes files; nothing here calls AWS.
    env.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def package(
    stage: str,
    out_dir: Path,
    *,
    stage_dir: Path = STAGE_DIR,
    env: dict[str, str] | None = None,
    architecture: str | None = None,
) -> dict:
    """Build out_dir/sam.json and out_dir/deployment.zip; returns a short report.
    `env` replaces the environment of `chalice package` (tests pass one without credentials);
    `architecture` replaces the one of .chalice/config.json (arm64)."""
    chalice = Path(sys.executable).with_name("chalice")
    project = stage_project(stage_dir, architecture)
    merge = project / "merge-template.json"
    merge.write_text(json.dumps(load_cfn_yaml(TEMPLATE), indent=1), encoding="utf-8")
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            str(chalice),
            "--project-dir",
            str(project),
            "package",
            "--stage",
            stage,
            "--merge-template",
            str(merge),
            str(out_dir),
        ],
        check=True,
        env=chalice_env(env),
    )
    template_text = (out_dir / "sam.json").read_text(encoding="utf-8")
    if ROLE_PLACEHOLDER in template_text:
        raise SystemExit(
            "a Lambda function still has the placeholder role of .chalice/config.json: "
            "give it a role of its own (`Role: !GetAtt <Function>Role.Arn`) and a name in "
            "infra/template.yaml"
        )
    zip_path = out_dir / "deployment.zip"
    layer_path = out_dir / LAYER_ZIP
    removed, kept = slim_zip(zip_path, layer_path, cold_start_files())
    size = zip_path.stat().st_size
    report = {
        "stage": stage,
        "template": str(out_dir / "sam.json"),
        "zip": str(zip_path),
        "zip_bytes": size,
        "zip_files": kept,
        "left_out_files": removed,
        "layer_zip": str(layer_path),
        "layer_zip_bytes": layer_path.stat().st_size,
    }
    # The limit is for what ships (arm64); the x86_64 twin that tests import here has larger
    # wheels and never ships.
    if architecture is None and size > ZIP_LIMIT_BYTES:
        raise SystemExit(f"the Lambda zip is {size} bytes, over the limit of {ZIP_LIMIT_BYTES}")
    return report


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--stage", default="prod", help="Chalice stage (dev or prod)")
    parser.add_argument("--out", type=Path, help="output directory (build/package/<stage>)")
    parser.add_argument(
        "--architecture",
        choices=("arm64", "x86_64"),
        help="instead of .chalice/config.json's (arm64): only for running the zip locally",
    )
    args = parser.parse_args(argv)
    out = args.out or REPO / "build" / "package" / args.stage
    report = package(args.stage, out, architecture=args.architecture)
    print(
        f"packaged stage {report['stage']}: {report['template']}\n"
        f"  Lambda zip {report['zip']}: {report['zip_bytes'] / 1e6:.2f} MB, "
        f"{report['zip_files']} files ({report['left_out_files']} left out: the runtime has "
        "them, or nothing reads them)"
    )


if __name__ == "__main__":
    main()
