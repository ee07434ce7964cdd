"""Checking the parameters a trainer sets on an exercise."""

from __future__ import annotations

import re
from collections.abc import Mapping

import phonenumbers

from . import limits
from .findings import Finding, error
from .hashtags import is_valid_hashtag

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def normalise_tag(tag: str) -> str:
    """A required hashtag as trainers may write it ("#FluShot" or "FluShot") without sign."""
    return tag.strip().lstrip("#\uff03")


def _bool(name, value):
    if not isinstance(value, bool):
        return [error("param_not_bool", name, f"{name} must be true or false.")]
    return []


def _count(minimum: int):
    def check(name, value):
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            kind = "a positive whole number" if minimum else "a whole number, 0 or more"
            return [error("param_not_count", name, f"{name} must be {kind}.")]
        return []

    return check


def _platform(name, value):
    if value not in limits.PLATFORMS:
        return [
            error("param_platform", name, f"{name} must be one of: {', '.join(limits.PLATFORMS)}.")
        ]
    return []


def _hashtags(name, value):
    if not isinstance(value, list | tuple):
        return [error("param_not_list", name, f"{name} must be a list of hashtags.")]
    out = []
    for tag in value:
        if not isinstance(tag, str) or not is_valid_hashtag("#" + normalise_tag(tag)):
            out.append(
                error(
                    "param_hashtag_invalid",
                    name,
                    f"{tag!r} is not a hashtag X would recognise: use letters, digits and _ only, "
                    "with at least one letter (e.g. #FluShot).",
                )
            )
    return out


def is_domain(value) -> bool:
    return isinstance(value, str) and bool(_DOMAIN_RE.match(value.strip().lower()))


def _domain(name, value):
    if not is_domain(value):
        return [error("param_domain", name, f"{name} must be a domain name such as example.org.")]
    return []


def _domains(name, value):
    if not isinstance(value, list | tuple) or not value:
        return [error("param_not_list", name, f"{name} must be a list of domain names.")]
    bad = [d for d in value if not is_domain(d)]
    if bad:
        return [error("param_domain", name, f"{name} has entries that are not domains: {bad!r}.")]
    return []


def _country(name, value):
    if not isinstance(value, str) or value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        return [error("param_country", name, f"{name} must be a region code such as US or GB.")]
    return []


def _strings(name, value):
    if (
        not isinstance(value, list | tuple)
        or not value
        or not all(isinstance(v, str) and v.strip() for v in value)
    ):
        return [error("param_not_list", name, f"{name} must be a non-empty list of names.")]
    return []


CHECKERS = {
    "platform": _platform,
    "min_hashtags": _count(0),
    "max_hashtags": _count(1),
    "min_posts": _count(1),
    "max_posts": _count(1),
    "required_hashtags": _hashtags,
    "require_link": _bool,
    "require_official_source": _bool,
    "require_role": _bool,
    "require_specialty": _bool,
    "organisation_domain": _domain,
    "official_domains": _domains,
    "country": _country,
    "categories": _strings,
}


def check_params(defaults: Mapping, params) -> list[Finding]:
    """Findings for each bad or unknown parameter; `field` is the parameter name."""
    if params is None:
        return []
    if not isinstance(params, Mapping):
        return [error("params_invalid", None, "Parameters must be a mapping of name to value.")]
    out: list[Finding] = []
    for name, value in params.items():
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            out.append(
                error("param_unknown", str(name), f"Unknown parameter {name!r}; known: {known}.")
            )
            continue
        out += CHECKERS[name](name, value)
    merged = {**defaults, **params}
    for low, high in (("min_hashtags", "max_hashtags"), ("min_posts", "max_posts")):
        lo, hi = merged.get(low), merged.get(high)
        if (
            all(isinstance(v, int) and not isinstance(v, bool) for v in (lo, hi))
            and lo > hi
            and not any(f.field in (low, high) for f in out)
        ):
            out.append(
                error("param_min_over_max", low, f"{low} ({lo}) is more than {high} ({hi}).")
            )
    return out


def coerce(defaults: Mapping, params) -> dict:
    """Defaults overlaid with the valid parameters; a bad value falls back to its default,
    except an unknown platform, which is a programmer error (ValueError)."""
    merged = dict(defaults)
    if not isinstance(params, Mapping):
        return merged
    for name, value in params.items():
        if name not in defaults:
            continue
        if name == "platform" and value not in limits.PLATFORMS:
            raise ValueError(f"unknown platform {value!r}; expected one of {limits.PLATFORMS}")
        if not CHECKERS[name](name, value):
            merged[name] = list(value) if isinstance(value, tuple) else value
    return merged
