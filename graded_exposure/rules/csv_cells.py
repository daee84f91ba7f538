"""Spreadsheet-safe CSV cells: text a spreadsheet would run as a formula is defused.

A cell that starts with =, +, -, @, a tab or a carriage return can be read as a formula by
Excel, LibreOffice or Google Sheets (CSV injection). Such text gets a leading apostrophe,
which spreadsheets show as plain text. Numbers are left alone.
"""
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str | int | float:
    """Return a value ready for a CSV cell, with formula-like text escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = "; ".join(str(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
