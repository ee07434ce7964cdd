"""Making arbitrary Python strings safe for the parsers (twitter-text works in UTF-16)."""

from __future__ import annotations


def without_lone_surrogates(text: str) -> str:
    """`text` with surrogate pairs joined and lone surrogates replaced by U+FFFD.

    Browsers never send lone surrogates, but junk input can hold them, and twitter-text
    raises on them.
    """
    if not any("\ud800" <= ch <= "\udfff" for ch in text):
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
