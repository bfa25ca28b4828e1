"""An orders API written with AWS Lambda Powertools' APIGatewayRestResolver, exactly as its docs show."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.utilities.typing import LambdaContext

app = APIGatewayRestResolver()
ORDERS = {"1": {"id": "1", "item": "coffee"}}


@app.get("/orders/<order_id>")
def get_order(order_id: str) -> dict[str, Any]:
    if order_id not in ORDERS:
        raise NotFoundError(f"order {order_id} not found")
    return {**ORDERS[order_id], "stage": app.current_event.request_context.stage}


@app.post("/orders")
def create_order() -> tuple[dict[str, Any], int]:
    body = app.current_event.json_body
    return {"id": "2", "item": body["item"], "query": app.current_event.query_string_parameters}, 201


def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
