from __future__ import annotations

from django.urls import path

from . import views

app_name = "classroom"

urlpatterns = [
    path("classroom/", views.home, name="home"),
    path("classroom/open", views.open_room, name="open"),
    path("classroom/frame/visualizer/", views.frame_visualizer, name="frame_visualizer"),
    path("classroom/frame/lessons/<slug:slug>/", views.frame_lesson, name="frame_lesson"),
    path("classroom/<str:code>/", views.present, name="present"),
    path("classroom/<str:code>/qr.svg", views.qr, name="qr"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.student, name="student"),
]
