"""``/lab/``: the page and its forms, plus Cognito- and IAM-like JSON endpoints."""

from __future__ import annotations

from django.urls import path

from . import api, views

app_name = "labaccess"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-up", views.sign_up, name="page-sign-up"),
    path("sign-in", views.sign_in, name="page-sign-in"),
    path("decode", views.decode, name="page-decode"),
    path("keys", views.create_credential, name="page-credentials"),
    path("pools", api.pools, name="pools"),
    path("pools/<str:pool_id>/sign-up", api.sign_up, name="sign-up"),
    path("pools/<str:pool_id>/sign-in", api.sign_in, name="sign-in"),
    path("pools/<str:pool_id>/.well-known/jwks.json", api.jwks, name="jwks"),
    path("credentials", api.credentials, name="credentials"),
]
