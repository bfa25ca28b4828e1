"""Stored API definitions: the draft JSON a learner edits, its stages, and its immutable deployments."""

from __future__ import annotations

from typing import Any

from django.db import models

DEPLOYMENT_IMMUTABLE = "A deployment is an immutable snapshot (§8): deploy again instead of changing it."


class DeploymentImmutableError(Exception):
    """Raised when code tries to change a stored deployment (§8: deployments never change)."""


class ApiDefinitionRecord(models.Model):
    """One API (AWS-style JSON draft) with its stages, keyed by the API id used in URLs.

    ``definition`` is the draft the builder edits; a stage serves the deployment its ``deploymentId``
    names (a row of ``ApiDeployment``), or the draft when it names none (APIs stored before deployments).
    """

    api_id = models.SlugField(max_length=64, unique=True)
    definition = models.JSONField(help_text="API JSON (the draft) as gateway_lab.engine.model documents it")
    stages = models.JSONField(default=list, help_text="Stage JSON objects (stageName, deploymentId, ...)")
    draft_revision = models.PositiveIntegerField(default=1, help_text="Bumped on every save of the draft")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["api_id"]

    def __str__(self) -> str:
        return self.api_id

    def stage(self, name: str) -> dict | None:
        """Return the stage JSON called ``name``, or None."""
        return next((s for s in self.stages if s.get("stageName") == name), None)


class ApiDeploymentQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise DeploymentImmutableError(DEPLOYMENT_IMMUTABLE)


class ApiDeployment(models.Model):
    """A deployment: a frozen copy of an API's definition (§8). Never updated (model, queryset and a trigger)."""

    api = models.ForeignKey(ApiDefinitionRecord, on_delete=models.CASCADE, related_name="deployment_rows")
    deployment_id = models.CharField(max_length=16)
    definition = models.JSONField(help_text="The API JSON as deployed; never changes")
    description = models.CharField(max_length=200, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApiDeploymentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["api", "deployment_id"], name="livegw_deployment_id_unique")
        ]

    def __str__(self) -> str:
        return f"{self.api_id}/{self.deployment_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise DeploymentImmutableError(DEPLOYMENT_IMMUTABLE)
        super().save(*args, **kwargs)
