"""Staff-only upload form for study notes, with a per-file report."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import NotesUploadForm
from ..services.notes import notes_import_files

# An upload stops starting new files after this long; the report lists the files left out.
UPLOAD_BUDGET_S = 20.0


@staff_member_required
@require_http_methods(["GET", "POST"])
def import_notes(request: HttpRequest) -> HttpResponse:
    """Import uploaded notes (each file in its own transaction) and list each file's result.

    Any failed file makes the answer a 400 with one error per file on the ``files`` field; the other
    files are imported all the same. Template: ``lessons/import.html``.
    """
    form = NotesUploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    results = []
    if request.method == "POST" and form.is_valid():
        files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
        results = notes_import_files(files=files, budget_s=UPLOAD_BUDGET_S)
        for result in results:
            if not result.ok:
                form.add_error(
                    "files",
                    _("%(name)s, line %(line)s: %(error)s")
                    % {"name": result.name, "line": result.line, "error": result.error},
                )
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "lessons/import.html", {"form": form, "results": results}, status=status)
