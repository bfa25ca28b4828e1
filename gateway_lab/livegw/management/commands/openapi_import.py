"""Import an OpenAPI 3 document (JSON or YAML) with API Gateway's extensions as a stored REST API.

The API is deployed (an immutable snapshot) and served by the live gateway at
``/gw/<api-id>/<stage>/…``. What the lab does not use is listed, never silently dropped.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gateway_lab.engine import ConfigError, deploy
from gateway_lab.livegw.builder import BuilderError, deploy_everywhere
from gateway_lab.livegw.models import ApiDefinitionRecord
from gateway_lab.livegw.openapi import OpenApiError, import_openapi

MAX_BYTES = 2 * 1024 * 1024


class Command(BaseCommand):
    help = "Import an OpenAPI 3 file (JSON or YAML, x-amazon-apigateway-* extensions) as a REST API."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the OpenAPI document (.json, .yaml or .yml)")
        parser.add_argument(
            "--api-id", required=True, help="the id used in /gw/<api-id>/… (letters, digits, -)"
        )
        parser.add_argument("--stage", default="prod", help="the stage to create (default prod)")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path}: not a file of at most {MAX_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
        try:
            document = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
            api, ignored = import_openapi(document, api_id=options["api_id"])
            deploy(api)
        except (ValueError, yaml.YAMLError, OpenApiError, ConfigError) as exc:
            raise CommandError(f"{path}: {exc}") from exc
        record, _ = ApiDefinitionRecord.objects.update_or_create(
            api_id=options["api_id"],
            defaults={"definition": api, "stages": [{"stageName": options["stage"], "variables": {}}]},
        )
        try:
            row = deploy_everywhere(record, description=f"openapi_import {path.name}")
        except BuilderError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        self.stdout.write(
            f"Imported {options['api_id']} (deployment {row.deployment_id}): /gw/{options['api_id']}/{options['stage']}/"
        )
        for item in ignored:
            self.stdout.write(f"  ignored {item['at']}: {item['why']}")
