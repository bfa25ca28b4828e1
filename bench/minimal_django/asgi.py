"""ASGI entry point of the minimal project (``uvicorn minimal_django.asgi:application``, app dir bench/)."""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ["DJANGO_SETTINGS_MODULE"] = "minimal_django.settings"
application = get_asgi_application()
