"""Create or update the demo APIs demo-rest, demo-http and demo-ws (idempotent; DESIGN.md fixes the ids)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gateway_lab.engine import deploy
from gateway_lab.engine.model_load import load_stage
from gateway_lab.livegw.demo_apis import DEMO_APIS
from gateway_lab.livegw.models import ApiDefinitionRecord


class Command(BaseCommand):
    help = "Create the demo APIs demo-rest (REST), demo-http (HTTP API) and demo-ws (WebSocket)."

    def handle(self, *args: Any, **options: Any) -> None:
        for api_id, (definition, stages) in DEMO_APIS.items():
            deployment = deploy(definition)  # refuses an invalid definition before saving it
            for stage in stages:
                load_stage(stage, deployment.api)
            _, created = ApiDefinitionRecord.objects.update_or_create(
                api_id=api_id,
                defaults={"definition": definition, "stages": stages,
                          "deployments": [{"id": deployment.id, "definition": definition}]},
            )  # fmt: skip
            self.stdout.write(f"{'Created' if created else 'Updated'} {api_id} (deployment {deployment.id})")
