"""`make lint-infra`: cfn-lint and checkov on the packaged template (the tests run the same).

    python -m infra.lint [build/package/prod/sam.json]

Both tools live in .venv-tools (requirements-tools.txt): checkov pins versions of boto3, packaging
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

REPO = Path(__file__).resolve().parent.parent
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
    result = checkov(template)
    print(
        f"checkov: {result.passed} passed, {len(result.failed)} failed, "
        f"{len(result.skipped)} skipped (suppressed with a reason in the template)"
    )
    for check in result.failed:
        print(f"  FAILED {check['check_id']} {check['resource']}: {check['check_name']}")
    return 0 if lint.returncode == 0 and not result.failed else 1


if __name__ == "__main__":
    sys.exit(main())
