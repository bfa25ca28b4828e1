from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gateway_lab.core import views as core_views
from gateway_lab.lessons.views import accounts as account_views
from gateway_lab.lessons.views import facts as facts_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/login/", account_views.login, name="login"),  # rate-limited (issue 13)
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("gateway_lab.api.root_urls")),
    path("visualizer/", include("gateway_lab.visualizer.urls")),
    path("lessons/", include("gateway_lab.lessons.urls")),
    path("facts/", facts_views.facts, name="facts"),
    path("", include("gateway_lab.livegw.urls")),
    path("lab/", include("gateway_lab.labaccess.urls")),
    path("", include("gateway_lab.classroom.urls")),
]
