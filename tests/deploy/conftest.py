"""The AWS package, built once per session exactly as `make package` builds it, without AWS
credentials: the environment of `chalice package` has no AWS_* variables and no AWS config.
Also, for running the app from a zip on this machine, the same package built for its processor
(the shipped one is arm64, whose binaries cannot load on an x86_64 host)."""

from __future__ import annotations

import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path

import pytest

from infra import package as packaging


@dataclass(frozen=True)
class Packaged:
    directory: Path
    template_path: Path
    zip_path: Path
    template: dict
    report: dict

    @property
    def resources(self) -> dict:
        return self.template["Resources"]

    def of_type(self, resource_type: str) -> dict[str, dict]:
        return {k: v for k, v in self.resources.items() if v["Type"] == resource_type}


# Building the package (pip for arm64, chalice package) takes a minute on an idle machine and
# several on a busy one; its time counts against the first test that asks for it, so the deploy
# tests get longer than the suite's per-test timeout (which is there to stop hangs).
PACKAGING_TIMEOUT_SECONDS = 900


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    deploy_tests = Path(__file__).parent
    for item in items:
        if deploy_tests in item.path.parents:
            item.add_marker(pytest.mark.timeout(PACKAGING_TIMEOUT_SECONDS))


def environment_without_aws(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = str(tmp / "no-aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp / "no-aws-credentials")
    return env


def build(root: Path, architecture: str | None = None) -> Packaged:
    out = root / "prod"
    report = packaging.package(
        "prod",
        out,
        stage_dir=root / "lambda-src",
        env=environment_without_aws(root),
        architecture=architecture,
    )
    template_path = out / "sam.json"
    return Packaged(
        directory=out,
        template_path=template_path,
        zip_path=out / "deployment.zip",
        template=json.loads(template_path.read_text(encoding="utf-8")),
        report=report,
    )


@pytest.fixture(scope="session")
def packaged(tmp_path_factory) -> Packaged:
    return build(tmp_path_factory.mktemp("aws-package"))


# Lambda's names of the machine's processor.
HOST_ARCHITECTURE = {"x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[platform.machine()]


@pytest.fixture(scope="session")
def packaged_for_this_machine(tmp_path_factory, packaged) -> Packaged:
    """The same package for this machine's processor: the shipped one when that is arm64."""
    if HOST_ARCHITECTURE == "arm64":
        return packaged
    return build(tmp_path_factory.mktemp("aws-package-host"), HOST_ARCHITECTURE)
