"""The CloudFront function of the static files (IndexFunction in infra/template.yaml: the
directory index, and a trailing slash for paths without one) never redirects off the site: its
code, taken from the template as `make package` resolves it, runs in node on the events
CloudFront hands it (cloudfront-js-2.0 is JavaScript, `handler(event)` returning the request or
a response)."""

from __future__ import annotations

import json
import subprocess

import pytest

from infra.package import TEMPLATE, load_cfn_yaml


def function_code() -> str:
    function = load_cfn_yaml(TEMPLATE)["Resources"]["IndexFunction"]["Properties"]
    assert function["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
    return function["FunctionCode"]


def viewer_request(uri: str, querystring: dict | None = None) -> dict:
    """A viewer-request event as CloudFront builds it (querystring parsed, headers lowercase)."""
    return {
        "version": "1.0",
        "context": {"eventType": "viewer-request"},
        "viewer": {"ip": "198.51.100.7"},
        "request": {
            "method": "GET",
            "uri": uri,
            "querystring": querystring or {},
            "headers": {"host": {"value": "chat.uni.example"}},
            "cookies": {},
        },
    }


def run(event: dict) -> dict:
    script = (
        f"{function_code()}\nprocess.stdout.write(JSON.stringify(handler({json.dumps(event)})));"
    )
    done = subprocess.run(
        ["node", "-e", script], capture_output=True, text=True, check=True, timeout=30
    )
    return json.loads(done.stdout)


def location(answer: dict) -> str | None:
    if "statusCode" not in answer:
        return None
    assert answer["statusCode"] == 301
    return answer["headers"]["location"]["value"]


def stays_on_the_site(target: str) -> bool:
    """A Location a browser resolves against this site's origin: an absolute path, which a
    second slash or a backslash (read as a slash) would make another host's, and nothing a
    URL parser drops (tabs, newlines) or stops at."""
    return (
        target.startswith("/")
        and target[1:2] not in ("/", "\\")
        and all(0x20 < ord(c) < 0x7F for c in target)
    )


def test_a_directory_without_its_slash_is_redirected_to_it():
    answer = run(viewer_request("/console"))
    assert location(answer) == "/console/"


def test_a_directory_with_its_slash_is_served_its_index_page():
    answer = run(viewer_request("/console/"))
    assert "statusCode" not in answer
    assert answer["uri"] == "/console/index.html"


@pytest.mark.parametrize("uri", ["/widget/loader.js", "/console/console.css", "/widget/chat.html"])
def test_files_with_an_extension_pass_untouched(uri):
    answer = run(viewer_request(uri))
    assert answer == viewer_request(uri)["request"]


def test_the_query_string_is_kept_in_the_redirect():
    querystring = {
        "lang": {"value": "de"},
        "tag": {"value": "a", "multiValue": [{"value": "a"}, {"value": "b%20c"}]},
    }
    answer = run(viewer_request("/console", querystring))
    assert location(answer) == "/console/?lang=de&tag=a&tag=b%20c"


@pytest.mark.parametrize(
    "uri",
    [
        "//evil.example/x",
        "/\\evil.example/x",
        "///evil.example/x",
        "/\\/evil.example/x",
        "/\t/evil.example/x",
        "/console\n/x",
    ],
)
def test_a_path_that_would_lead_off_the_site_is_not_redirected(uri):
    """`//evil.example/x/` and `/\\evil.example/x/` are another site to a browser."""
    answer = run(viewer_request(uri))
    assert "statusCode" not in answer, answer
    assert answer["uri"] == uri  # S3 answers it (403, as for any missing file)


def test_an_encoded_double_slash_stays_a_path_on_the_site():
    """Browsers never decode a Location's path: `/%2F%2Fevil/` is a path here."""
    assert location(run(viewer_request("/%2F%2Fevil"))) == "/%2F%2Fevil/"
    assert (
        run(viewer_request("/%2F%2Fevil.example"))
        == viewer_request("/%2F%2Fevil.example")["request"]
    )  # a file name to S3


@pytest.mark.parametrize(
    "uri",
    ["/console", "//evil.example/x", "/\\evil.example/x", "/%2F%2Fevil", "/%5Cevil", "/a"],
)
def test_every_redirect_stays_on_the_site(uri):
    target = location(run(viewer_request(uri, {"next": {"value": "//evil.example"}})))
    assert target is None or stays_on_the_site(target), target
