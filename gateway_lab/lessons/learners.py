"""Who progress belongs to: a browser (a learner id kept in its session) and, once signed in, a user.

The id lives *in* the session rather than being the session key, because Django changes the session
key at sign-in; the id survives that, so the sign-in receiver can move the progress to the account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q
from django.http import HttpRequest

SESSION_KEY = "lessons_learner"


@dataclass(frozen=True, slots=True, kw_only=True)
class Learner:
    learner_id: str
    user_id: int | None = None

    def owns(self) -> Q:
        """Return the filter for rows that belong to this learner."""
        mine = Q(learner=self.learner_id)
        return mine | Q(user_id=self.user_id) if self.user_id else mine


def learner_from_request(request: HttpRequest, *, create: bool = False) -> Learner:
    """Return the request's learner; ``create`` starts an id for a browser that has none."""
    learner_id = request.session.get(SESSION_KEY, "")
    if not learner_id and create:
        learner_id = request.session[SESSION_KEY] = uuid.uuid4().hex
    user = getattr(request, "user", None)
    return Learner(learner_id=learner_id, user_id=user.pk if user and user.is_authenticated else None)
