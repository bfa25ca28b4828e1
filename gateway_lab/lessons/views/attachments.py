"""Upload (editors) and serve (readers) wiki images; served only as the image type found in the bytes."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..models import LessonAttachment
from ..services.attachments import MAX_ATTACHMENT_BYTES, attachment_add
from ..services.revisions import WikiError
from ..wiki_selectors import page_any_language
from .wiki import editor_required, reader_required

ATTACHMENT_ERRORS = {
    "The image is larger than 2 MB.": lambda: _("The image is larger than 2 MB."),
    "Only PNG, JPEG, GIF and WebP images can be attached.": lambda: _(
        "Only PNG, JPEG, GIF and WebP images can be attached."
    ),
}


@editor_required
@require_POST
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    """Attach an image to page ``slug``; htmx gets the Markdown to paste (``lessons/wiki/_attachment.html``)."""
    if page_any_language(slug=slug) is None:
        raise Http404("No such page")
    upload = request.FILES.get("file")
    error, attachment = "", None
    if upload is None:
        error = _("Choose an image.")
    elif upload.size > MAX_ATTACHMENT_BYTES:
        error = ATTACHMENT_ERRORS["The image is larger than 2 MB."]()
    else:
        try:
            attachment = attachment_add(slug=slug, name=upload.name, data=upload.read(), author=request.user)
        except WikiError as exc:
            translate = ATTACHMENT_ERRORS.get(exc.message)
            error = translate() if translate else exc.message
    if request.htmx or error:
        context = {"attachment": attachment, "error": error}
        return render(request, "lessons/wiki/_attachment.html", context, status=400 if error else 201)
    return redirect(f"{reverse('lessons:edit', args=[slug])}?lang={request.GET.get('lang', 'en')}")


@reader_required
@require_GET
def serve(request: HttpRequest, pk: int) -> FileResponse:
    """The image, as its detected type, with a CSP that forbids everything and no sniffing."""
    attachment = get_object_or_404(LessonAttachment, pk=pk)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = "inline"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=86400"
    return response
