"""Wiki roles on Django groups (issue 13): reader, editor, presenter, admin.

``roles_ensure()`` creates the groups with their permissions idempotently (``setup_site`` runs it via
``manage.py setup_roles``). Reading is open to anonymous visitors unless
``GATEWAY_LAB_ANONYMOUS_READ`` is off; then a signed-in user needs ``lessons.view_lesson``.
Role changes go through ``role_set``, which refuses anyone raising their own role, and every change
of a user's groups (here or in the admin) is written to the audit log by ``audit_group_change``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import transaction

from .models import AuditEntry

READER, EDITOR, PRESENTER, ADMIN = "reader", "editor", "presenter", "admin"
ROLES = (READER, EDITOR, PRESENTER, ADMIN)
RANK = {READER: 1, PRESENTER: 2, EDITOR: 2, ADMIN: 3}

_READ = [
    "lessons.view_lesson",
    "lessons.view_lessonrevision",
    "lessons.view_glossaryterm",
    "lessons.view_drill",
]
_EDIT = [*_READ, "lessons.add_lesson", "lessons.change_lesson", "lessons.add_lessonrevision"]
_ADMIN = [
    *_EDIT,
    "lessons.delete_lesson",
    "lessons.view_lessonsection",
    "lessons.change_glossaryterm",
    "lessons.add_glossaryterm",
    "lessons.change_drill",
    "lessons.add_drill",
    "lessons.view_auditentry",
    "auth.view_user",
    "auth.change_user",
    "auth.add_user",
    "auth.view_group",
]
PERMISSIONS: dict[str, list[str]] = {READER: _READ, EDITOR: _EDIT, PRESENTER: _READ, ADMIN: _ADMIN}

# Who is changing roles right now (set by role_set and by the admin's user form), for the audit log.
current_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("role_actor", default=None)


class RoleError(Exception):
    """A refused role change; ``code`` is stable (tests and commands match it)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _permissions(names: Iterable[str]) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


@transaction.atomic
def roles_ensure() -> dict[str, int]:
    """Create or update the four groups; return each group's permission count."""
    counts = {}
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions(PERMISSIONS[role]))
        counts[role] = group.permissions.count()
    return counts


def anonymous_read() -> bool:
    return bool(settings.GATEWAY_LAB.get("ANONYMOUS_READ", True))


def can_read(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if anonymous_read():
        return True
    return bool(user is not None and user.is_authenticated and user.has_perm("lessons.view_lesson"))


def can_edit(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("lessons.change_lesson"))


def can_create(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.has_perm("lessons.add_lesson"))


def user_rank(user: AbstractBaseUser) -> int:
    if user.is_superuser:
        return 99
    names = set(user.groups.values_list("name", flat=True))
    return max((RANK[name] for name in names if name in RANK), default=0)


def role_set(*, actor: AbstractBaseUser | None, user: AbstractBaseUser, roles: Iterable[str]) -> None:
    """Give ``user`` exactly ``roles``. ``actor`` None is the command line (an operator on the host).

    Refused: an actor without ``auth.change_user``; anyone but a superuser changing their own roles
    (an editor cannot raise their own role); granting a role above the actor's own rank.
    """
    wanted = list(dict.fromkeys(roles))
    unknown = [role for role in wanted if role not in ROLES]
    if unknown:
        raise RoleError("unknown_role")
    if actor is not None:
        if not actor.has_perm("auth.change_user"):
            raise RoleError("not_allowed")
        if actor.pk == user.pk and not actor.is_superuser:
            raise RoleError("own_role")
        if any(RANK[role] > user_rank(actor) for role in wanted):
            raise RoleError("above_own_rank")
    roles_ensure()
    token = current_actor.set(actor)
    try:
        with transaction.atomic():
            user.groups.remove(*Group.objects.filter(name__in=ROLES).exclude(name__in=wanted))
            user.groups.add(*Group.objects.filter(name__in=wanted))
            if ADMIN in wanted and not user.is_staff:
                user.is_staff = True  # the admin role works in Django's admin
                user.save(update_fields=["is_staff"])
    finally:
        current_actor.reset(token)


def audit_group_change(*, user: Any, action: str, group_names: list[str]) -> None:
    """Record added/removed groups of ``user`` (called from the m2m_changed receiver)."""
    actor = current_actor.get()
    for name in group_names:
        AuditEntry.objects.create(
            action=AuditEntry.ROLE_ADDED if action == "post_add" else AuditEntry.ROLE_REMOVED,
            actor=actor if actor is not None and getattr(actor, "pk", None) else None,
            target=f"user {user.get_username()}",
            detail=name,
        )
