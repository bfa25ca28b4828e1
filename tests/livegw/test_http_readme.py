"""The README's live-gateway commands, run exactly as written (bash, curl) against uvicorn (issue 12).

Only the host changes (the test server's port instead of 8000). The server reads the demo APIs from
``livegw/demo_apis.py`` (what ``make run`` seeds), and its Store is its own, so the quota and the
burst start fresh for this module's server.
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, AsgiServer

pytestmark = pytest.mark.django_db(transaction=True)
README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SECTION = README.split("### The live gateway (HTTP)", 1)[1].split("\n### ", 1)[0]


@pytest.fixture(scope="module")
def server(django_db_setup: None, django_db_blocker: object) -> Iterator[AsgiServer]:
    """A server of this module's own: the README spends the demo key's daily quota."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        started = AsgiServer()
    yield started
    started.stop()


def _line(fragment: str) -> str:
    lines = [line for line in SECTION.splitlines() if fragment in line and not line.startswith("#")]
    assert lines, f"the README's live-gateway section has no command with {fragment!r}"
    return lines[0]


def _run(server: AsgiServer, command: str) -> str:
    command = command.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_readme_hello_has_aws_headers(server: AsgiServer) -> None:
    out = _run(server, _line("prod/hello"))
    assert out.startswith("HTTP/1.1 200")
    assert re.search(r"(?im)^x-amzn-requestid: ", out) and re.search(r"(?im)^x-amz-apigw-id: ", out)


def test_readme_http_api_raw_query_string(server: AsgiServer) -> None:
    """§6.2: rawQueryString as sent."""
    assert '"rawQueryString": "color=red"' in _run(server, _line("demo-http/pets/7"))


def test_readme_burst_gets_429(server: AsgiServer) -> None:
    """§3.2: 20 quick requests against burst 10 at 5/s: some 200, some 429."""
    pairs = (line.split() for line in _run(server, _line("dev/hello")).splitlines())
    counts = {code: int(n) for n, code in pairs}
    assert set(counts) == {"200", "429"}, counts
    assert 10 <= counts["200"] < 20


def test_readme_cached_response_repeats(server: AsgiServer) -> None:
    """§4: the second answer is the cached one (the same echoed requestId)."""
    lines = _run(server, _line("prod/cached")).splitlines()
    assert len(lines) == 2 and lines[0] == lines[1], lines


def test_readme_slow_is_504(server: AsgiServer) -> None:
    """§5.1: 504 Endpoint request timed out after the 2 s integration timeout."""
    started = time.monotonic()
    out = _run(server, _line("prod/slow"))
    assert out.startswith("HTTP/1.1 504")
    assert '{"message": "Endpoint request timed out"}' in out
    assert time.monotonic() - started < 2.9


def test_readme_broken_is_502(server: AsgiServer) -> None:
    """§6.3: a malformed proxy response is 502."""
    out = _run(server, _line("prod/broken"))
    assert out.startswith("HTTP/1.1 502") and "Internal server error" in out


def test_readme_missing_resource_is_403(server: AsgiServer) -> None:
    """§5.2: Missing Authentication Token."""
    out = _run(server, _line("no-such-path"))
    assert out.startswith("HTTP/1.1 403") and '"Missing Authentication Token"' in out


def test_readme_api_key_quota(server: AsgiServer) -> None:
    """§3.3: no key 403; with the demo key 5 × 200 then 429."""
    assert _run(server, _line("curl -i http://127.0.0.1:8000/gw/demo-rest/prod/keyed")).startswith(
        "HTTP/1.1 403"
    )
    assert _run(server, _line("x-api-key: demoRestLabKey")).split() == ["200"] * 5 + ["429"] * 2


def test_readme_curl_sigv4(server: AsgiServer) -> None:
    """§7.1: curl's --aws-sigv4 signs the path as sent; the IAM stage accepts it."""
    out = _run(server, _line("--aws-sigv4"))
    assert '"accessKey": "AKIALABDEMOREST00001"' in out


def test_readme_botocore_sigv4(server: AsgiServer) -> None:
    """§7.1: the README's botocore snippet prints 200."""
    block = SECTION.split("```bash\n.venv/bin/python - <<'PY'", 1)[1].split("```", 1)[0]
    command = ".venv/bin/python - <<'PY'" + block
    assert _run(server, command).strip() == "200"


def test_readme_canary_answers_both_versions(server: AsgiServer) -> None:
    """§8: 50 requests to prod show v1 and (with 10 % canary traffic, almost surely) v2."""
    out = _run(server, _line("prod/version"))
    assert '{"version": "v1"}' in out
    versions = {line.split(None, 1)[1] for line in out.splitlines()}
    assert versions <= {'{"version": "v1"}', '{"version": "v2"}'}
