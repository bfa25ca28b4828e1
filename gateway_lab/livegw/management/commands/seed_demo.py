"""Create or update the demo APIs demo-rest, demo-http and demo-ws (idempotent; DESIGN.md fixes the ids)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gateway_lab.engine import deploy, load_stage
from gateway_lab.livegw.builder import deploy_everywhere
from gateway_lab.livegw.demo_apis import DEMO_APIS
from gateway_lab.livegw.models import ApiDefinitionRecord


class Command(BaseCommand):
    help = "Create the demo APIs demo-rest (REST), demo-http (HTTP API) and demo-ws (WebSocket)."

    def handle(self, *args: Any, **options: Any) -> None:
        for api_id, (definition, stages) in DEMO_APIS.items():
            deployment = deploy(definition)  # refuses an invalid definition before saving it
            for stage in stages:
                load_stage(stage, deployment.api)
            record, created = ApiDefinitionRecord.objects.update_or_create(
                api_id=api_id, defaults={"definition": definition, "stages": stages}
            )
            if (
                api_id == "demo-ws"
            ):  # WebSocket APIs are served from the draft (the builder edits REST and HTTP)
                self.stdout.write(f"{'Created' if created else 'Updated'} {api_id}")
                continue
            row = deploy_everywhere(record, description="seed_demo")
            self.stdout.write(
                f"{'Created' if created else 'Updated'} {api_id} (deployment {row.deployment_id})"
            )
