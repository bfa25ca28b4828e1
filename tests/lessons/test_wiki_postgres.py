"""The wiki's core tests again on PostgreSQL (issue 13: the suite also runs on PostgreSQL + Redis).

Run by the second pass of ``make test``: ``tests/services.py postgres -- pytest -m postgres``.
The same test functions as the SQLite run, collected here under the ``postgres`` marker.
"""

from __future__ import annotations

import pytest
from django.db import connection

from tests.lessons.test_wiki import (  # noqa: F401 - fixtures and tests collected again on PostgreSQL
    alice,
    alpha,
    bob,
    test_a_save_based_on_an_older_revision_is_refused_and_keeps_nothing,
    test_a_save_is_a_revision_with_author_message_and_rendered_html,
    test_a_stale_lesson_object_cannot_win_the_race,
    test_an_editor_cannot_raise_their_own_role,
    test_restore_is_a_new_revision_and_is_audited,
)
from tests.lessons.test_wiki_io import (  # noqa: F401
    course,
    test_backup_and_restore_round_trip,
    test_whole_wiki_round_trip_gives_the_same_content,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_wiki_pass_runs_on_postgresql():
    assert connection.vendor == "postgresql"
