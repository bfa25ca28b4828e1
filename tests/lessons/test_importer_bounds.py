"""Notes import under hostile input (issue 16): bounded cost, one error per bad file, nothing saved.

Measured before the bounds: an 8-level YAML alias bomb of 333 bytes took 26.9 s and built 351 MB of
``meta``; 1.5–2 MB of pathological Markdown took 12–25 s; 40,000 equal headings took 116 s
(quadratic anchor numbering); ``[x](lesson:)`` raised ``NoReverseMatch`` and stopped a batch.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gateway_lab.lessons.importer import (
    MAX_BRACKETS,
    MAX_FRONT_MATTER_BYTES,
    MAX_FRONT_MATTER_NODES,
    MAX_HEADINGS,
    MAX_META_BYTES,
    MAX_NOTE_BYTES,
)
from gateway_lab.lessons.models import Lesson, Source
from gateway_lab.lessons.rendering import render_markdown
from gateway_lab.lessons.services import notes_import, notes_import_paths

from .conftest import NOTES

pytestmark = pytest.mark.django_db


def alias_bomb(levels: int = 8) -> bytes:
    """The "billion laughs" front matter: each level lists the previous one nine times."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    names = "abcdefghij"
    for index in range(1, levels):
        lines.append(f"{names[index]}: &{names[index]} [" + ",".join([f"*{names[index - 1]}"] * 9) + "]")
    return ("---\ntitle: Bomb\n" + "\n".join(lines) + "\n---\n\n## Hi\n").encode()


def note(front: str = "", body: str = "## Section\n\nText.\n", *, title: str = "A note") -> bytes:
    return f"---\ntitle: {title}\n{front}---\n\n{body}".encode()


def test_yaml_alias_bomb_is_refused_at_its_first_anchor_in_milliseconds():
    """Issue 16: a 333-byte alias bomb (26.9 s, 351 MB before) is refused before anything is built."""
    data = alias_bomb()
    assert len(data) < 400
    started = time.perf_counter()
    result = notes_import(name="bomb.md", data=data)
    elapsed = time.perf_counter() - started
    assert not result.ok and "aliases" in result.error and result.line == 3
    assert elapsed < 0.5, f"took {elapsed:.2f} s"
    assert Lesson.objects.count() == 0


def test_a_single_alias_is_refused_too():
    """No YAML anchors/aliases in front matter at all: Hexo and Jekyll notes never need them."""
    result = notes_import(name="alias.md", data=note("base: &b {x: 1}\nother: *b\n"))
    assert (result.ok, result.line) == (False, 3) and "anchors" in result.error


def test_front_matter_larger_than_the_cap_is_refused():
    """Front matter is bounded in bytes before YAML reads it."""
    big = "summary: " + "x" * (MAX_FRONT_MATTER_BYTES + 1) + "\n"
    result = notes_import(name="big-front.md", data=note(big))
    assert not result.ok and "front matter is larger" in result.error and Lesson.objects.count() == 0


def test_front_matter_with_too_many_nodes_is_refused():
    """A flow list of many tiny items stays under the byte cap but not under the node cap."""
    many = "tags: [" + ",".join(["a"] * (MAX_FRONT_MATTER_NODES + 10)) + "]\n"
    assert len(many) < MAX_FRONT_MATTER_BYTES
    result = notes_import(name="nodes.md", data=note(many))
    assert not result.ok and "YAML nodes" in result.error and Lesson.objects.count() == 0


def test_meta_that_grows_past_its_cap_as_json_is_refused():
    """Quotes double in JSON: 10 KB of YAML becomes 20 KB of ``meta``, over the 16 KB cap."""
    quoted = "quote: '" + '"' * 10_000 + "'\n"
    assert len(quoted) < MAX_FRONT_MATTER_BYTES
    result = notes_import(name="meta.md", data=note(quoted))
    assert not result.ok and f"at most {MAX_META_BYTES}" in result.error and Lesson.objects.count() == 0


def test_yaml_binary_set_and_nan_are_stored_as_json_text():
    """``!!binary``, ``!!set`` and ``.nan`` are safe-loader values that JSON (and jsonb) cannot hold."""
    front = "data: !!binary aGVsbG8=\nkinds: !!set {b: null, a: null}\nratio: .nan\n"
    result = notes_import(name="types.md", data=note(front))
    assert result.ok, result.error
    meta = Lesson.objects.get(slug=result.slug).meta
    assert meta["kinds"] == ["a", "b"] and meta["ratio"] == "nan" and isinstance(meta["data"], str)
    json.dumps(meta, allow_nan=False)


def test_note_over_the_size_cap_is_refused_before_parsing():
    """Issue 16: 2 MB of pathological Markdown took up to 25 s; now it is refused at once."""
    data = note(body="![" * (1024 * 1024))
    started = time.perf_counter()
    result = notes_import(name="huge.md", data=data)
    assert not result.ok and f"{MAX_NOTE_BYTES // 1024} KB" in result.error and result.line == 1
    assert time.perf_counter() - started < 0.5 and Lesson.objects.count() == 0


def _fill(unit: str, *, head: str = "") -> bytes:
    """A note of exactly the size cap made of ``unit`` repeated (after ``head``)."""
    start = note(body=head)
    return start + (unit * MAX_NOTE_BYTES).encode()[: MAX_NOTE_BYTES - len(start)]


def test_too_many_brackets_are_refused_before_rendering():
    """Unclosed "![" is the costliest Markdown per byte (64,000 took 2.2 s idle, 19 s on a busy machine)."""
    started = time.perf_counter()
    result = notes_import(name="brackets.md", data=_fill("!["))
    assert not result.ok and f"more than {MAX_BRACKETS}" in result.error and result.line == 4
    assert time.perf_counter() - started < 0.5 and Lesson.objects.count() == 0


def test_too_many_headings_are_refused_before_rendering():
    """13,000 headings in 64 KB would be 13,000 search-index rows: refused (headings in code do not count)."""
    fenced = "```bash\n" + "# a comment\n" * (MAX_HEADINGS + 10) + "```\n"
    assert notes_import(name="code.md", data=note(body=fenced)).ok
    result = notes_import(name="headings.md", data=_fill("## h\n"))
    assert not result.ok and f"more than {MAX_HEADINGS} headings" in result.error


@pytest.mark.parametrize(
    ("unit", "head"),
    [
        ("![a " + "b " * 40, ""),  # as many unclosed images as the bracket cap allows, spread out
        ("|x|y|\n", "|a|b|\n|-|-|\n"),  # an 11,000-row table
        ("*_", ""),  # emphasis delimiters that never match
        ("## h\n" + "text " * 30 + "\n\n", ""),  # as many headings as the cap allows, then text
        ("`a``", ""),  # unmatched code spans
        ("<a ", ""),  # unfinished HTML tags
    ],
    ids=["images", "table", "emphasis", "headings", "code-spans", "html"],
)
def test_pathological_markdown_at_the_caps_imports_in_bounded_time(unit: str, head: str):
    """The slowest inputs measured, at the size cap: each imports in about 1.3 s on an idle machine."""
    data = _fill(unit, head=head)
    assert len(data) == MAX_NOTE_BYTES
    started = time.perf_counter()
    result = notes_import(name="slow.md", data=data)
    assert result.ok, result.error
    assert time.perf_counter() - started < 20


def test_many_equal_headings_render_in_linear_time():
    """40,000 headings "## h" took 116 s (each new anchor re-counted from 2); now about 1 s."""
    started = time.perf_counter()
    rendered = render_markdown("## h\n" * 40_000, language="en")
    assert 'id="h-40000"' in rendered.html and time.perf_counter() - started < 20


def test_empty_lesson_link_is_a_per_file_error_with_its_line():
    """Issue 16: ``[x](lesson:)`` raised NoReverseMatch (a 500); now that file fails with its line."""
    data = note(body="## One\n\nSee [x](lesson:) here.\n")
    result = notes_import(name="bad-link.md", data=data)
    assert (result.ok, result.line) == (False, 7) and "lesson:SLUG" in result.error
    assert Lesson.objects.count() == 0


@pytest.mark.parametrize(
    "href", ["lesson:", "lesson:#anchor", "<lesson:a b>", "lesson:../admin", "lesson:a/b"]
)
def test_lesson_links_that_name_no_lesson_are_refused(href: str):
    """Every target that Django's slug converter would refuse is a file error, never a 500."""
    result = notes_import(name="bad.md", data=note(body=f"[x]({href})\n"))
    assert not result.ok and "not a lesson" in result.error


def test_valid_lesson_link_still_imports():
    """``lesson:SLUG#ANCHOR`` keeps working (the link checks must not refuse good notes)."""
    result = notes_import(name="ok.md", data=note(body="[x](lesson:throttling#burst)\n"))
    html = Lesson.objects.get(slug=result.slug).html
    assert result.ok and 'href="/lessons/throttling/#burst"' in html


def test_folder_with_a_bad_link_imports_every_other_file(tmp_path: Path):
    """One bad file never stops the rest: the files after it (in name order) are imported."""
    (tmp_path / "a-bad.md").write_bytes(note(body="[x](lesson:)\n", title="Bad"))
    (tmp_path / "b-bomb.md").write_bytes(alias_bomb())
    (tmp_path / "c-good.md").write_bytes(note(title="Good one"))
    results = notes_import_paths(paths=[tmp_path])
    assert [(Path(r.name).name, r.ok) for r in results] == [
        ("a-bad.md", False),
        ("b-bomb.md", False),
        ("c-good.md", True),
    ]
    assert list(Lesson.objects.filter(source=Source.IMPORT).values_list("title", flat=True)) == ["Good one"]


def test_import_notes_command_reports_the_bad_link_and_keeps_going(tmp_path: Path, capsys):
    """``manage.py import_notes`` no longer aborts: it reports the bad file and imports the others."""
    bad = tmp_path / "bad.md"
    bad.write_bytes(note(body="[x](lesson:)\n", title="Bad"))
    with pytest.raises(CommandError, match="1 of 2"):
        call_command("import_notes", str(bad), str(NOTES / "serverless-queues.md"))
    captured = capsys.readouterr()
    assert f"{bad}:5:" in captured.err and "not a lesson" in captured.err
    assert Lesson.objects.filter(slug="serverless-queues").exists()


def test_oversized_file_on_disk_is_refused_without_reading_it_all(tmp_path: Path):
    """The command reads at most one byte past the cap from each file."""
    path = tmp_path / "big.md"
    path.write_bytes(note(body="x" * (MAX_NOTE_BYTES * 4)))
    [result] = notes_import_paths(paths=[path])
    assert not result.ok and "larger than" in result.error
