"""The lab account's identities: Cognito-like user pools with their users, and IAM access keys.

Secrets are stored in clear on purpose (it is a lab: the learner must see and paste them); user
passwords go through Django's hashers like any other password.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from gateway_lab.engine import DEFAULT_ACCOUNT_ID


class LabUserPool(models.Model):
    """A user pool with one app client and an RS256 signing key generated on creation."""

    pool_id = models.CharField(max_length=55, unique=True, help_text="Like us-east-1_AbCdEf123")
    name = models.CharField(max_length=128, unique=True)
    region = models.CharField(max_length=32, default="us-east-1")
    client_id = models.CharField(max_length=26, help_text="The app client id (the tokens' aud / client_id)")
    private_key_pem = models.TextField(help_text="PKCS#8 PEM of the RS256 signing key")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.pool_id

    @property
    def issuer(self) -> str:
        return f"https://cognito-idp.{self.region}.amazonaws.com/{self.pool_id}"


class LabUser(models.Model):
    """A confirmed user of a lab pool (the lab skips Cognito's confirmation code)."""

    pool = models.ForeignKey(LabUserPool, on_delete=models.CASCADE, related_name="users")
    username = models.CharField(max_length=128)
    password = models.CharField(max_length=128, help_text="A Django password hash")
    sub = models.UUIDField()
    attributes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [models.UniqueConstraint(fields=["pool", "username"], name="labaccess_user_unique")]

    def __str__(self) -> str:
        return f"{self.pool_id}/{self.username}"


class LabCredential(models.Model):
    """An IAM user's access key with the identity policy attached to that user."""

    access_key_id = models.CharField(max_length=20, unique=True)
    secret_access_key = models.CharField(max_length=40)
    session_token = models.TextField(blank=True)
    iam_user_name = models.CharField(max_length=64)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lab_credentials",
    )
    policy = models.JSONField(help_text="An IAM identity policy document")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.access_key_id

    @property
    def user_arn(self) -> str:
        return f"arn:aws:iam::{DEFAULT_ACCOUNT_ID}:user/{self.iam_user_name}"
