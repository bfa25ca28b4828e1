"""Give a user exactly the named wiki roles (run by an operator on the host; audited)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gateway_lab.lessons.roles import ROLES, RoleError, role_set


class Command(BaseCommand):
    help = f"Set a user's roles ({', '.join(ROLES)}); no role names removes every role."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("roles", nargs="*", choices=ROLES)

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        try:
            role_set(actor=None, user=user, roles=options["roles"])
        except RoleError as exc:
            raise CommandError(exc.code) from exc
        self.stdout.write(f"{user.get_username()}: {', '.join(options['roles']) or 'no role'}")
