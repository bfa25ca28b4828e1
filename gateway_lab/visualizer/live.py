"""The visualizer's ``?live=<api-id>/<stage>``: run what the live gateway serves at ``/gw/<api-id>/<stage>/``.

The view looks the stage up (``livegw.curl.served_api``) and hands the definition to the scenario
query as a ``LiveApi``; a name nothing serves is a field error (400), never a silent fallback.
"""

from __future__ import annotations

import json

from django.utils.translation import gettext_lazy as _

from gateway_lab.livegw.curl import served_api

from .forms import VisualizerForm
from .scenarios import LiveApi

NOT_SERVED = _("No live API serves this stage (write api-id/stage, e.g. demo-rest/prod).")


def resolve_live(form: VisualizerForm) -> bool:
    """Put the ``LiveApi`` the valid form's ``live`` names in ``cleaned_data["live_api"]``; False: none."""
    name = form.cleaned_data.get("live")
    if not name:
        return True
    api_id, _sep, stage = name.partition("/")
    served = served_api(api_id, stage)
    if served is None:
        form.add_error("live", NOT_SERVED)
        return False
    definition, stage_json, canary = served
    form.cleaned_data["live_api"] = LiveApi(
        api_id=api_id,
        stage_name=stage,
        definition_json=json.dumps(definition, sort_keys=True),
        stage_json=json.dumps(stage_json, sort_keys=True),
        canary_json=json.dumps(canary, sort_keys=True) if canary else "",
    )
    return True
