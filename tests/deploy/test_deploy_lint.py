"""cfn-lint and checkov on the packaged template and on the opt-in web ACL's (infra/waf.yaml): no
error, no warning, no failed check; every suppression in the template is one that checkov
actually needed."""

from __future__ import annotations

import pytest

from infra import lint


@pytest.fixture(scope="module")
def checkov_result(packaged):
    return lint.checkov(packaged.template_path)


def test_cfn_lint_finds_no_error_and_no_warning(packaged):
    result = lint.cfn_lint(packaged.template_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == ""


def test_checkov_fails_no_check(checkov_result):
    failed = [f"{c['check_id']} {c['resource']}: {c['check_name']}" for c in checkov_result.failed]
    assert failed == []
    assert checkov_result.passed >= 40  # it really looked: IAM, S3, CloudFront, DynamoDB, Lambda


def test_every_checkov_suppression_is_needed(packaged, checkov_result):
    declared = {
        (name, skip["id"])
        for name, resource in packaged.resources.items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    }
    used = {
        (check["resource"].rsplit(".", 1)[-1], check["check_id"])
        for check in checkov_result.skipped
    }
    assert declared == used


def test_the_web_acl_template_passes_cfn_lint_and_checkov():
    result = lint.cfn_lint(lint.WAF_TEMPLATE)
    assert result.returncode == 0, result.stdout + result.stderr
    checked = lint.checkov(lint.WAF_TEMPLATE)
    assert [c["check_id"] for c in checked.failed] == []
    assert [c["check_id"] for c in checked.skipped] == ["CKV_AWS_192"]  # explained there
