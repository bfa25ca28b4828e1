"""Policy evaluation and the resource-policy combination tables (GATEWAY_FACTS.md §7.5)."""

from __future__ import annotations

import pytest

from gateway_lab.engine.access.iam_policy import (
    ANONYMOUS,
    Caller,
    Effect,
    combine,
    evaluate,
    not_authorized_message,
)

API_ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123"
PETS = f"{API_ARN}/prod/GET/pets"
INVOKE = "execute-api:Invoke"

# (authorizer / IAM policy, resource policy, Table A same account, Table B cross-account), §7.5 row by row.
TABLES = [
    (Effect.ALLOW, Effect.ALLOW, Effect.ALLOW, Effect.ALLOW),
    (Effect.ALLOW, Effect.SILENT, Effect.ALLOW, Effect.SILENT),
    (Effect.ALLOW, Effect.DENY, Effect.DENY, Effect.DENY),
    (Effect.SILENT, Effect.ALLOW, Effect.ALLOW, Effect.SILENT),
    (Effect.SILENT, Effect.SILENT, Effect.SILENT, Effect.SILENT),
    (Effect.SILENT, Effect.DENY, Effect.DENY, Effect.DENY),
    (Effect.DENY, Effect.ALLOW, Effect.DENY, Effect.DENY),
    (Effect.DENY, Effect.SILENT, Effect.DENY, Effect.DENY),
    (Effect.DENY, Effect.DENY, Effect.DENY, Effect.DENY),
]


def _policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _allow(**extra: object) -> dict:
    return {"Effect": "Allow", "Principal": "*", "Action": INVOKE, "Resource": "execute-api:/*", **extra}


@pytest.mark.parametrize(("auth", "resource_policy", "same_account", "cross_account"), TABLES)
def test_combine_same_account_follows_table_a(
    auth: Effect, resource_policy: Effect, same_account: Effect, cross_account: Effect
) -> None:
    """§7.5 Table A: same-account combination of the auth result and the resource policy."""
    assert combine(auth=auth, resource_policy=resource_policy, same_account=True) == same_account


@pytest.mark.parametrize(("auth", "resource_policy", "same_account", "cross_account"), TABLES)
def test_combine_cross_account_follows_table_b(
    auth: Effect, resource_policy: Effect, same_account: Effect, cross_account: Effect
) -> None:
    """§7.5 Table B: cross-account callers need both sides to allow."""
    assert combine(auth=auth, resource_policy=resource_policy, same_account=False) == cross_account


def test_evaluate_allows_with_matching_statement() -> None:
    """§7.5: an Allow whose Principal, Action and Resource match allows."""
    decision = evaluate(_policy(_allow()), action=INVOKE, resource=PETS, caller=ANONYMOUS, api_arn=API_ARN)
    assert decision.effect == Effect.ALLOW
    assert decision.deciding.index == 0


def test_evaluate_is_silent_without_matching_statement() -> None:
    """§7.5: no applying statement is an implicit deny (silent)."""
    policy = _policy(_allow(Resource="execute-api:/prod/POST/*"))
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=ANONYMOUS, api_arn=API_ARN).effect
        == Effect.SILENT
    )


def test_evaluate_explicit_deny_wins_over_allow() -> None:
    """§7.5: an explicit Deny wins whatever the order of statements."""
    deny = {**_allow(), "Effect": "Deny", "Sid": "NoPets", "Resource": "execute-api:/*/GET/pets"}
    decision = evaluate(
        _policy(_allow(), deny), action=INVOKE, resource=PETS, caller=ANONYMOUS, api_arn=API_ARN
    )
    assert (decision.effect, decision.deciding.sid) == (Effect.DENY, "NoPets")


def test_evaluate_question_mark_matches_one_character() -> None:
    """§7.5: ``?`` in a resource matches exactly one character."""
    policy = _policy(_allow(Resource=f"{API_ARN}/pro?/GET/pets"))
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=ANONYMOUS, api_arn=API_ARN).effect
        == Effect.ALLOW
    )
    assert (
        evaluate(
            policy, action=INVOKE, resource=f"{API_ARN}/prd/GET/pets", caller=ANONYMOUS, api_arn=API_ARN
        ).effect
        == Effect.SILENT
    )


def test_evaluate_source_ip_in_cidr_allows() -> None:
    """§7.5: IpAddress on aws:SourceIp matches a CIDR block."""
    policy = _policy(_allow(Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"]}}))
    keys = {"aws:SourceIp": "192.0.2.55"}
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=ANONYMOUS, keys=keys, api_arn=API_ARN).effect
        == Effect.ALLOW
    )


def test_evaluate_source_ip_outside_cidr_is_silent_and_says_why() -> None:
    """§7.5: an address outside every CIDR fails the condition and the reason names it."""
    policy = _policy(_allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    decision = evaluate(
        policy,
        action=INVOKE,
        resource=PETS,
        caller=ANONYMOUS,
        keys={"aws:SourceIp": "203.0.113.9"},
        api_arn=API_ARN,
    )
    assert decision.effect == Effect.SILENT
    assert "203.0.113.9" in decision.statements[0].why


def test_evaluate_not_ip_address_deny_blocks_outsiders() -> None:
    """§7.5: a Deny with NotIpAddress blocks callers outside the allow-list."""
    deny = {**_allow(), "Effect": "Deny", "Condition": {"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}}
    policy = _policy(_allow(), deny)
    outside = evaluate(
        policy,
        action=INVOKE,
        resource=PETS,
        caller=ANONYMOUS,
        keys={"aws:SourceIp": "203.0.113.9"},
        api_arn=API_ARN,
    )
    inside = evaluate(
        policy,
        action=INVOKE,
        resource=PETS,
        caller=ANONYMOUS,
        keys={"aws:SourceIp": "198.51.100.7"},
        api_arn=API_ARN,
    )
    assert (outside.effect, inside.effect) == (Effect.DENY, Effect.ALLOW)


def test_evaluate_source_vpce_string_not_equals_denies_other_endpoints() -> None:
    """§2, §7.5: a private API denies requests not from its VPC endpoint (StringNotEquals aws:SourceVpce)."""
    deny = {**_allow(), "Effect": "Deny", "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"}}}
    policy = _policy(_allow(), deny)
    keys = {"aws:SourceVpce": "vpce-9999"}
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=ANONYMOUS, keys=keys, api_arn=API_ARN).effect
        == Effect.DENY
    )


def test_evaluate_negated_operator_holds_when_key_absent() -> None:
    """§7.5: a request from outside any VPC has no aws:SourceVpc, so StringNotEquals holds and the Deny applies."""
    deny = {**_allow(), "Effect": "Deny", "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1a2b"}}}
    decision = evaluate(
        _policy(_allow(), deny), action=INVOKE, resource=PETS, caller=ANONYMOUS, keys={}, api_arn=API_ARN
    )
    assert decision.effect == Effect.DENY


def test_evaluate_positive_operator_fails_when_key_absent() -> None:
    """§7.5: StringEquals on a missing key fails, so the Allow does not apply."""
    policy = _policy(_allow(Condition={"StringEquals": {"aws:SourceVpc": "vpc-1a2b"}}))
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=ANONYMOUS, keys={}, api_arn=API_ARN).effect
        == Effect.SILENT
    )


def test_evaluate_if_exists_holds_when_key_absent() -> None:
    """§7.5: ...IfExists operators hold when the key is absent."""
    policy = _policy(_allow(Condition={"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1a2b"}}))
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=ANONYMOUS, keys={}, api_arn=API_ARN).effect
        == Effect.ALLOW
    )


def test_evaluate_condition_keys_are_case_insensitive() -> None:
    """§7.5: condition key names are case-insensitive."""
    policy = _policy(_allow(Condition={"StringEquals": {"AWS:SOURCEVPC": "vpc-1a2b"}}))
    keys = {"aws:SourceVpc": "vpc-1a2b"}
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=ANONYMOUS, keys=keys, api_arn=API_ARN).effect
        == Effect.ALLOW
    )


def test_evaluate_principal_account_matches_caller_in_account() -> None:
    """§7.5: Principal {"AWS": account} covers any IAM user of that account, not anonymous callers."""
    policy = _policy(_allow(Principal={"AWS": "arn:aws:iam::123456789012:root"}))
    alice = Caller(arn="arn:aws:iam::123456789012:user/alice", account_id="123456789012")
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=alice, api_arn=API_ARN).effect == Effect.ALLOW
    )
    assert (
        evaluate(policy, action=INVOKE, resource=PETS, caller=ANONYMOUS, api_arn=API_ARN).effect
        == Effect.SILENT
    )


def test_evaluate_not_action_excludes_listed_actions() -> None:
    """§7.5: NotAction applies to every action except those listed."""
    deny = {"Effect": "Deny", "Principal": "*", "NotAction": "execute-api:Invoke", "Resource": "*"}
    assert evaluate(_policy(deny), action=INVOKE, resource=PETS, caller=ANONYMOUS).effect == Effect.SILENT
    assert (
        evaluate(_policy(deny), action="execute-api:InvalidateCache", resource=PETS, caller=ANONYMOUS).effect
        == Effect.DENY
    )


def test_evaluate_identity_policy_ignores_principal() -> None:
    """§7.1: identity-based policies have no Principal; caller None skips that check."""
    policy = _policy({"Effect": "Allow", "Action": "execute-api:*", "Resource": f"{API_ARN}/*/GET/*"})
    assert evaluate(policy, action=INVOKE, resource=PETS).effect == Effect.ALLOW


def test_not_authorized_message_for_explicit_deny() -> None:
    """§2: a resource-policy deny names the anonymous user, the ARN and 'with an explicit deny'."""
    expected = f"User: anonymous is not authorized to perform: execute-api:Invoke on resource: {PETS} with an explicit deny"
    assert not_authorized_message(user=None, resource=PETS, explicit=True) == expected


@pytest.mark.parametrize(
    ("pattern", "matches"),
    [
        (f"{API_ARN}/*", True),
        (f"{API_ARN}/*/GET/pets", True),
        (f"{API_ARN}/*/POST/*", False),
        (f"{API_ARN}/prod/*/pets", True),
        (f"{API_ARN}/prod/GET/pets/*", False),  # the * needs the "/" before it: /pets does not end in "/"
        ("arn:aws:execute-api:*:*:abc123/*/*/pets", True),
        ("arn:aws:execute-api:*:*:abc123/*/*/pets*", True),
        ("arn:aws:execute-api:*:*:abc123/*/*/pet", False),
        ("*pets", True),
        ("*pets*s", False),
        ("**", True),
    ],
)
def test_evaluate_resource_stars_match_any_run(pattern: str, matches: bool) -> None:
    """§7.5: ``*`` in a Resource matches any run of characters, "/" included, and nothing else is a wildcard."""
    policy = {"Statement": [{"Effect": "Allow", "Action": INVOKE, "Resource": pattern}]}
    effect = evaluate(policy, action=INVOKE, resource=PETS).effect
    assert effect == (Effect.ALLOW if matches else Effect.SILENT)
