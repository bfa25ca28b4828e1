"""``scenarios.run_for``: one Django-free entry point from the visualizer's query to an engine run, cached.

Issue 11: a step on a 1,000-request burst must not simulate the burst again; the visualizer imports
engine names only from ``gateway_lab.engine``; no import circles and no imports inside functions.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gateway_lab.visualizer import scenarios
from gateway_lab.visualizer.scenarios import Query, run_for
from gateway_lab.visualizer.scenarios import run as run_module

VISUALIZER = Path(__file__).resolve().parents[2] / "gateway_lab" / "visualizer"
BURST = "/visualizer/?preset=burst-vs-steady&s=0:1000:1&req=500"
HTMX_STEP = {"HX-Request": "true", "HX-Target": "trace"}


@pytest.fixture
def engine_runs(monkeypatch):
    """Count the engine simulations ``run_for`` starts (the real engine still runs every one)."""
    calls = []
    real = run_module.simulate

    def counting(**kwargs):
        calls.append(len(kwargs["requests"]))
        return real(**kwargs)

    scenarios.clear_cache()
    monkeypatch.setattr(run_module, "simulate", counting)
    yield calls
    scenarios.clear_cache()


@pytest.mark.django_db
def test_stepping_through_a_1000_request_burst_simulates_it_once(client, engine_runs):
    """Issue 11: the next step of the same run is drawn from the cached run, not a new simulation."""
    first = client.get(BURST + "&step=1", headers=HTMX_STEP)
    assert first.status_code == 200 and 'data-step="1"' in first.content.decode()
    assert len(engine_runs) == 1
    for step in (2, 3, 4):
        response = client.get(BURST + f"&step={step}", headers=HTMX_STEP)
        assert response.status_code == 200 and f'data-step="{step}"' in response.content.decode()
    assert len(engine_runs) == 1
    client.get(BURST.replace("0:1000:1", "0:999:1") + "&step=2", headers=HTMX_STEP)
    assert len(engine_runs) == 2  # another query is another run


def test_run_for_answers_the_same_query_with_the_same_run(engine_runs):
    """Issue 11: equal canonical queries share one run; a field that changes the run misses the cache."""
    query = Query(preset="fragile-backend")
    assert run_for(query) is run_for(Query(preset="fragile-backend"))
    assert run_for(Query(preset="fragile-backend", method="POST")) is not run_for(query)
    assert len(engine_runs) == 2


def test_run_for_is_safe_from_many_threads(engine_runs):
    """Issue 11 (threads): concurrent callers get equal runs; the cache stays bounded."""
    query = Query(preset="burst-vs-steady", sends=((0.0, 300, 1.0),))
    statuses: list[list[int]] = []

    def work() -> None:
        run = run_for(query)
        statuses.append([t.response.status for t in run.simulation.traces])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(statuses) == 8 and all(s == statuses[0] for s in statuses) and 429 in statuses[0]
    for count in range(1, run_module.CACHE_SIZE + 5):
        run_for(Query(preset="burst-vs-steady", sends=((0.0, count, 0.0),)))
    assert run_module._cached_run.cache_info().currsize == run_module.CACHE_SIZE


def test_compare_query_is_the_other_side_on_the_same_requests():
    """§1.2: compare=api_type runs the HTTP API version of the REST preset on the same requests."""
    rest = run_for(Query(preset="rest-vs-http"))
    http = run_for(Query(preset="rest-vs-http", compare="api_type"))
    assert rest.scenario.api_type == "REST" and http.scenario.api_type == "HTTP"
    assert http.requests == rest.requests


def test_scenarios_package_imports_no_django():
    """Issue 11: the scenarios package runs without Django (a fresh interpreter, no settings)."""
    code = (
        "import sys; from gateway_lab.visualizer.scenarios import Query, run_for; "
        "run = run_for(Query(preset='lambda-proxy-echo')); "
        "assert run.simulation.traces[0].response.status == 200; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def _imports(path: Path) -> list[tuple[ast.AST, str, int]]:
    """Return (node, absolute module, nesting) for every import in ``path`` (nesting 0: module level)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(VISUALIZER.parents[1]).with_suffix("").parts[:-1])
    found = []

    def visit(node: ast.AST, depth: int) -> None:
        for child in ast.iter_child_nodes(node):
            inner = depth + isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                found.extend((child, alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")
                    parts = parts[: len(parts) - child.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                modules = [f"{base}.{alias.name}" for alias in child.names] if not child.module else [base]
                found.extend((child, m, inner) for m in modules)
            visit(child, inner)

    visit(tree, 0)
    return found


def _modules() -> dict[str, Path]:
    return {
        ".".join(p.relative_to(VISUALIZER.parents[1]).with_suffix("").parts).removesuffix(".__init__"): p
        for p in VISUALIZER.rglob("*.py")
    }


def test_visualizer_imports_engine_names_only_from_its_public_api():
    """Issue 11: front ends import ``gateway_lab.engine`` (or ``.websocket``), never engine internals."""
    wrong = [
        f"{path.name}: {module}"
        for path in _modules().values()
        for _node, module, _depth in _imports(path)
        if module.startswith("gateway_lab.engine.") and not module.startswith("gateway_lab.engine.websocket")
    ]
    assert wrong == []


def test_visualizer_has_no_import_circles_and_no_imports_inside_functions():
    """Issue 11: api_types ↔ scenario and nodes ↔ presenters are gone, with the imports that dodged them."""
    modules = _modules()
    inside = [f"{p.name}: {m}" for p in modules.values() for _n, m, depth in _imports(p) if depth]
    assert inside == []
    graph = {
        name: {m if m in modules else m.rpartition(".")[0] for _n, m, _d in _imports(path)} & modules.keys()
        for name, path in modules.items()
    }
    visiting: list[str] = []
    done: set[str] = set()

    def walk(name: str) -> None:
        if name in visiting:
            raise AssertionError("import circle: " + " → ".join([*visiting[visiting.index(name) :], name]))
        if name in done:
            return
        visiting.append(name)
        for target in sorted(graph[name] - {name}):
            walk(target)
        visiting.pop()
        done.add(name)

    for name in sorted(graph):
        walk(name)


@pytest.mark.django_db
def test_live_api_stage_runs_what_the_live_gateway_serves(client):
    """Issue 12: ?live=demo-rest/dev runs the live demo's own definition (its /hello route answers 200)."""
    html = client.get("/visualizer/?live=demo-rest/dev&path=/hello&step=50").content.decode()
    assert 'data-stage="response"' in html and "GET /hello → 200" in html
    missing = client.get("/visualizer/?live=demo-rest/dev&path=/no-such-path&step=50").content.decode()
    assert (
        "GET /no-such-path → 403" in missing
    )  # §5.2: a REST API's unknown path is 403 Missing Authentication Token


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["no-such-api/prod", "demo-rest/no-stage", "demo-ws/prod", "Bad Name"])
def test_live_name_nothing_serves_is_a_400_field_error(client, name):
    """Issue 11 (no fallback hides a missing part): an unknown live API is a field error, not the default."""
    response = client.get("/visualizer/", {"live": name})
    assert response.status_code == 400
    assert 'data-testid="field-error-live"' in response.content.decode()
