"""User handlers as their authors write them, unmodified: run behind the live gateway through
``GATEWAY_LAB_FUNCTION_PACKAGES`` (issue 12)."""
