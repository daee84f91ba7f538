"""The app's one public address (BASE_URL): links in emails, trusted Host names, start check.

Links that leave the app (reset, invitations, confirmations, reminders, unsubscribe) are
built from BASE_URL, never from the request's Host header, which anyone can set. Flask's
TRUSTED_HOSTS is derived from the same address, so a request for another host gets a 400.
Without BASE_URL the app trusts only loopback names, and refuses to start on any other
interface, where it would otherwise mail out links to an address nobody can reach.
"""
import ipaddress
from urllib.parse import urlsplit

import click
from flask import Flask, current_app, url_for

LOCAL_BASE_URL = "http://127.0.0.1:5000"
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"]

MISSING_BASE_URL = (
    "BASE_URL is not set, and the app is listening on {hosts}, not only on this machine. "
    "Set BASE_URL to the address people use to reach it (for example "
    "BASE_URL=https://brave-steps.example.org): links in emails are built from it, and "
    "requests for any other host name are refused."
)


class PublicAddressMissing(RuntimeError):
    """The app would serve the network without knowing its public address."""


def is_loopback(host: str) -> bool:
    """Return True when a bind address reaches only this machine."""
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_base_url(config, bind_hosts: list[str]) -> None:
    """Refuse to start when bound beyond loopback without a configured BASE_URL."""
    public = [h for h in bind_hosts if not is_loopback(h)]
    if public and not config.get("BASE_URL"):
        raise PublicAddressMissing(MISSING_BASE_URL.format(hosts=", ".join(public)))


def base_url(config) -> str:
    """Return the configured public address without a trailing slash."""
    return (config.get("BASE_URL") or LOCAL_BASE_URL).rstrip("/")


def serves_https(config) -> bool:
    """True when the public address is https: cookies go only over it, and browsers are told
    to use nothing else (HSTS, http_headers.py)."""
    return base_url(config).startswith("https://")


def trusted_hosts(config) -> list[str]:
    """Return the Host names to accept: BASE_URL's, plus any listed in EXTRA_TRUSTED_HOSTS."""
    if not config.get("BASE_URL"):
        return list(LOOPBACK_NAMES)
    host = urlsplit(config["BASE_URL"]).hostname or ""
    names = list(LOOPBACK_NAMES) if is_loopback(host) else [host]
    return [*names, *config.get("EXTRA_TRUSTED_HOSTS", [])]


def public_url(endpoint: str, **values) -> str:
    """Return an absolute link to an endpoint at the public address (for emails)."""
    return base_url(current_app.config) + url_for(endpoint, **values)


def absolute(config, path: str) -> str:
    """Return an absolute link for one of our own paths; anything else links the inbox."""
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        path = "/inbox"
    return base_url(config) + path


def _flask_run_host() -> str | None:
    """Return the --host of `flask run` when the app is being loaded by that command."""
    context = click.get_current_context(silent=True)
    if context is None or context.info_name != "run":
        return None
    return context.params.get("host")  # `flask reminders run` has no host: None


def init_app(app: Flask) -> None:
    """Trust only the public address's Host, send cookies only over https when it is https,
    and refuse to serve the network without it."""
    if app.config.get("SESSION_COOKIE_SECURE") is None:
        app.config["SESSION_COOKIE_SECURE"] = serves_https(app.config)
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
    if (host := _flask_run_host()) is not None:
        require_base_url(app.config, [host])
