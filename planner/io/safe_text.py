"""Keeping text a user typed or imported from running as a spreadsheet formula.

A deal's customer typed as ``=HYPERLINK("http://evil", "Click")`` or imported from a CRM as
``@SUM(1+1)*cmd|' /C calc'!A0`` is only text to the planner, but a spreadsheet that reads
it as a formula would run it ("formula injection", or CSV injection). Text starting with
``=``, ``+``, ``-`` or ``@`` is read as a formula by Excel and LibreOffice, and a leading tab
or carriage return hides such a start from a first glance and from naive checks.

The export writes every piece of text as a text cell, never as a formula, and marks a
risky one with the "quote prefix" style: the same thing as typing an apostrophe before it
in Excel, so editing the cell later keeps it text too. The text itself is written
unchanged, so a round trip reads back exactly what was written.
"""

from __future__ import annotations

RISKY_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_risky(text: str) -> bool:
    """True if a spreadsheet could read ``text`` as a formula (see the module docstring).

    Leading spaces do not make text safe: Excel ignores them before ``=`` in some paths.
    """
    stripped = text.lstrip(" \u00a0")
    return stripped.startswith(RISKY_STARTS) or text.startswith(RISKY_STARTS)


def risky_prefix(text: str) -> str:
    """The first character that makes ``text`` risky, spelt out for messages ("" if none)."""
    if not is_risky(text):
        return ""
    first = text.lstrip(" \u00a0")[:1] or text[:1]
    return {"\t": "a tab", "\r": "a carriage return"}.get(first, f"'{first}'")
