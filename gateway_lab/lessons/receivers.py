"""Signal receivers: thin hooks that call services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed
from django.dispatch import receiver

from .learners import SESSION_KEY
from .roles import audit_group_change
from .services.progress import progress_merge


@receiver(user_logged_in, dispatch_uid="lessons_progress_merge")
def merge_progress_on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Move the browser's progress onto the account that just signed in."""
    learner_id = request.session.get(SESSION_KEY) if request is not None else None
    if learner_id:
        progress_merge(learner_id=learner_id, user_id=user.pk)


def _group_names(model: Any, pk_set: set[int] | None) -> list[str]:
    return sorted(model.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True))


@receiver(m2m_changed, dispatch_uid="lessons_audit_roles")
def audit_role_changes(
    sender: Any, instance: Any, action: str, model: Any, pk_set: Any, **kwargs: Any
) -> None:
    """Write each user's added or removed groups (roles) to the audit log (issue 13)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if sender is not user_model.groups.through or action not in ("post_add", "post_remove"):
        return
    if isinstance(instance, user_model):
        audit_group_change(user=instance, action=action, group_names=_group_names(model, pk_set))
    else:  # group.user_set.add(...): the instance is the group, pk_set the users
        for user in user_model.objects.filter(pk__in=pk_set or ()):
            audit_group_change(user=user, action=action, group_names=[instance.name])
