"""The join QR code, drawn on the server as SVG (segno): no script, no request to another site."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str) -> bytes:
    """Return an SVG QR code for ``url`` (error correction M, a quiet zone of 4 modules)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=4, xmldecl=False, svgns=True,
                                     title="QR", dark="#000", light="#fff")  # fmt: skip
    return buffer.getvalue()
