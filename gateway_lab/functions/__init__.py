"""Built-in demo Lambda functions: plain ``handler(event, context)`` modules, exactly AWS's contract.

Integrations reference them by dotted path (``gateway_lab.functions.echo.handler``) or by alias
(``echo``). ``lab`` gives handlers the lab's services and a way to spend (virtual) time.
"""

from __future__ import annotations
