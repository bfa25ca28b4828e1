"""Classroom pages: the presenter's room list and projector screen, the join form, the student screen.

The presenter's and students' screens are thin: they render the room's snapshot once (so the page
is useful before the socket opens) and ``static/js/classroom.js`` keeps them in step over the room's
WebSocket (``consumers.py``). The followed content is the visualizer's or a lesson's own page in a
same-origin frame: ``frame_visualizer`` and ``frame_lesson`` serve those pages unchanged, except that
this site's own pages may frame them (the rest of the site forbids framing).
"""

from __future__ import annotations

import inspect
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gateway_lab.api import ratelimit
from gateway_lab.core.middleware import DEFAULT_POLICY, HEADER, serialize
from gateway_lab.lessons.views import pages as lesson_pages
from gateway_lab.visualizer import views as visualizer_views

from . import presenters, services
from .forms import JoinForm, OpenRoomForm
from .models import Room
from .qr import qr_svg
from .sessions import SESSION_KEY, participant_id_for, participant_remember

FRAME_POLICY = serialize({**DEFAULT_POLICY, "frame-ancestors": "'self'"})
FRAME_KEYS = {"preset", "req", "step", "at", "view", "hide"}  # the keys positions.with_urls writes
# The visualizer's page without its per-address limit (frame_visualizer applies it per student).
_visualizer_page = inspect.unwrap(visualizer_views.page)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """List the presenter's open rooms with a form to open one; explain the page to everyone else."""
    presenter = services.is_presenter(request.user)
    rooms: list[Room] = []
    if presenter:
        rooms = [
            r
            for r in Room.objects.filter(driver=request.user, closed=False).order_by("-created_at")[:20]
            if not services.room_expired(r)
        ]
    return render(
        request, "classroom/home.html", {"presenter": presenter, "rooms": rooms, "form": OpenRoomForm()}
    )


@require_POST
@login_required
def open_room(request: HttpRequest) -> HttpResponse:
    if not services.is_presenter(request.user):
        return HttpResponseForbidden()
    form = OpenRoomForm(request.POST)
    if not form.is_valid():
        return render(
            request, "classroom/home.html", {"presenter": True, "rooms": [], "form": form}, status=400
        )
    room = services.room_open(user=request.user, title=form.cleaned_data["title"])
    return redirect("classroom:present", code=room.code)


def _presenter_room(request: HttpRequest, code: str) -> Room:
    room = services.room_get(code=code)
    if room is None or not services.is_presenter(request.user):
        raise Http404("No such room")
    return room


@require_GET
@login_required
def present(request: HttpRequest, code: str) -> HttpResponse:
    """The presenter's projector screen: join code and QR, the followed content, controls, poll, questions."""
    room = _presenter_room(request, code)
    join_url = request.build_absolute_uri(f"{reverse('classroom:join')}?code={room.code}")
    snapshot = services.room_snapshot(room=room, presenter=request.user)
    return render(
        request,
        "classroom/present.html",
        {
            "room": room,
            "join_url": join_url,
            "snapshot": snapshot,
            "language": get_language(),
            **presenters.presenter_choices(language=get_language() or "en"),
            **presenters.ui_strings(),
        },
    )


@require_GET
@login_required
def qr(request: HttpRequest, code: str) -> HttpResponse:
    room = _presenter_room(request, code)
    join_url = request.build_absolute_uri(f"{reverse('classroom:join')}?code={room.code}")
    response = HttpResponse(qr_svg(join_url), content_type="image/svg+xml")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """The join form: a code and a display name, no account. The session remembers the participant."""
    if request.method == "POST":
        form = JoinForm(request.POST)
        if form.is_valid():
            room = services.room_get(code=form.cleaned_data["code"])
            try:
                participant = services.participant_join(room=room, name=form.cleaned_data["name"])
            except services.ClassroomError as error:
                form.add_error(error.field or None, presenters.error_message(error.code))
            else:
                participant_remember(request.session, room.code, participant.pk)
                return redirect("classroom:student", code=room.code)
        return render(request, "classroom/join.html", {"form": form}, status=400)
    form = JoinForm(initial={"code": services.code_normalise(request.GET.get("code", ""))[:20]})
    return render(request, "classroom/join.html", {"form": form})


@require_GET
def student(request: HttpRequest, code: str) -> HttpResponse:
    """A student's screen: the presenter's content, followed live, the current poll and questions."""
    room = services.room_get(code=code)
    if room is None:
        raise Http404("No such room")
    pid = participant_id_for(request.session, room.code)
    participant = room.participants.filter(pk=pid).first() if pid else None
    if participant is None:
        return redirect(f"{reverse('classroom:join')}?code={room.code}")
    snapshot = services.room_snapshot(room=room, participant=participant)
    return render(
        request,
        "classroom/student.html",
        {"room": room, "participant": participant, "snapshot": snapshot, **presenters.ui_strings()},
    )


def _frameable(response: HttpResponse) -> HttpResponse:
    response[HEADER] = FRAME_POLICY
    return response


def _member_ident(request: HttpRequest) -> str | None:
    """Return who asks, if it is a presenter or a student of a live room (else None)."""
    if services.is_presenter(request.user):
        return f"user:{request.user.pk}"
    for code, pid in (request.session.get(SESSION_KEY) or {}).items():
        if isinstance(pid, int) and services.room_get(code=code) is not None:
            return f"participant:{pid}"
    return None


@require_GET
@xframe_options_sameorigin
def frame_visualizer(request: HttpRequest) -> Any:
    """The visualizer page, framable by this site's classroom screens.

    A class shares one address (a school's NAT), so the visualizer's per-address limit would refuse
    most of it: for members of a live room the same limit applies per student instead. Every student
    asks for the same URL at each step, and a preset's page is the same for everyone (a virtual
    clock), so the pages the room's positions name are cached for a minute per language.
    """
    ident = _member_ident(request)
    if ident is None:  # not in a room: the visualizer's own rules
        return _frameable(visualizer_views.page(request))
    wait = ratelimit.hit("classroom-frame", ident, ratelimit.visualizer_rate())
    if wait is not None:
        response = HttpResponse(status=429)
        response["Retry-After"] = str(wait)
        return response
    cacheable = set(request.GET) <= FRAME_KEYS
    key = f"classroom:frame:{get_language()}:{request.GET.urlencode()}"
    cached = cache.get(key) if cacheable else None
    if cached is not None:
        return _frameable(HttpResponse(cached, content_type="text/html; charset=utf-8"))
    response = _visualizer_page(request)
    if cacheable and response.status_code == 200:
        cache.set(key, response.content, timeout=60)
    return _frameable(response)


@require_GET
@xframe_options_sameorigin
def frame_lesson(request: HttpRequest, slug: str) -> Any:
    """A lesson page, framable by this site's classroom screens."""
    return _frameable(lesson_pages.detail(request, slug))
