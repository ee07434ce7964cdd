"""The PDFs' font: DejaVu Sans, regular and bold, and which characters it can draw.

Certificates, transcripts and signature receipts print with it; a character it has no glyph
for (CJK, Devanagari, Thai, ...) prints as U+FFFD rather than as nothing.
"""

import unicodedata
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVu"
#: Regular and bold, each subset into the PDF: only the glyphs used are embedded.
FONT_FILES = {"": FONTS / "DejaVuSans.ttf", "B": FONTS / "DejaVuSans-Bold.ttf"}
#: Printed in place of a character the font has no glyph for.
REPLACEMENT = "\N{REPLACEMENT CHARACTER}"


@lru_cache(maxsize=1)
def _drawn() -> frozenset[int]:
    """Code points that both DejaVu Sans faces draw."""
    codepoints = []
    for path in FONT_FILES.values():
        with TTFont(path, lazy=True) as font:
            codepoints.append(set(font.getBestCmap()))
    regular, bold = codepoints
    return frozenset(regular & bold)


def unprintable(text: str) -> str:
    """The characters of text that the font has no glyph for, each once, in order.

    The characters of text that the font has no glyph for, each once, in order; control
    and format characters need no glyph.
    """
    drawn = _drawn()
    missing = dict.fromkeys(
        char
        for char in unicodedata.normalize("NFC", text)
        if ord(char) not in drawn and unicodedata.category(char) not in ("Cc", "Cf")
    )
    return "".join(missing)


def printable(text: str) -> str:
    """Text (NFC) with each character the font lacks replaced by U+FFFD."""
    text = unicodedata.normalize("NFC", text or "")
    missing = set(unprintable(text))
    return "".join(REPLACEMENT if char in missing else char for char in text)
