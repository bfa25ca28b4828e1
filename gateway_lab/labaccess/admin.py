from __future__ import annotations

from django.contrib import admin

from .models import LabCredential, LabUser, LabUserPool


@admin.register(LabUserPool)
class LabUserPoolAdmin(admin.ModelAdmin):
    list_display = ["pool_id", "name", "client_id", "created_at"]
    exclude = ["private_key_pem"]  # the signing key never needs reading


@admin.register(LabUser)
class LabUserAdmin(admin.ModelAdmin):
    list_display = ["username", "pool", "created_at"]
    exclude = ["password"]


@admin.register(LabCredential)
class LabCredentialAdmin(admin.ModelAdmin):
    list_display = ["access_key_id", "iam_user_name", "owner", "created_at"]
    exclude = ["secret_access_key", "session_token"]
