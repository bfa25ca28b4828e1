"""Export a stored REST API as OpenAPI 3 with API Gateway's ``x-amazon-apigateway-*`` extensions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gateway_lab.livegw.builder import api_type
from gateway_lab.livegw.models import ApiDefinitionRecord
from gateway_lab.livegw.openapi import export_openapi


class Command(BaseCommand):
    help = "Export a stored REST API as OpenAPI 3 (JSON, or YAML when --output ends in .yaml/.yml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("api_id")
        parser.add_argument("--output", help="write to this file instead of standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        record = ApiDefinitionRecord.objects.filter(api_id=options["api_id"]).first()
        if record is None:
            raise CommandError(f"no stored API with id {options['api_id']!r}")
        if api_type(record.definition) != "REST":
            raise CommandError("only REST APIs are exported as OpenAPI here")
        document = export_openapi(record.definition)
        output = options.get("output")
        text = (
            yaml.safe_dump(document, sort_keys=False, allow_unicode=True)
            if output and output.endswith((".yaml", ".yml"))
            else json.dumps(document, indent=2, ensure_ascii=False)
        )
        if output:
            Path(output).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)
