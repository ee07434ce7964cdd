"""Certificates: issued when a module is completed, checked by anyone with the code.

Renewal rule: when a completion has expired (its assignment asks for recertification every N
months and N months have passed), the learner's next passing quiz attempt renews it: the module's
completion date becomes that attempt's time and a new certificate is issued. The old certificate
stays on record and shows as expired.
"""

import secrets
import unicodedata
from datetime import datetime

from fpdf import FPDF
from sqlalchemy import func, select

from ..extensions import db
from ..models import AttemptState, Certificate, Module, QuizAttempt, User
from ..models.types import utcnow
from . import audit
from .reports import add_months, recert_months_for


def issue(user_id: int, module: Module, completed_at: datetime, score: int | None) -> Certificate:
    """Add a certificate for a completion to the session (refresh commits it)."""
    user = db.session.get(User, user_id)
    months = recert_months_for(user_id, module.id)
    certificate = Certificate(
        code=secrets.token_urlsafe(16),
        user_id=user_id,
        module_id=module.id,
        revision_number=module.published.number,
        learner_name=user.name,
        module_title=module.published.title,
        score=score,
        issued_at=completed_at,
        expires_at=add_months(completed_at, months) if months else None,
    )
    db.session.add(certificate)
    db.session.flush()
    audit.record(user_id, "certificate.issue", f"certificate:{certificate.id}", module.slug)
    return certificate


def renewed_completion(user_id: int, module: Module, completed_at: datetime) -> datetime | None:
    """When the completion has expired and a quiz was passed after it expired, that moment."""
    months = recert_months_for(user_id, module.id)
    if not months:
        return None
    expired_on = add_months(completed_at, months)
    if expired_on > utcnow():
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
    if not code or len(code) > 40:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def is_valid(certificate: Certificate, now: datetime | None = None) -> bool:
    return certificate.expires_at is None or certificate.expires_at > (now or utcnow())


def of_learner(user_id: int) -> list[Certificate]:
    """The learner's certificates, newest first."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def _latin1(text: str) -> str:
    """Text for the PDF core fonts (latin-1): accents such as "Sofía Álvarez" print as they
    are; characters outside latin-1 fall back to their unaccented letter, never to a crash."""
    out = []
    for char in text:
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            out.append(base or "?")
    return "".join(out)


def pdf(certificate: Certificate, verify_url: str) -> bytes:
    """The certificate as a one-page A4 landscape PDF."""
    doc = FPDF(orientation="L", format="A4")
    doc.set_title(_latin1(f"Certificate: {certificate.module_title}"))
    doc.set_author("Social Rounds")
    doc.set_creation_date(certificate.issued_at)
    doc.add_page()
    doc.set_draw_color(11, 92, 122)
    doc.set_line_width(1.5)
    doc.rect(10, 10, 277, 190)
    doc.set_y(35)
    doc.set_font("Helvetica", "B", 30)
    doc.cell(0, 16, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 16)
    doc.cell(0, 14, "Social Rounds certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "B", 26)
    doc.cell(0, 18, _latin1(certificate.learner_name), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "", 16)
    doc.cell(0, 12, "has completed the module", align="C", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("Helvetica", "B", 20)
    doc.multi_cell(0, 12, _latin1(certificate.module_title), align="C")
    doc.set_font("Helvetica", "", 14)
    lines = [f"Completed on {certificate.issued_at:%d %B %Y}"]
    if certificate.score is not None:
        lines.append(f"Quiz score {certificate.score}%")
    if certificate.expires_at:
        lines.append(f"Valid until {certificate.expires_at:%d %B %Y}")
    doc.ln(6)
    doc.cell(0, 9, " · ".join(lines).replace("·", "-"), align="C", new_x="LMARGIN", new_y="NEXT")
    doc.ln(14)
    doc.set_font("Helvetica", "", 11)
    doc.cell(0, 7, f"Verification code: {certificate.code}", align="C")
    doc.ln(7)
    doc.cell(0, 7, _latin1(f"Check it at {verify_url}"), align="C")
    return bytes(doc.output())
