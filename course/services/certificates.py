"""Certificates: issued when a module is completed, checked by anyone with the code.

Renewal rule: when a completion has expired (its assignment asks for recertification every N
months and N months have passed), the learner's next passing quiz attempt renews it: the module's
completion date becomes that attempt's time and a new certificate is issued. The old certificate
stays on record and shows as expired.
"""

import io
import logging
import secrets
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import segno
from fpdf import FPDF, ViewerPreferences
from sqlalchemy import func, select

from ..extensions import db
from ..models import (
    AttemptState,
    Certificate,
    Module,
    ModuleRevision,
    OrganisationLogo,
    QuizAttempt,
    User,
)
from ..models.types import utcnow
from . import audit, clock, credit, due_dates, notifications
from .fonts import FONT, FONT_FILES, REPLACEMENT, printable, unprintable

logger = logging.getLogger(__name__)


def issue(user_id: int, module: Module, completed_at: datetime, score: int | None) -> Certificate:
    """Add a certificate for a completion to the session (the caller commits)."""
    user = db.session.get(User, user_id)
    months = due_dates.recert_months_for(user_id, module.id)
    certificate = Certificate(
        code=secrets.token_urlsafe(16),
        user_id=user_id,
        module_id=module.id,
        revision_number=module.published.number,
        learner_name=user.name,
        module_title=module.published.title,
        score=score,
        issued_at=completed_at,
        expires_at=_expiry_moment(completed_at, months),
        contact_hours_hundredths=module.contact_hours_hundredths,
        ce_provider=module.ce_provider or "",
        ce_number=module.ce_number or "",
        ce_statement=module.ce_statement or "",
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record(user_id, "certificate.issue", f"certificate:{certificate.id}", module.slug)
    notifications.certificate_issued(certificate)
    return certificate


def _expiry_moment(completed_at: datetime, months: int | None) -> datetime | None:
    """When a completion stops counting, as a stored UTC moment.

    The start of the organisation's day `clock.expires_on` names, so the certificate, the report
    and the dashboard agree to the day.
    """
    if not months:
        return None
    return clock.start_of_day(clock.expires_on(completed_at, months))


def renewed_completion(user_id: int, module: Module, completed_at: datetime) -> datetime | None:
    """When the completion has expired and a quiz was passed after it expired, that moment."""
    expired_on = _expiry_moment(completed_at, due_dates.recert_months_for(user_id, module.id))
    if expired_on is None or expired_on > utcnow():
        return None
    return db.session.scalar(
        select(func.max(QuizAttempt.submitted_at)).where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.module_id == module.id,
            QuizAttempt.state == AttemptState.SUBMITTED,
            QuizAttempt.passed.is_(True),
            QuizAttempt.revision_number >= module.retrain_since,
            QuizAttempt.submitted_at > expired_on,
        )
    )


def by_code(code: str) -> Certificate | None:
    """The certificate with this verification code, or None (also for junk codes)."""
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


@dataclass(frozen=True)
class Standing:
    """A certificate's standing today, as My certificates and the public verify page state it.

    state: "valid" (until `on`, or for good when `on` is None), "expired" (on `on`), or
    "superseded" (on `on`, the day a version requiring retraining was published; `reason` is
    that version's reason). Dates are the organisation's calendar dates.
    """

    state: str
    on: date | None = None
    reason: str | None = None


def standings(certificates: list[Certificate], now: datetime | None = None) -> dict[int, Standing]:
    """certificate id -> its standing at `now`: one query for the retraining versions."""
    now = now or utcnow()
    module_ids = {c.module_id for c in certificates}
    retrainings = db.session.execute(
        select(
            ModuleRevision.module_id,
            ModuleRevision.number,
            ModuleRevision.published_at,
            ModuleRevision.retrain_reason,
        )
        .where(
            ModuleRevision.module_id.in_(module_ids or [-1]),
            ModuleRevision.requires_retraining.is_(True),
            ModuleRevision.published_at.is_not(None),
        )
        .order_by(ModuleRevision.number)
    ).all()
    found = {}
    for certificate in certificates:
        ended = next(
            (
                (published_at, reason)
                for module_id, number, published_at, reason in retrainings
                if module_id == certificate.module_id
                and number > certificate.revision_number
                and published_at <= now
            ),
            None,
        )
        expires_at = certificate.expires_at
        if ended and (expires_at is None or ended[0] < expires_at):
            found[certificate.id] = Standing("superseded", clock.local_date(ended[0]), ended[1])
        elif expires_at is not None and expires_at <= now:
            found[certificate.id] = Standing("expired", clock.local_date(expires_at))
        else:
            on = clock.local_date(expires_at) if expires_at is not None else None
            found[certificate.id] = Standing("valid", on)
    return found


def standing(certificate: Certificate, now: datetime | None = None) -> Standing:
    """One certificate's standing at `now` (see Standing)."""
    return standings([certificate], now)[certificate.id]


def of_learner(user_id: int) -> list[Certificate]:
    """The learner's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def latest_for(user_id: int, module_id: int) -> Certificate | None:
    """The newest certificate the learner holds for the module, or None.

    The one to offer on a page that announces the completion.
    """
    return db.session.scalar(
        select(Certificate)
        .where(Certificate.user_id == user_id, Certificate.module_id == module_id)
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        .limit(1)
    )


#: The frame (mm from the A4 landscape page's edges): printed at actual size on US Letter, which
#: is 17.6 mm narrower, the frame still sits 9 mm inside the sheet's sides, more than the 6.35 mm
#: (a quarter inch) that printers which cannot print to the edge leave blank.
FRAME_SIDE, FRAME_TOP = 18, 12
#: The frame's inside, less a 10 mm margin each side, is the widest a line may be (mm).
TEXT_WIDTH = 297 - 2 * (FRAME_SIDE + 10)
#: Name and title shrink from their size down to this before they wrap.
SMALLEST = {"name": 14, "title": 12}


def _fitted(doc: FPDF, text: str, size: int, smallest: int, line_height: float) -> None:
    """One centred bold line at the largest size from size down to smallest that fits the frame.

    Text too long even at smallest wraps over as many lines as it needs.
    """
    for points in range(size, smallest - 1, -1):
        doc.set_font(FONT, "B", points)
        if doc.get_string_width(text) <= TEXT_WIDTH - 2 * doc.c_margin:
            break
    height = line_height * points / size
    doc.multi_cell(TEXT_WIDTH, height, text, align="C", new_x="LMARGIN", new_y="NEXT")


@contextmanager
def _tagged(doc: FPDF, role: str):
    """Mark what is drawn inside as one element of the PDF's structure tree (H1, P).

    So screen readers find the text in reading order and pdfinfo says "Tagged: yes".

    fpdf2 2.8 tags images, links and outline headings itself but offers no public call for
    text; this uses the same structure builder its own image tagging uses.
    """
    mcid = doc.struct_builder.next_mcid_for_page(doc.page)
    doc._add_marked_content(struct_type=f"/{role}", mcid=mcid)
    doc._out(f"/{role} <</MCID {mcid}>> BDC")
    yield
    doc._out("EMC")


@contextmanager
def _artifact(doc: FPDF):
    """Mark decoration (the frame) as an artifact: not content, skipped by screen readers."""
    doc._out("/Artifact BMC")
    yield
    doc._out("EMC")


def pdf(
    certificate: Certificate,
    verify_url: str,
    tz: ZoneInfo | None = None,
    organisation: str = "Social Rounds",
    logo: OrganisationLogo | None = None,
) -> bytes:
    """The certificate as a one-page A4 landscape PDF.

    The certificate as a one-page A4 landscape PDF, its dates in `tz` (default: the
    organisation's time zone, which needs the app): the organisation's name and logo, the
    learner, the module, contact hours and CE details when the module carried them, and a QR
    code of `verify_url`.

    Text is DejaVu Sans, shaped by HarfBuzz, so names in Latin, Vietnamese, Greek, Cyrillic,
    Armenian, Georgian, Hebrew and Arabic print exactly. Each character the font lacks (CJK,
    Devanagari, Thai, ...) prints as U+FFFD, the log names it, and the certificate then says
    that the verification page shows the name exactly.
    """
    name = unicodedata.normalize("NFC", certificate.learner_name)
    title = unicodedata.normalize("NFC", certificate.module_title)
    # The metadata title needs no glyphs (PDF strings are UTF-16): it keeps every character.
    metadata_title = f"Certificate: {title}"
    missing = unprintable(name + title)
    if missing:
        logger.warning(
            "Certificate %s: the PDF font cannot show %s", certificate.code, ", ".join(missing)
        )
        # Left alone they would print as nothing at all; the replacement character shows where.
        name, title = (
            "".join(REPLACEMENT if char in missing else char for char in text)
            for text in (name, title)
        )
    doc = FPDF(orientation="L", format="A4")
    for style, path in FONT_FILES.items():
        doc.add_font(FONT, style, path)
    doc.set_text_shaping(True)
    doc.set_auto_page_break(False)
    doc.set_margins(FRAME_SIDE + 10, 20, FRAME_SIDE + 10)
    doc.set_lang("en")
    doc.viewer_preferences = ViewerPreferences(display_doc_title=True)
    doc.set_title(metadata_title)
    doc.set_author("Social Rounds")
    doc.set_creation_date(certificate.issued_at)
    doc.add_page()
    with _artifact(doc):
        doc.set_draw_color(11, 92, 122)
        doc.set_line_width(1.5)
        doc.rect(FRAME_SIDE, FRAME_TOP, 297 - 2 * FRAME_SIDE, 210 - 2 * FRAME_TOP)
    inside = FRAME_SIDE + 6  # logo and QR code: 6 mm inside the frame
    if logo is not None:
        # At most 50 x 17 mm in the top left corner, clear of the heading, proportions kept.
        ratio = logo.width / logo.height
        width, height = (50, 50 / ratio) if ratio > 50 / 17 else (17 * ratio, 17)
        doc.image(
            io.BytesIO(logo.data), x=inside, y=FRAME_TOP + 5, w=width, h=height,
            alt_text=f"{organisation} logo",
        )  # fmt: skip
    doc.set_y(36)
    with _tagged(doc, "H1"):
        doc.set_font(FONT, "B", 30)
        doc.cell(0, 16, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    with _tagged(doc, "P"):
        doc.set_font(FONT, "", 16)
        certifies = printable(f"{organisation} certifies that")
        doc.cell(0, 12, certifies, align="C", new_x="LMARGIN", new_y="NEXT")
    with _tagged(doc, "P"):
        _fitted(doc, name, 26, SMALLEST["name"], 17)
    with _tagged(doc, "P"):
        doc.set_font(FONT, "", 16)
        doc.cell(0, 11, "has completed the module", align="C", new_x="LMARGIN", new_y="NEXT")
    with _tagged(doc, "P"):
        _fitted(doc, title, 20, SMALLEST["title"], 12)
    doc.set_font(FONT, "", 14)
    # Dates as the organisation's calendar has them (stored UTC).
    lines = [f"Completed on {clock.local_date(certificate.issued_at, tz):%d %B %Y}"]
    if certificate.contact_hours_hundredths:
        hours = credit.hours_text(certificate.contact_hours_hundredths)
        lines.append(f"{hours} contact hour{'' if hours == '1.0' else 's'}")
    if certificate.score is not None:
        lines.append(f"Quiz score {certificate.score}%")
    if certificate.expires_at:
        lines.append(f"Valid until {clock.local_date(certificate.expires_at, tz):%d %B %Y}")
    doc.ln(4)
    with _tagged(doc, "P"):
        doc.cell(0, 9, " · ".join(lines), align="C", new_x="LMARGIN", new_y="NEXT")
    if certificate.ce_provider:
        ce_width = TEXT_WIDTH - 50
        provider = certificate.ce_provider + (
            f", approval number {certificate.ce_number}" if certificate.ce_number else ""
        )
        with _tagged(doc, "P"):
            doc.set_font(FONT, "", 11)
            doc.set_x((297 - ce_width) / 2)
            doc.multi_cell(
                ce_width, 6, printable(provider), align="C", new_x="LMARGIN", new_y="NEXT"
            )
        if certificate.ce_statement:
            with _tagged(doc, "P"):
                doc.set_font(FONT, "", 9)
                doc.set_x((297 - ce_width) / 2)
                doc.multi_cell(
                    ce_width, 4.5, printable(certificate.ce_statement), align="C",
                    new_x="LMARGIN", new_y="NEXT",
                )  # fmt: skip
    # The QR code of the verification page, bottom right; the code and address beside it.
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    size = 32
    doc.image(
        qr, x=297 - inside - size, y=210 - FRAME_TOP - 5 - size, w=size, h=size,
        alt_text=f"QR code of {verify_url}",
    )  # fmt: skip
    doc.set_y(210 - FRAME_TOP - 28)
    doc.set_font(FONT, "", 10)
    with _tagged(doc, "P"):
        doc.cell(0, 6, f"Verification code: {certificate.code}", align="C")
    doc.ln(6)
    with _tagged(doc, "P"):
        doc.cell(0, 6, f"Check it at {verify_url}", align="C")
    if missing:
        doc.ln(6)
        with _tagged(doc, "P"):
            doc.cell(
                0,
                6,
                "This PDF cannot show every character of the name or title above; "
                "the verification page shows them exactly.",
                align="C",
            )
    return bytes(doc.output())
