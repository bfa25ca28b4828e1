from __future__ import annotations

from django.urls import path

from .views import drills, exam, notes, pages

app_name = "lessons"

urlpatterns = [
    path("", pages.course, name="course"),
    path("search", pages.search, name="search"),
    path("drills/", drills.drills, name="drills"),
    path("drills/mistakes/", drills.mistakes, name="mistakes"),
    path("drills/practice/", drills.practice, name="practice"),
    path("drills/summary/", drills.summary, name="drill_summary"),
    path("drills/exam/", exam.exam, name="exam"),
    path("drills/exam/review/", exam.exam_review, name="exam_review"),
    path("drills/<slug:drill_id>/", drills.drill, name="drill"),
    path("import/", notes.import_notes, name="import"),
    path("<slug:slug>/", pages.detail, name="detail"),
    path("<slug:slug>/read", pages.mark_read, name="mark_read"),
]
