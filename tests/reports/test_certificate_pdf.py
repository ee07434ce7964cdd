"""The certificate PDF read back with a real PDF reader: names print exactly, in any script the
embedded font covers, long ones stay on the page, and what the font cannot show is said aloud."""

import io
import logging
import os
import shutil
import subprocess
import unicodedata
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from course.models import Certificate
from course.services import certificates

MM = 72 / 25.4  # PDF points per millimetre
SIDE, TOP = 18 * MM, 12 * MM  # the frame, inside the A4 landscape page's edges
PAGE_WIDTH, PAGE_HEIGHT = 297 * MM, 210 * MM
LETTER_WIDTH, LETTER_HEIGHT = 279.4 * MM, 215.9 * MM
#: What a printer that cannot print to the edge leaves blank on each side (a quarter inch).
UNPRINTABLE = 6.35 * MM

LONG_NAME = ("Maria-Magdalena Wróbel-Nguyễn Σοφία Дмитриевна " * 3)[:120]


def _certificate(name="Ann Example", title="Meet the experts", **kwargs) -> Certificate:
    return Certificate(
        code=kwargs.pop("code", "AbCdEfGhIjKlMnOpQrStUv"),
        learner_name=name,
        module_title=title,
        score=kwargs.pop("score", 90),
        issued_at=kwargs.pop("issued_at", datetime(2025, 3, 14, 9, 30)),
        expires_at=kwargs.pop("expires_at", datetime(2026, 3, 14, 9, 30)),
        **kwargs,
    )


def _render(certificate: Certificate) -> bytes:
    return certificates.pdf(
        certificate, f"https://rounds.example.org/verify/{certificate.code}", ZoneInfo("UTC")
    )


def _read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, unicodedata.normalize("NFC", reader.pages[0].extract_text())


def _flat(text: str) -> str:
    """Wrapped lines joined again, so a name split over two lines still reads as one."""
    return " ".join(text.split())


def _text_starts(reader: PdfReader) -> list[tuple[float, float, str]]:
    """Where each piece of text starts on the page (x, y from the bottom, in points)."""
    starts = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            starts.append((x, y, text))

    reader.pages[0].extract_text(visitor_text=visit)
    return starts


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Ánh",  # Vietnamese: stacked diacritics
        "Łukasz Wróbel",  # Polish
        "Дмитрий Иванович Соколов",  # Cyrillic
        "Σοφία Παπαδοπούλου",  # Greek
        "Sofía Álvarez",  # Latin-1, which always worked
        "Zoë O'Brien-Łącka",
        "محمد عبد الله",  # Arabic: right to left, letters joined by HarfBuzz
        "דוד כהן",  # Hebrew
    ],
)
def test_name_prints_exactly(name):
    reader, text = _read(_render(_certificate(name=name)))
    assert len(reader.pages) == 1
    assert name in text


def test_title_and_every_line_print_exactly():
    title = "Données de santé · Ochrona danych · Защита данных"
    _, text = _read(_render(_certificate(title=title)))
    assert title in text
    assert "Certificate of completion" in text
    assert "Completed on 14 March 2025 · Quiz score 90% · Valid until 14 March 2026" in text
    assert "Verification code: AbCdEfGhIjKlMnOpQrStUv" in text
    assert "https://rounds.example.org/verify/AbCdEfGhIjKlMnOpQrStUv" in text


@pytest.mark.parametrize("title", ["Ochrona danych – Łódź", "社交媒体 (Social media)"])
def test_metadata_title_keeps_the_module_title(title):
    reader, _ = _read(_render(_certificate(title=title)))
    assert reader.metadata.title == f"Certificate: {title}"


@pytest.mark.parametrize(
    ("name", "title"),
    [
        (LONG_NAME, "Meet the experts"),
        ("W" * 120, "Meet the experts"),  # the widest letter, no space to wrap at
        ("Ann Example", ("Ochrona danych pacjentów w mediach społecznościowych " * 4)[:200]),
        (LONG_NAME, "W" * 200),
        ("王" * 120, "W" * 200),  # and the notice below: the most lines a certificate has
    ],
)
def test_long_name_and_title_stay_inside_the_frame(name, title):
    assert len(name) <= 120  # the column's length: nothing longer can be issued
    reader, text = _read(_render(_certificate(name=name, title=title)))
    assert len(reader.pages) == 1
    flat = _flat(text).replace(" ", "")
    if not certificates.unprintable(name):
        assert name.replace(" ", "") in flat
    assert title.replace(" ", "") in flat
    starts = _text_starts(reader)
    assert starts
    for x, y, piece in starts:
        # Every line is centred, so starting inside the left edge of the frame means ending
        # inside the right edge too.
        assert SIDE < x < PAGE_WIDTH / 2, (x, piece)
        assert y > TOP + 3 * MM, (y, piece)


def test_a_short_name_keeps_the_large_size():
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[text.strip()] = size * tm[0]

    reader, _ = _read(_render(_certificate(name="Ann Example")))
    reader.pages[0].extract_text(visitor_text=visit)
    assert sizes["Ann Example"] == pytest.approx(26)


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Thị Ánh",
        LONG_NAME,
        "王秀英",  # Chinese: DejaVu has no CJK glyphs
        "देवनागरी नाम",  # Devanagari: DejaVu has none
        "محمد عبد الله",  # Arabic: DejaVu has it, HarfBuzz joins the letters
    ],
)
def test_pdf_stays_small(name):
    # fpdf2 embeds only the glyphs used (23-26 KB measured); the two whole fonts are 1.4 MB.
    assert len(_render(_certificate(name=name))) < 60_000


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("王秀英", "\ufffd\ufffd\ufffd"),
        ("Ann 王 Example", "Ann \ufffd Example"),
        ("नाम Łukasz", "\ufffd\ufffd\ufffd Łukasz"),  # Devanagari: DejaVu has none
    ],
)
def test_a_name_the_font_cannot_show_is_flagged_not_dropped(name, printed, caplog):
    """The font lacks these glyphs: each prints as U+FFFD instead of vanishing, the PDF says
    on its face where to read the name exactly, and the server log names the characters."""
    assert certificates.unprintable(name)
    with caplog.at_level(logging.WARNING, logger="course.services.certificates"):
        reader, text = _read(_render(_certificate(name=name)))
    assert len(reader.pages) == 1
    assert printed in text
    assert "cannot show every character of the name or title" in _flat(text)
    assert "verification page shows them exactly" in _flat(text)
    message = " ".join(r.getMessage() for r in caplog.records if r.name == certificates.__name__)
    assert all(char in message for char in certificates.unprintable(name))


def test_unprintable_lists_each_missing_character_once():
    assert certificates.unprintable("王秀英 王 Ann") == "王秀英"
    assert certificates.unprintable("Zoë\u200dAnn\n") == ""  # a joiner needs no glyph


def test_a_name_the_font_can_show_carries_no_notice():
    assert certificates.unprintable("Nguyễn Łukasz Дмитрий Σοφία") == ""
    _, text = _read(_render(_certificate(name="Nguyễn Thị Ánh")))
    assert "cannot show" not in text


def _rectangles(reader: PdfReader) -> list[tuple[float, float, float, float]]:
    """Every rectangle drawn on the page (x, y, width, height, in points)."""
    page = reader.pages[0]
    stream = ContentStream(page.get_contents(), reader)
    return [tuple(float(v) for v in operands) for operands, op in stream.operations if op == b"re"]


@pytest.mark.skipif(
    shutil.which("pdfinfo") is None and not os.environ.get("CI"),
    reason="poppler's pdfinfo is not installed (.ci/run installs it)",
)
def test_the_pdf_is_tagged_with_its_language_and_title_shown(tmp_path):
    data = _render(_certificate(name="Zoë Ångström-Nguyễn"))
    (tmp_path / "c.pdf").write_bytes(data)
    info = subprocess.run(
        ["pdfinfo", str(tmp_path / "c.pdf")], capture_output=True, text=True, check=True
    ).stdout
    assert "Tagged:          yes" in info
    assert "Title:           Certificate: Meet the experts" in info
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    document = root["/StructTreeRoot"]["/K"].get_object()
    document = document[0].get_object() if isinstance(document, list) else document
    roles = [kid.get_object()["/S"] for kid in document["/K"]]
    assert roles[0] == "/H1"
    assert roles.count("/P") >= 6  # each line of text is a paragraph, in reading order


def test_the_frame_and_text_print_on_a4_and_on_letter():
    """At actual size on US Letter (centred, 17.6 mm narrower than A4) nothing drawn comes
    nearer than a quarter inch to the sheet's edge, where printers cannot print."""
    reader, _ = _read(_render(_certificate(name=LONG_NAME, title="W" * 200)))
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(
        (PAGE_WIDTH, PAGE_HEIGHT), abs=0.01
    )
    cut_x = (PAGE_WIDTH - LETTER_WIDTH) / 2  # cut from each side on Letter
    cut_y = max(0, (PAGE_HEIGHT - LETTER_HEIGHT) / 2)
    [(x, y, width, height)] = _rectangles(reader)
    line = 1.5 * MM / 2  # half the frame's line width lies outside its path
    for low in (x, PAGE_WIDTH - (x + width)):
        assert low - line - cut_x >= UNPRINTABLE
    bottom, top = sorted([y, y + height])  # fpdf2 draws it downwards (a negative height)
    for low in (bottom, PAGE_HEIGHT - top):
        assert low - line - cut_y >= UNPRINTABLE
    for start, _y, piece in _text_starts(reader):
        assert start - cut_x >= UNPRINTABLE + 10 * MM, piece
