"""Reset a password without a terminal prompt (offline installs, scripts).

``manage.py set_password alice --password-stdin < file`` reads the new password from standard input;
without ``--password-stdin`` a random password is generated and printed once. Django's validators
apply (``--no-validate`` skips them). Django's interactive ``changepassword`` works too.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Set a user's password from standard input, or to a generated one that is printed once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
        parser.add_argument("--no-validate", action="store_true", help="skip the password validators")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        generated = not options["password_stdin"]
        password = secrets.token_urlsafe(15) if generated else sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise CommandError("empty password")
        if not options["no_validate"]:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        user.set_password(password)
        user.save(update_fields=["password"])
        if generated:
            self.stdout.write(f"New password for {user.get_username()}: {password}")
        else:
            self.stdout.write(f"Password changed for {user.get_username()}.")
