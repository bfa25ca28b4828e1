"""Gateway Lab's settings with one more URL, ``/bench/trivial``: the project side of a ceiling.

Everything a page of the site goes through (middleware, URLconf, settings) is the project's own;
only the view is trivial, as in ``bench/minimal_django``, so ``bench/ceilings.py`` compares what
the project adds per request and nothing else.
"""

from __future__ import annotations

from gateway_lab.settings import *  # noqa: F403

ROOT_URLCONF = "project_trivial.urls"
