"""Pure SVG rendering: outcomes by shape and text, never colour alone."""

from __future__ import annotations

from gateway_lab.visualizer.svg import Mark, Node, pipeline_svg, timeline_svg


def _node(stage: str, outcome: str, state: str = "done") -> Node:
    return Node(
        stage=stage,
        label=stage.title(),
        outcome=outcome,
        outcome_label=outcome,
        state=state,
        href=f"?step={stage}",
    )


def test_pipeline_svg_writes_each_outcome_as_text():
    """§11: each stage node carries its outcome word, so colour is never the only signal."""
    svg = pipeline_svg([_node("endpoint", "pass"), _node("throttle", "reject", "current")], label="Stages")
    assert ">pass</text>" in svg and ">reject</text>" in svg and 'aria-current="step"' in svg


def test_pipeline_svg_escapes_labels():
    """§11: labels cannot inject markup."""
    node = Node(stage="auth", label="<b>x</b>", outcome="skip", outcome_label="skip", state="done", href=None)
    assert "<b>" not in pipeline_svg([node], label="Stages")


def test_timeline_svg_links_each_request():
    """§3.1: every request on the timeline links to its trace."""
    marks = [
        Mark(
            index=i,
            t_ms=i * 100.0,
            kind="throttled" if i > 1 else "admitted",
            title=str(i),
            href=f"?req={i}",
            level=1.0,
        )
        for i in range(3)
    ]
    labels = {k: k for k in ("admitted", "cached", "throttled", "rejected", "error", "chart", "level")}
    svg = timeline_svg(marks, duration_ms=300, labels=labels, level_max=10)
    assert svg.count('data-testid="timeline-mark"') == 3 and 'href="?req=2"' in svg


def test_timeline_svg_draws_a_lane_as_one_path_and_merges_close_marks():
    """§3.1: 1,000 requests become one path per lane and one link per occupied slot, not 1,000 elements."""
    marks = [
        Mark(
            index=i,
            t_ms=i * 1.0,
            kind="throttled" if i % 2 else "admitted",
            title=str(i),
            href=f"?req={i}",
            level=None,
        )
        for i in range(1000)
    ]
    labels = {k: k for k in ("admitted", "cached", "throttled", "rejected", "error", "chart", "level")}
    svg = timeline_svg(marks, duration_ms=1000, labels=labels, level_max=None)
    assert svg.count('class="timeline__mark timeline__mark--throttled"') == 1
    assert 100 < svg.count('data-testid="timeline-mark"') < 400 and 'data-count="' in svg


def test_pipeline_svg_wraps_into_rows():
    """§11: on a phone the stages wrap into rows instead of shrinking to one unreadable row."""
    nodes = [_node(stage, "pass") for stage in ("endpoint", "routing", "auth", "throttle", "cache")]
    svg = pipeline_svg(nodes, label="Stages", per_row=2)
    assert 'data-testid="pipeline-svg-rows"' in svg and 'transform="translate(0 86)"' in svg
