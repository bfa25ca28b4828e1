"""Identity-policy checks before a lab access key is saved (GATEWAY_FACTS.md §7.5)."""

from __future__ import annotations

import pytest

from gateway_lab.engine.access import iam_policy
from gateway_lab.labaccess.policies import DEFAULT_POLICY, policy_errors

GET_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/pets"


def test_policy_default_is_accepted():
    """§7.5: the default policy passes the shape check."""
    assert policy_errors(DEFAULT_POLICY) == []


def test_policy_default_allows_get_and_is_silent_on_post():
    """§7.5: the default allows execute-api:Invoke on GET only; POST is an implicit deny."""
    post_arn = GET_ARN.replace("/GET/", "/POST/")
    assert (
        iam_policy.evaluate(DEFAULT_POLICY, action="execute-api:Invoke", resource=GET_ARN).effect == "Allow"
    )
    assert (
        iam_policy.evaluate(DEFAULT_POLICY, action="execute-api:Invoke", resource=post_arn).effect == "silent"
    )


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        ([], "JSON object"),
        ({"Version": "2012-10-17"}, "Statement"),
        (
            {"Version": "2020-01-01", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}},
            "Version",
        ),
        (
            {"Version": "2012-10-17", "Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]},
            "Effect",
        ),
        ({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*"}]}, "Action"),
        ({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*"}]}, "Resource"),
        (
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]},
            "strings",
        ),
        (
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": []}],
            },
            "Condition",
        ),
    ],
)
def test_policy_malformed_documents_are_named(document, fragment):
    """§7.5: a document IAM would reject gets an error naming what is wrong."""
    errors = policy_errors(document)
    assert errors and fragment in " ".join(errors)


def test_policy_single_statement_object_is_accepted():
    """§7.5: Statement may be one object instead of a list."""
    assert (
        policy_errors(
            {"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}}
        )
        == []
    )
