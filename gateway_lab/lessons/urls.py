from __future__ import annotations

from django.urls import path

from .views import attachments, drills, exam, notes, pages, wiki
from .views.wiki import reader_required as readable

app_name = "lessons"

urlpatterns = [
    path("", readable(pages.course), name="course"),
    path("search", readable(pages.search), name="search"),
    path("drills/", readable(drills.drills), name="drills"),
    path("drills/mistakes/", readable(drills.mistakes), name="mistakes"),
    path("drills/practice/", readable(drills.practice), name="practice"),
    path("drills/summary/", readable(drills.summary), name="drill_summary"),
    path("drills/exam/", readable(exam.exam), name="exam"),
    path("drills/exam/review/", readable(exam.exam_review), name="exam_review"),
    path("drills/<slug:drill_id>/", readable(drills.drill), name="drill"),
    path("import/", notes.import_notes, name="import"),
    # The team wiki (issue 13)
    path("wiki/new/", wiki.new_page, name="new_page"),
    path("wiki/preview/", wiki.preview, name="preview"),
    path("wiki/export/", wiki.export, name="export"),
    path("wiki/import/", wiki.import_pages, name="import_pages"),
    path("wiki/attachments/<int:pk>/", attachments.serve, name="attachment"),
    path("<slug:slug>/", readable(pages.detail), name="detail"),
    path("<slug:slug>/read", readable(pages.mark_read), name="mark_read"),
    path("<slug:slug>/edit/", wiki.edit, name="edit"),
    path("<slug:slug>/attachments/", attachments.upload, name="attach"),
    path("<slug:slug>/history/", wiki.history, name="history"),
    path("<slug:slug>/diff/", wiki.diff, name="diff"),
    path("<slug:slug>/revisions/<int:number>/", wiki.revision, name="revision"),
    path("<slug:slug>/revisions/<int:number>/restore", wiki.restore, name="restore"),
]
