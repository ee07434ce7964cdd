"""The one check every redirect target goes through."""

from urllib.parse import urlsplit


def is_safe_url(target: str | None) -> bool:
    """True for a path on this site ("/modules/x"), false for anything that leaves it."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ord(c) < 32 for c in target) or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
