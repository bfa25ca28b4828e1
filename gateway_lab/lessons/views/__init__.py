"""Lesson pages, search, drills and the notes import form."""

from __future__ import annotations
