"""Signal receivers: thin hooks that call services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from .learners import SESSION_KEY
from .services.progress import progress_merge


@receiver(user_logged_in, dispatch_uid="lessons_progress_merge")
def merge_progress_on_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Move the browser's progress onto the account that just signed in."""
    learner_id = request.session.get(SESSION_KEY) if request is not None else None
    if learner_id:
        progress_merge(learner_id=learner_id, user_id=user.pk)
