"""WebSocket URL patterns (the live gateway and classroom consumers add theirs here).

``gateway_websocket_urlpatterns`` are API Gateway emulations that any client may open, with or without
an ``Origin`` header (AWS does not check it). ``site_websocket_urlpatterns`` serve this site's own
pages: ``asgi.py`` wraps them in the origin check and the session/auth middleware.
"""

from __future__ import annotations

from django.urls import URLPattern

from gateway_lab.classroom.routing import site_websocket_urlpatterns as classroom_site
from gateway_lab.lessons.routing import site_websocket_urlpatterns as wiki_site
from gateway_lab.livegw.routing import gateway_websocket_urlpatterns as livegw_gateway
from gateway_lab.livegw.routing import site_websocket_urlpatterns as livegw_site

gateway_websocket_urlpatterns: list[URLPattern] = [*livegw_gateway]
site_websocket_urlpatterns: list[URLPattern] = [*livegw_site, *classroom_site, *wiki_site]
websocket_urlpatterns: list[URLPattern] = [*gateway_websocket_urlpatterns, *site_websocket_urlpatterns]
