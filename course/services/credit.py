"""Continuing-education credit and the organisation's logo.

Continuing-education credit and the organisation's logo: what makes a certificate worth
keeping for a licence renewal.

- Per module, an admin sets contact hours (in hundredths: 1.25 hours is 125) and optional CE
  details (provider, approval or provider number, accreditation statement). Certificates copy
  them when issued (certificates.issue), so a later change never alters an issued one.
- The logo is an uploaded PNG or JPEG, checked by its content (Pillow decodes it), its size in
  bytes (`LOGO_MAX_BYTES`) and pixels; the newest upload is printed on certificates.
- A learner's total contact hours in a period count the certificates issued on the
  organisation's dates from `start` to `end`, both included.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from flask import current_app
from fpdf import FPDF
from PIL import Image, UnidentifiedImageError
from sqlalchemy import func, select

from ..extensions import db
from ..models import Certificate, Module, ModuleRevision, OrganisationLogo
from . import audit, clock
from .fonts import FONT, FONT_FILES, printable
from .refusal import RefusalError

#: Largest logo side in pixels: plenty for print, small enough to keep PDFs light.
LOGO_MAX_PIXELS = 4000
FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
#: At most this many contact hours per module (a typo guard: 99.75 hours).
MAX_HUNDREDTHS = 9975


class CreditError(RefusalError):
    """CE details or a logo the rules refuse; the message says why."""


def hours_text(hundredths: int | None) -> str:
    """125 -> "1.25", 100 -> "1.0", None -> ""."""
    if hundredths is None:
        return ""
    value = Decimal(hundredths) / 100
    return f"{value:.2f}".rstrip("0").rstrip(".") + (".0" if hundredths % 100 == 0 else "")


def parse_hours(text: str) -> int | None:
    """Parse contact hours: "1.25" -> 125; "" -> None.

    Raises CreditError for anything else (hundredths at most precise, up to 99.75).
    """
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value * 100 != int(value * 100):
        raise CreditError(
            "Enter the hours as a number such as 1.0 or 1.25 (hundredths at most).",
            "contact_hours",
        )
    hundredths = int(value * 100)
    if hundredths > MAX_HUNDREDTHS:
        raise CreditError("At most 99.75 contact hours per module.", "contact_hours")
    return hundredths


@dataclass(frozen=True)
class ModuleCredit:
    """A module and its continuing-education credit, as the organisation page lists it."""

    id: int
    slug: str
    title: str
    contact_hours_hundredths: int | None
    ce_provider: str
    ce_number: str


def modules() -> list[ModuleCredit]:
    """Every module with its credit, by title."""
    title = func.coalesce(ModuleRevision.title, Module.slug)
    rows = db.session.execute(
        select(
            Module.id,
            Module.slug,
            title,
            Module.contact_hours_hundredths,
            Module.ce_provider,
            Module.ce_number,
        )
        .outerjoin(ModuleRevision, ModuleRevision.id == Module.published_revision_id)
        .order_by(title)
    )
    return [ModuleCredit(*row) for row in rows]


def set_module_credit(
    actor_id: int,
    module: Module,
    contact_hours_hundredths: int | None,
    provider: str = "",
    number: str = "",
    statement: str = "",
) -> Module:
    """Set a module's contact hours and CE details (printed on certificates issued from now)."""
    provider, number, statement = (
        v.strip() for v in (provider or "", number or "", statement or "")
    )
    if (number or statement) and not provider:
        raise CreditError("Name the accredited provider the number and statement belong to.",
                          "ce_provider")  # fmt: skip
    if contact_hours_hundredths is not None and not 0 < contact_hours_hundredths <= MAX_HUNDREDTHS:
        raise CreditError("At most 99.75 contact hours per module.", "contact_hours")
    if len(provider) > 200 or len(number) > 100 or len(statement) > 600:
        raise CreditError("Provider: 200 characters; number: 100; statement: 600.", "ce_provider")
    module.contact_hours_hundredths = contact_hours_hundredths
    module.ce_provider, module.ce_number, module.ce_statement = provider, number, statement
    db.session.flush()
    audit.record(
        actor_id,
        "module.credit",
        f"module:{module.id}",
        f"{hours_text(contact_hours_hundredths) or 'no'} contact hours"
        + (f", {provider} {number}".rstrip() if provider else ""),
    )
    return module


def save_logo(actor_id: int, data: bytes) -> OrganisationLogo:
    """Store a new logo after checking that it is a PNG or JPEG image within the limits."""
    limit = current_app.config["LOGO_MAX_BYTES"]
    if not data:
        raise CreditError("Choose an image file.", "logo")
    if len(data) > limit:
        raise CreditError(
            f"The image is {len(data) / 1024:,.0f} KB; at most {limit / 1024:,.0f} KB.", "logo"
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
            image.verify()  # reads the whole file: a truncated or forged image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise CreditError("That is not a PNG or JPEG image.", "logo") from None
    if kind not in FORMATS:
        raise CreditError(f"That is a {kind} image; upload a PNG or JPEG.", "logo")
    if max(width, height) > LOGO_MAX_PIXELS:
        raise CreditError(f"At most {LOGO_MAX_PIXELS} pixels wide or high.", "logo")
    logo = OrganisationLogo(
        content_type=FORMATS[kind],
        data=data,
        width=width,
        height=height,
        uploaded_by_id=actor_id,
    )
    db.session.add(logo)
    db.session.flush()
    audit.record(actor_id, "organisation.logo", f"logo:{logo.id}", f"{kind} {width}x{height}")
    return logo


def current_logo() -> OrganisationLogo | None:
    """The newest logo, or None."""
    return db.session.scalar(select(OrganisationLogo).order_by(OrganisationLogo.id.desc()).limit(1))


def in_period(user_id: int, start: date | None, end: date | None) -> list[Certificate]:
    """The learner's certificates issued in a period, oldest first.

    The period is the organisation's dates start..end, each bound optional.
    """
    stmt = select(Certificate).where(Certificate.user_id == user_id)
    if start is not None:
        stmt = stmt.where(Certificate.issued_at >= clock.start_of_day(start))
    if end is not None:
        stmt = stmt.where(Certificate.issued_at < clock.start_of_day(end + timedelta(days=1)))
    return list(db.session.scalars(stmt.order_by(Certificate.issued_at, Certificate.id)))


def total_hundredths(certificates: list[Certificate]) -> int:
    """The contact hours of the certificates, added up (in hundredths)."""
    return sum(c.contact_hours_hundredths or 0 for c in certificates)


def transcript_pdf(
    learner_name: str,
    certificates: list[Certificate],
    start: date | None,
    end: date | None,
    organisation: str = "Social Rounds",
) -> bytes:
    """The learner's transcript as an A4 PDF.

    Each certificate of the period (module, date, contact hours, verification code) and the
    total contact hours.
    """
    doc = FPDF(format="A4")
    for style, path in FONT_FILES.items():
        doc.add_font(FONT, style, path)
    doc.set_text_shaping(True)
    doc.set_margins(15, 15, 15)
    doc.set_title(f"Transcript: {learner_name}")
    doc.set_author(organisation)
    doc.add_page()
    doc.set_font(FONT, "B", 18)
    doc.multi_cell(0, 9, "Training transcript", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, "", 11)
    period = (
        f"{start:%d %B %Y}" if start else "the first certificate",
        f"{end:%d %B %Y}" if end else "today",
    )
    for line in (
        f"{printable(learner_name)}, {printable(organisation)}",
        f"Certificates issued from {period[0]} to {period[1]}",
    ):
        doc.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    widths = (78, 30, 18, 54)
    with doc.table(col_widths=widths, text_align=("LEFT", "LEFT", "RIGHT", "LEFT")) as table:
        header = table.row()
        for heading in ("Module", "Completed", "Hours", "Verification code"):
            header.cell(heading)
        doc.set_font(FONT, "", 9)
        for certificate in certificates:
            row = table.row()
            row.cell(printable(certificate.module_title))
            row.cell(f"{certificate.issued_at:%d %b %Y}")
            row.cell(hours_text(certificate.contact_hours_hundredths) or "–")
            row.cell(certificate.code)
    doc.ln(4)
    doc.set_font(FONT, "B", 12)
    total = hours_text(total_hundredths(certificates)) if certificates else "0"
    doc.multi_cell(0, 7, f"Total contact hours: {total or '0'}", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, "", 9)
    doc.multi_cell(
        0,
        5,
        "Each certificate can be checked on the verification page with its code.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(doc.output())
