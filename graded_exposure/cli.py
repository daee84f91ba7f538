"""Command-line commands: database migrations and demo data."""
import click
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the CLI commands."""
