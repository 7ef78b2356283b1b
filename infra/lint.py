"""`make lint-infra`: cfn-lint and checkov on the packaged template, and cfn-lint once more on
what AWS's SAM translator makes of it: the template CloudFormation really runs; cfn-lint and
checkov on the opt-in web ACL's template, infra/waf.yaml (the tests run the same).

    python -m infra.lint [build/package/prod/sam.json]

The tools live in .venv-tools (requirements-tools.txt): checkov pins versions of boto3, packaging
and others that the app's own .venv pins differently. Suppressions are in the template, next to
the resource they concern, each with its reason (Metadata: checkov); no cfn-lint rule is ignored;
docs/deploy.md lists them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from infra.deploy import with_code_uri

REPO = Path(__file__).resolve().parent.parent
WAF_TEMPLATE = REPO / "infra" / "waf.yaml"
TOOLS_BIN = REPO / ".venv-tools" / "bin"


@dataclass
class CheckovResult:
    failed: list[dict] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    passed: int = 0


def tool(name: str) -> Path:
    path = TOOLS_BIN / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: `make tools` installs requirements-tools.txt")
    return path


# Runs in .venv-tools: aws-sam-translator's own entry point, as CloudFormation's transform. The
# template names its role (no SAM `Policies`), so the managed-policy loader is never asked.
_TRANSLATE = """
import json, sys
from samtranslator.translator.transform import transform

class NoManagedPolicies:
    def load(self):
        return {}

template = json.load(open(sys.argv[1], encoding="utf-8"))
json.dump(transform(template, {}, NoManagedPolicies()), open(sys.argv[2], "w", encoding="utf-8"))
"""


def sam_translate(template: Path, out: Path) -> dict:
    """The template after the SAM transform (AWS::Serverless::* into plain CloudFormation),
    written to `out`. As `make deploy` sends it: the functions' code in S3. Offline: a region
    for the pseudo parameters, no credentials."""
    deployed = with_code_uri(
        json.loads(template.read_text(encoding="utf-8")),
        "s3://artifacts/deployment.zip",
        "s3://artifacts/cryptography-layer.zip",
    )
    sent = out.with_name(f"{out.stem}.sent.json")
    sent.write_text(json.dumps(deployed), encoding="utf-8")
    run = subprocess.run(
        [str(tool("python")), "-c", _TRANSLATE, str(sent), str(out)],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "eu-central-1"},
    )
    if run.returncode != 0:
        raise RuntimeError(f"the SAM transform failed:\n{run.stderr}")
    return json.loads(out.read_text(encoding="utf-8"))


def cfn_lint(template: Path) -> subprocess.CompletedProcess:
    """Errors and warnings (cfn-lint's defaults); exit code 0 means none."""
    return subprocess.run(
        [str(tool("cfn-lint")), "--format", "parseable", str(template)],
        capture_output=True,
        text=True,
        check=False,
    )


def checkov(template: Path) -> CheckovResult:
    """All of checkov's CloudFormation checks, offline (--skip-download: no platform calls)."""
    run = subprocess.run(
        [
            str(tool("checkov")),
            "--file",
            str(template),
            "--framework",
            "cloudformation",
            "--skip-download",
            "--output",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"checkov gave no JSON report:\n{run.stdout}\n{run.stderr}") from exc
    results = report.get("results", {})
    return CheckovResult(
        failed=results.get("failed_checks", []),
        skipped=results.get("skipped_checks", []),
        passed=report.get("summary", {}).get("passed", 0),
    )


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    template = Path(args[0]) if args else REPO / "build" / "package" / "prod" / "sam.json"
    lint = cfn_lint(template)
    print(f"cfn-lint: {'no errors or warnings' if lint.returncode == 0 else 'findings:'}")
    print(lint.stdout, end="")
    transformed = template.with_name(f"{template.stem}.transformed.json")
    sam_translate(template, transformed)
    lint_transformed = cfn_lint(transformed)
    print(
        f"cfn-lint after the SAM transform ({transformed.name}): "
        f"{'no errors or warnings' if lint_transformed.returncode == 0 else 'findings:'}"
    )
    print(lint_transformed.stdout, end="")
    result = checkov(template)
    print(
        f"checkov: {result.passed} passed, {len(result.failed)} failed, "
        f"{len(result.skipped)} skipped (suppressed with a reason in the template)"
    )
    for check in result.failed:
        print(f"  FAILED {check['check_id']} {check['resource']}: {check['check_name']}")
    lint_waf = cfn_lint(WAF_TEMPLATE)
    waf = checkov(WAF_TEMPLATE)
    print(
        f"{WAF_TEMPLATE.name}: cfn-lint "
        f"{'no errors or warnings' if lint_waf.returncode == 0 else 'findings:'}"
    )
    print(lint_waf.stdout, end="")
    print(f"{WAF_TEMPLATE.name}: checkov {waf.passed} passed, {len(waf.failed)} failed")
    for check in waf.failed:
        print(f"  FAILED {check['check_id']} {check['resource']}: {check['check_name']}")
    clean = (
        lint.returncode == 0
        and lint_transformed.returncode == 0
        and not result.failed
        and lint_waf.returncode == 0
        and not waf.failed
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
