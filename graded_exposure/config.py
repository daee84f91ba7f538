"""Configuration read from the environment, with safe defaults for a laptop."""
import os
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else one generated once into instance/."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # Create with 0600 so the key is never world-readable, even for a moment.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def usable_cores(most: int = 4) -> int:
    """The cores this process may run on, at most `most`: the outbox's default process count.

    A burst of 100,000 emails and pushes took 280 to 330 s in one process on a two-core machine
    and 160 s in two (bench/reminders.py). Helpers start only for a backlog of 2,000 or more,
    and each holds its own database connections, hence the ceiling."""
    affinity = getattr(os, "sched_getaffinity", None)  # Linux; elsewhere, the core count
    cores = len(affinity(0)) if affinity else os.cpu_count() or 1
    return max(1, min(most, cores))


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


@dataclass(frozen=True)
class CrisisLine:
    """Where a family in danger now should turn: a number to call and a sentence saying so."""

    number: str
    text: str


# Shown when no line is configured for the family's locale: no number rather than a wrong one.
SAFE_CRISIS_LINE = CrisisLine("", "Call your local emergency number.")
CRISIS_NUMBER = re.compile(r"[0-9+][0-9 +-]{1,19}")
CRISIS_LOCALE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")


def parse_crisis_lines(value: str) -> dict[str, CrisisLine]:
    """Parse CRISIS_LINES: `locale=number|text` entries separated by `;`.

    e.g. "en-GB=999|Call 999 or go to A&E;en-US=988|Call or text 988". Raises ValueError with
    a message naming the bad entry, so a wrong value stops the app starting.
    """
    lines: dict[str, CrisisLine] = {}
    for entry in (e.strip() for e in value.split(";")):
        if not entry:
            continue
        locale, eq, rest = entry.partition("=")
        number, bar, text = rest.partition("|")
        locale, number, text = locale.strip(), number.strip(), text.strip()
        where = f"CRISIS_LINES entry {entry!r}"
        if not eq or not bar:
            raise ValueError(f"{where}: write it as locale=number|text, e.g. en-GB=999|Call 999.")
        if not CRISIS_LOCALE.fullmatch(locale):
            raise ValueError(f"{where}: the locale must look like en-GB or en.")
        if not CRISIS_NUMBER.fullmatch(number):
            raise ValueError(f"{where}: the number must be digits (spaces, + and - allowed).")
        if not text or len(text) > 200:
            raise ValueError(f"{where}: the text must be 1 to 200 characters.")
        if locale in lines:
            raise ValueError(f"{where}: {locale} is listed twice.")
        lines[locale] = CrisisLine(number, text)
    return lines


def crisis_line_for(lines: dict[str, CrisisLine], best_locale: str | None) -> CrisisLine:
    """The line for the best-matching locale, else the safe default without a number."""
    return lines.get(best_locale or "", SAFE_CRISIS_LINE)


def load_config(instance_path: str) -> dict:
    """Build the app's configuration dictionary from environment variables."""
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "brave_steps.sqlite")
    )
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "DATABASE_URL": database_url,
        # Sessions: idle timeout is enforced server-side on each request; the cookie
        # itself lives as long as the absolute lifetime.
        # Where pg_dump and pg_restore are, for `flask db backup|restore` on PostgreSQL;
        # unset, PATH and then /usr/lib/postgresql/<newest>/bin are searched (pg_backup.py).
        "PG_BIN": os.environ.get("PG_BIN", ""),
        "SESSION_IDLE_TIMEOUT": timedelta(
            hours=int(os.environ.get("SESSION_IDLE_HOURS", 7 * 24))
        ),
        "PERMANENT_SESSION_LIFETIME": timedelta(
            days=int(os.environ.get("SESSION_LIFETIME_DAYS", 30))
        ),
        # Both limits are the server's (login_sessions.py), so the cookie is re-signed and
        # sent only when what it holds changes, not on every page.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Unset: on when BASE_URL is https (public_address.py); set it to choose either way.
        "SESSION_COOKIE_SECURE": (_flag("SESSION_COOKIE_SECURE")
                                  if "SESSION_COOKIE_SECURE" in os.environ else None),
        "SESSION_COOKIE_NAME": "brave_steps_session",
        # CSRF tokens are bound to the session, not to a clock: a phone tab left open
        # for hours must still be able to save a practice.
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRFToken"],
        # No form takes a file and the longest (a 2,000-character note in four-byte characters,
        # percent-encoded) is about 24 KB: a larger body is refused (413) before it is read,
        # parsed, or spooled to a temporary file. Flask sets no ceiling by default.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", 25)),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Brave Steps <no-reply@localhost>"),
        # The public address: every link in an email is built from it, and it names the one
        # Host the app answers (public_address.py); other names a proxy or health check uses
        # go in EXTRA_TRUSTED_HOSTS (comma-separated).
        "BASE_URL": os.environ.get("BASE_URL", ""),
        "EXTRA_TRUSTED_HOSTS": _list("EXTRA_TRUSTED_HOSTS"),
        # Emails sent for a person (reset, sign-up, invitations), counted in the database so
        # every worker shares the count: per recipient, per sending account, per IP address.
        "MAIL_LIMIT_WINDOW": timedelta(minutes=int(os.environ.get("MAIL_LIMIT_WINDOW_MINUTES",
                                                                  60))),
        "MAIL_LIMIT_PER_RECIPIENT": int(os.environ.get("MAIL_LIMIT_PER_RECIPIENT", 3)),
        "MAIL_LIMIT_PER_ACCOUNT": int(os.environ.get("MAIL_LIMIT_PER_ACCOUNT", 10)),
        "MAIL_LIMIT_PER_IP": int(os.environ.get("MAIL_LIMIT_PER_IP", 20)),
        # werkzeug's method string; only tests choose a cheaper one.
        "PASSWORD_HASH_METHOD": "scrypt",
        # Failed logins (services/login_throttle.py): a known device counts only its own;
        # unknown devices count per account and IP, per account, and per IP.
        "LOGIN_MAX_FAILURES_PER_DEVICE": 5,
        "LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP": 5,
        "LOGIN_MAX_FAILURES_PER_ACCOUNT": 20,
        "LOGIN_MAX_FAILURES_PER_IP": 30,
        "KNOWN_DEVICE_LIFETIME": timedelta(days=365),
        "LOGIN_THROTTLE_WINDOW": timedelta(minutes=15),
        "RESET_TOKEN_LIFETIME": timedelta(hours=1),
        "SIGNUP_TOKEN_LIFETIME": timedelta(hours=24),
        "INVITE_TOKEN_LIFETIME": timedelta(days=7),
        # Reminders: `make run` sets RUN_SCHEDULER=1 to dispatch inside the serving process;
        # deployments with several workers leave it off and run `flask reminders run`.
        "RUN_SCHEDULER": _flag("RUN_SCHEDULER"),
        "REMINDER_GRACE": timedelta(minutes=int(os.environ.get("REMINDER_GRACE_MINUTES", 120))),
        # A live (telehealth) session ends by itself this long after it starts.
        "LIVE_SESSION_LIMIT": timedelta(minutes=int(os.environ.get("LIVE_SESSION_MINUTES", 60))),
        "REMINDER_BATCH": int(os.environ.get("REMINDER_BATCH", 2000)),
        "REMINDER_LEASE": timedelta(seconds=int(os.environ.get("REMINDER_LEASE_SECONDS", 300))),
        # /healthz calls the scheduler "stale" after this long without a complete pass (it
        # still answers 200: services/health.py).
        "SCHEDULER_STALE_AFTER": timedelta(
            seconds=int(os.environ.get("SCHEDULER_STALE_SECONDS", 300))),
        # Outbox senders side by side in one process (threads, each with its own connections);
        # more than one helps when a mail server or push service is slow to answer.
        "OUTBOX_SENDERS": int(os.environ.get("OUTBOX_SENDERS", 1)),
        # Outbox processes when the backlog is large (services/outbox_processes.py): threads
        # share one core, processes use the others. One starts no helpers.
        "OUTBOX_PROCESSES": int(os.environ.get("OUTBOX_PROCESSES") or usable_cores()),
        # A reused SMTP connection is replaced after this many messages (channels/mail.py).
        "MAIL_MESSAGES_PER_CONNECTION": int(os.environ.get("MAIL_MESSAGES_PER_CONNECTION", 100)),
        # A delivery's copy of the reminder text, kept for its email and push, is blanked this
        # long after it was sent (services/retention.py); the inbox message keeps its own.
        "REMINDER_PAYLOAD_RETENTION": timedelta(
            days=int(os.environ.get("REMINDER_PAYLOAD_RETENTION_DAYS", 30))),
        # Web push: the VAPID key is generated once into instance/ unless a file is named.
        "VAPID_PRIVATE_KEY_FILE": os.environ.get("VAPID_PRIVATE_KEY_FILE", ""),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", ""),
        "PUSH_TTL": int(os.environ.get("PUSH_TTL_SECONDS", 4 * 3600)),
        "PUSH_TIMEOUT": int(os.environ.get("PUSH_TIMEOUT_SECONDS", 10)),
        # Where a family whose child is in danger now should turn, per locale (the family's
        # browser language picks one; none matching, "your local emergency number").
        "CRISIS_LINES": parse_crisis_lines(os.environ.get("CRISIS_LINES", "")),
    }
