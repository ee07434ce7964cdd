"""Links in a post, found the way X finds them (twitter-text's URL extractor), and host names."""

from __future__ import annotations

import re
from dataclasses import dataclass

from twitter_text import extract_urls_with_indices

from .text import without_lone_surrogates

#: Health authorities and other official sources a post may cite (matched as the host or
#: a subdomain of it). Our own list (U); trainers can override it per exercise.
OFFICIAL_DOMAINS = (
    "cdc.gov",
    "nih.gov",
    "hhs.gov",
    "fda.gov",
    "ready.gov",
    "fema.gov",
    "weather.gov",
    "who.int",
    "paho.org",
    "ecdc.europa.eu",
    "nhs.uk",
    "gov.uk",
    "nhsinform.scot",
    "redcross.org",
    "ifrc.org",
    "canada.ca",
    "health.gov.au",
)

#: Host suffixes that are government or national health service sites.
OFFICIAL_SUFFIXES = (".gov", ".gov.uk", ".nhs.uk", ".nhs.scot", ".gc.ca", ".gov.au", ".mil")


# A DNS host name of two or more labels (RFC 1035 lengths) with a top-level domain of letters.
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def is_domain(value) -> bool:
    """True when `value` is a host name such as example.org or www.nhs.uk (any case, trimmed).

    The one domain check: exercise settings (organisation and official domains) and the Page's
    website use it.
    """
    return isinstance(value, str) and bool(_DOMAIN_RE.match(value.strip().lower()))


@dataclass(frozen=True)
class Link:
    """A URL found in a text: `host` lower-cased, `path` with query, code point offsets."""

    url: str
    host: str
    path: str
    start: int
    end: int


def _split(url: str) -> tuple[str, str]:
    rest = url.split("://", 1)[1] if "://" in url else url
    for i, ch in enumerate(rest):
        if ch in "/?#":
            host, path = rest[:i], rest[i:]
            break
    else:
        host, path = rest, ""
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].lower().rstrip(".")
    return host, path


def find_links(text: str) -> list[Link]:
    """Every URL X would see in `text`, with or without scheme, with code point offsets."""
    if not isinstance(text, str) or not text:
        return []
    try:
        found = extract_urls_with_indices(without_lone_surrogates(text))
    except Exception:  # a third-party parser must never break a validator
        return []
    links = []
    for item in found:
        start, end = item["indices"]
        url = item["url"]
        host, path = _split(url)
        links.append(Link(url, host, path, start, end))
    return links


def host_matches(host: str, domain: str) -> bool:
    """True when `host` is `domain` or one of its subdomains."""
    domain = domain.lower().strip().strip(".")
    if domain.startswith("www."):
        domain = domain[4:]
    return bool(domain) and (host == domain or host.endswith("." + domain))


def is_official(
    host: str, organisation_domain: str = "", official_domains=OFFICIAL_DOMAINS
) -> bool:
    """True for a health authority, a government site or the organisation's own site."""
    if organisation_domain and host_matches(host, organisation_domain):
        return True
    if any(host_matches(host, d) for d in official_domains if isinstance(d, str)):
        return True
    return host.endswith(OFFICIAL_SUFFIXES)
