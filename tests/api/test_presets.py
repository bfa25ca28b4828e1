"""GET /api/v1/presets and /api/v1/presets/<name>; simulations started from a preset."""

from __future__ import annotations


def test_presets_list_names_every_preset_with_its_api_type(api_client):
    """§1.1: each preset says which API type it runs on."""
    data = api_client.get("/api/v1/presets").json()
    assert data, "the engine ships presets"
    assert all(item["api_type"] in ("REST", "HTTP", "WEBSOCKET") and item["name"] for item in data)


def test_presets_detail_returns_the_definition(api_client):
    """§1.1: a preset carries the API and stage JSON a learner can reuse."""
    name = api_client.get("/api/v1/presets").json()[0]["name"]
    data = api_client.get(f"/api/v1/presets/{name}").json()
    assert data["name"] == name
    assert "protocolType" in data["api"]


def test_presets_detail_unknown_name_is_404(api_client):
    """§10: an unknown preset is not found."""
    assert api_client.get("/api/v1/presets/no-such-preset").status_code == 404


def test_simulations_from_a_preset_run_its_requests(api_client):
    """§11: a preset alone is a complete simulation input."""
    listed = [p for p in api_client.get("/api/v1/presets").json() if p["api_type"] != "WEBSOCKET"]
    response = api_client.post("/api/v1/simulations", {"preset": listed[0]["name"]}, format="json")
    assert response.status_code == 200
    assert response.json()["results"]
