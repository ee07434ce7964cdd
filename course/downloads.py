"""The Content-Disposition of every download, as RFC 6266 writes it.

A header must be Latin-1 (gunicorn refuses anything else with a 500), yet certificates are
named after module titles in any script. So: `filename="..."` with an ASCII fallback (accents
folded, anything else a hyphen) for old clients, and `filename*=UTF-8''...` with the exact
name, percent-encoded (RFC 8187), which every current browser prefers.
"""

import re
import unicodedata
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_name(name: str) -> str:
    """The name with accents folded and anything else outside [A-Za-z0-9._-] a hyphen."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return _UNSAFE.sub("-", folded).strip("-.") or "download"


def attachment(name: str) -> str:
    """The header's value for downloading a file called `name`."""
    return f"attachment; filename=\"{ascii_name(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def readable_name(text: str, limit: int = 60) -> str:
    """A title made fit for a file name in any script: letters and digits kept, the rest
    hyphens, lower case, at most `limit` characters."""
    name = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return re.sub("-{2,}", "-", name).strip("-")[:limit].strip("-") or "download"
