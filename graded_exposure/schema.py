"""Schema management through Alembic migrations (never create_all outside tests)."""
from alembic import command
from alembic.config import Config

from .config import ROOT


def alembic_config(database_url: str) -> Config:
    """Return an Alembic config that migrates the given database."""
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = database_url
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Apply migrations up to a revision."""
    command.upgrade(alembic_config(database_url), revision)


def make_revision(database_url: str, message: str) -> None:
    """Autogenerate a migration from the difference between models and database."""
    command.revision(alembic_config(database_url), message=message, autogenerate=True)
