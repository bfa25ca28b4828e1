from __future__ import annotations

import pytest
from rest_framework.test import APIClient

LAMBDA_URI = (
    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:us-east-1:123456789012:function:echo/invocations"
)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def rest_api() -> dict:
    """A REST API with one Lambda proxy resource, as a learner would define it in AWS."""
    return {
        "id": "pets",
        "name": "pets",
        "protocolType": "REST",
        "region": "us-east-1",
        "endpointConfiguration": {"types": ["REGIONAL"]},
        "resources": [
            {
                "path": "/pets",
                "resourceMethods": {
                    "GET": {
                        "authorizationType": "NONE",
                        "methodIntegration": {"type": "AWS_PROXY", "httpMethod": "POST", "uri": LAMBDA_URI},
                    }
                },
            }
        ],
    }


@pytest.fixture
def throttled_stage() -> dict:
    return {
        "stageName": "prod",
        "methodSettings": {"*/*": {"throttlingRateLimit": 5, "throttlingBurstLimit": 10}},
    }
