"""Issue 13: a real Hexo note with its asset folder (``post_asset_folder``) imports as a page with images.

The issue's report: ``{% asset_img diagram.png 架构图 %}`` came out as literal text and the
``> **Note**`` marker was listed as a key term "Note". The fixture is laid out as Hexo keeps it:
``source/_posts/<name>.md`` beside ``source/_posts/<name>/diagram.png``.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from gateway_lab.lessons.models import Lesson, LessonAttachment
from gateway_lab.lessons.roles import role_set, roles_ensure
from gateway_lab.lessons.services import notes_import
from gateway_lab.lessons.services.notes import files_lookup
from gateway_lab.lessons.services.wiki_io import export_lessons, export_zip, import_zip

pytestmark = pytest.mark.django_db

HEXO = Path(__file__).parent / "fixtures" / "hexo"
NOTE = HEXO / "api-gateway-throttling.md"
ASSETS = HEXO / "api-gateway-throttling"
DIAGRAM = (ASSETS / "diagram.png").read_bytes()
BUCKET = (ASSETS / "token-bucket.png").read_bytes()
_IMG = re.compile(r"<img [^>]*>")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):  # noqa: ANN001, ANN202
    settings.MEDIA_ROOT = tmp_path / "media"


def _user(name: str, role: str, *, staff: bool = False) -> Client:
    roles_ensure()
    user = get_user_model().objects.create_user(name, password="pw-Hexo-12345", is_staff=staff)
    role_set(actor=None, user=user, roles=[role])
    client = Client()
    client.force_login(user)
    return client


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _hexo_zip() -> bytes:
    return _zip(
        {
            "source/_posts/api-gateway-throttling.md": NOTE.read_bytes(),
            **{f"source/_posts/api-gateway-throttling/{p.name}": p.read_bytes() for p in ASSETS.iterdir()},
        }
    )


def _served(client: Client, src: str) -> bytes:
    response = client.get(src)
    assert response.status_code == 200, src
    assert response["Content-Type"] == "image/png"
    return b"".join(response.streaming_content)


def _images(lesson: Lesson) -> list[dict[str, str]]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in _IMG.findall(lesson.html)]


def _check_imported(lesson: Lesson, client: Client) -> None:
    """What the issue asks of the note, whichever way it was uploaded."""
    images = _images(lesson)
    assert [(i["alt"], i.get("title")) for i in images] == [("架构图", "架构图"), ("令牌桶示意图", "令牌桶")]
    assert _served(client, images[0]["src"]) == DIAGRAM
    assert _served(client, images[1]["src"]) == BUCKET
    text = re.sub(r"<pre.*?</pre>", "", lesson.html, flags=re.DOTALL)
    assert "{%" not in text and "%}" not in text  # no tag shown as literal text outside code
    assert "more --&gt;" not in lesson.html and "&lt;!--" not in lesson.html


def test_uploaded_note_and_its_images_become_a_page_with_attachments():
    """Issue 13: the note and the images of its asset folder, uploaded together as files (the notes form)."""
    staff = _user("staff", "admin", staff=True)
    uploads = [SimpleUploadedFile(NOTE.name, NOTE.read_bytes(), content_type="text/markdown")] + [
        SimpleUploadedFile(p.name, p.read_bytes()) for p in sorted(ASSETS.iterdir())
    ]
    response = staff.post("/lessons/import/", {"files": uploads})
    assert response.status_code == 200, response.content.decode()[:2000]
    lesson = Lesson.objects.get(title="API Gateway 节流与缓存")
    _check_imported(lesson, staff)
    assert LessonAttachment.objects.count() == 2  # the PDF is not an image: not attached
    page = response.content.decode()
    assert "youtube" in page and "throttling.pdf" in page  # reported in this file's row
    assert "2 images" in page


def test_zip_of_a_hexo_source_folder_imports_the_note_with_its_images():
    """Issue 13: the same note in a zip laid out as Hexo's source/_posts (the wiki's import form)."""
    editor = _user("editor", "editor")
    response = editor.post(
        "/lessons/wiki/import/",
        {"archive": SimpleUploadedFile("hexo.zip", _hexo_zip(), content_type="application/zip")},
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "youtube" in response.content.decode()
    _check_imported(Lesson.objects.get(title="API Gateway 节流与缓存"), editor)


def test_images_are_found_beside_a_note_on_disk():
    """Issue 13: ``manage.py import_notes`` reads the asset folder beside the note."""
    call_command("import_notes", str(NOTE), verbosity=0)
    lesson = Lesson.objects.get(title="API Gateway 节流与缓存")
    _check_imported(lesson, _user("reader", "reader"))


def test_note_and_tip_markers_become_callouts_and_are_not_key_terms():
    """Issue 13: ``> **Note**``, ``> [!TIP]`` and ``{% note warning %}`` are callouts; "Note" is no key term."""
    result = notes_import(name=NOTE.name, data=NOTE.read_bytes())
    lesson = Lesson.objects.get(slug=result.slug)
    assert lesson.html.count('<aside class="callout callout--note"') == 2
    assert lesson.html.count('<aside class="callout callout--pitfall"') == 1
    assert "[!TIP]" not in lesson.html
    terms = lesson.meta["key_terms"]
    assert terms == ["节流", "方法级节流", "使用计划", "缓存容量"]
    assert not {"Note", "Tip", "计费"} & set(terms)


def test_more_marks_the_excerpt_and_is_not_shown():
    """Hexo's ``<!-- more -->``: the text before it is the page's summary; the marker is no text."""
    result = notes_import(name=NOTE.name, data=NOTE.read_bytes())
    lesson = Lesson.objects.get(slug=result.slug)
    assert lesson.summary == "API Gateway 用令牌桶做节流，用阶段缓存减少对后端的调用。"
    assert "more" not in re.sub(r"<[^>]+>", "", lesson.html)


def test_unknown_tags_and_unusable_assets_are_reported_per_file_with_their_lines():
    """Unknown tags are left out and reported (never literal ``{% … %}``); so are files that are no image."""
    result = notes_import(
        name=NOTE.name, data=NOTE.read_bytes(), assets=files_lookup({"diagram.png": DIAGRAM})
    )
    lines = NOTE.read_text().splitlines()
    found = {(n.kind, n.subject): n.line for n in result.notices}
    assert found == {
        ("asset_missing", "token-bucket.png"): 1
        + next(i for i, l in enumerate(lines) if "token-bucket" in l),  # noqa: E741
        ("asset_missing", "throttling.pdf"): 1
        + next(i for i, l in enumerate(lines) if "throttling.pdf" in l),  # noqa: E741
        ("unknown_tag", "youtube"): 1 + next(i for i, l in enumerate(lines) if "youtube" in l),  # noqa: E741
    }
    lesson = Lesson.objects.get(slug=result.slug)
    assert "令牌桶示意图" in lesson.html and "节流说明" in lesson.html  # their text stands in
    assert "dQw4w9WgXcQ" not in lesson.html


def test_tags_inside_code_are_kept_as_written():
    result = notes_import(name=NOTE.name, data=NOTE.read_bytes())
    html = Lesson.objects.get(slug=result.slug).html
    code = re.search(r"<pre.*?</pre>", html, re.DOTALL)
    assert code is not None and "asset_img" in re.sub(r"<[^>]+>", "", code.group(0))


@pytest.mark.parametrize(
    ("ref", "files"),
    [
        ("../secret.png", {"secret.png": DIAGRAM}),  # never above the note's folder
        ("page.png", {"n/page.png": b"<html><script>alert(1)</script>"}),  # an image by name only
        ("big.png", {"n/big.png": DIAGRAM + b"\0" * (2 * 1024 * 1024)}),  # over the 2 MB limit
    ],
)
def test_assets_go_through_the_attachment_rules(ref, files):
    """Attachment rules (type from the bytes, 2 MB) apply to a note's images; none is stored."""
    note = f"---\ntitle: Rules\n---\n\n{{% asset_img {ref} alt text %}}\n".encode()
    result = notes_import(name="n.md", data=note, assets=files_lookup(files))
    assert result.ok
    assert [n.kind for n in result.notices] in (["asset_missing"], ["asset_not_image"], ["asset_too_big"])
    assert not LessonAttachment.objects.exists()
    assert "<img" not in Lesson.objects.get(slug=result.slug).html


def test_importing_the_same_note_again_stores_its_images_once():
    lookup = files_lookup({f"api-gateway-throttling/{p.name}": p.read_bytes() for p in ASSETS.iterdir()})
    first = notes_import(name=NOTE.name, data=NOTE.read_bytes(), assets=lookup)
    again = notes_import(name=NOTE.name, data=NOTE.read_bytes(), assets=lookup)
    assert (first.action, again.action) == ("created", "unchanged")
    assert LessonAttachment.objects.count() == 2
    changed = {**{f"api-gateway-throttling/{p.name}": p.read_bytes() for p in ASSETS.iterdir()}}
    changed["api-gateway-throttling/diagram.png"] = BUCKET  # a new picture, same note text
    third = notes_import(name=NOTE.name, data=NOTE.read_bytes(), assets=files_lookup(changed))
    assert third.action == "updated"  # the images are part of what the note is
    assert LessonAttachment.objects.count() == 2  # both pictures are now the token bucket's, stored once


def test_export_import_round_trip_keeps_the_images():
    """Issue 13: export → import into an empty wiki keeps the pictures; on the same wiki nothing changes."""
    lookup = files_lookup({f"api-gateway-throttling/{p.name}": p.read_bytes() for p in ASSETS.iterdir()})
    result = notes_import(name=NOTE.name, data=NOTE.read_bytes(), assets=lookup)
    exported = export_zip(export_lessons(slug=result.slug))
    names = zipfile.ZipFile(io.BytesIO(exported)).namelist()
    assert sorted(n.rsplit("/", 1)[-1] for n in names if n.startswith("attachments/")) == [
        "diagram.png",
        "token-bucket.png",
    ]
    assert {r.action for r in import_zip(data=exported, author=None)} == {"unchanged"}

    for attachment in LessonAttachment.objects.all():  # another wiki: no pages, no images
        attachment.file.delete(save=False)
    LessonAttachment.objects.all().delete()
    Lesson.objects.all().delete()
    results = import_zip(data=exported, author=None)
    assert [r.action for r in results] == ["created"] and all(r.ok for r in results)
    lesson = Lesson.objects.get(slug=result.slug)
    reader = _user("reader", "reader")
    images = _images(lesson)
    assert [i["alt"] for i in images] == ["架构图", "令牌桶示意图"]
    assert [_served(reader, i["src"]) for i in images] == [DIAGRAM, BUCKET]
    assert LessonAttachment.objects.count() == 2


def test_block_tags_become_markdown_blocks():
    """Hexo's codeblock/blockquote/raw and Jekyll's highlight become fences and quotes, not text."""
    from gateway_lab.lessons.hexo import hexo_convert

    def no_assets(name: str) -> str:
        raise AssertionError(name)

    source = (
        "{% codeblock app.js lang:js %}\nconst a = 1; {% asset_img x.png %}\n{% endcodeblock %}\n"
        "{% highlight ruby %}\nputs 1\n{% endhighlight %}\n"
        "{% blockquote Jeff Atwood %}\nQuoted **words**.\n{% endblockquote %}\n"
        "{% raw %}{{ not liquid }}{% endraw %}\n"
        "{% note info %}On one line{% endnote %} and after.\n"
    )
    result = hexo_convert(source, resolve=no_assets)
    assert result.notices == []
    assert result.body == (
        "```js\nconst a = 1; {% asset_img x.png %}\n```\n\n"
        "```ruby\nputs 1\n```\n\n"
        "> Quoted **words**.\n\n"
        "{{ not liquid }}\n\n"
        "> [!NOTE]\n> On one line\n\n and after.\n"
    )
