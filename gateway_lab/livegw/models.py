"""Stored API definitions: the JSON a learner edits, its stages, and its deployments (snapshots)."""

from __future__ import annotations

from django.db import models


class ApiDefinitionRecord(models.Model):
    """One API (AWS-style JSON) with its stages and deployments, keyed by the API id used in URLs."""

    api_id = models.SlugField(max_length=64, unique=True)
    definition = models.JSONField(help_text="API JSON as gateway_lab.engine.model documents it")
    stages = models.JSONField(default=list, help_text="Stage JSON objects (stageName, variables, ...)")
    deployments = models.JSONField(default=list, help_text="Frozen API JSON snapshots: [{id, definition}]")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["api_id"]

    def __str__(self) -> str:
        return self.api_id

    def stage(self, name: str) -> dict | None:
        """Return the stage JSON called ``name``, or None."""
        return next((s for s in self.stages if s.get("stageName") == name), None)
