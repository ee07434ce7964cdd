"""A signature's receipt as a PDF: what was signed, by whom, when, from where."""

from fpdf import FPDF

from ..models import PolicySignature
from .fonts import FONT, FONT_FILES, printable


def pdf(signature: PolicySignature) -> bytes:
    """One A4 page.

    The policy and version, the signer (account name and typed name), the time in UTC, IP
    address, browser, and the SHA-256 of the exact text shown.
    """
    version = signature.version
    doc = FPDF(format="A4")
    for style, path in FONT_FILES.items():
        doc.add_font(FONT, style, path)
    doc.set_text_shaping(True)
    doc.set_margins(20, 20, 20)
    doc.set_title(f"Signature receipt: {version.title}, version {version.number}")
    doc.set_author("Social Rounds")
    doc.set_creation_date(signature.signed_at)
    doc.add_page()
    doc.set_font(FONT, "B", 20)
    doc.multi_cell(0, 10, "Policy signature receipt", new_x="LMARGIN", new_y="NEXT")
    doc.ln(4)
    doc.set_font(FONT, "B", 14)
    doc.multi_cell(
        0, 8, printable(f"{version.title}, version {version.number}"), new_x="LMARGIN",
        new_y="NEXT",
    )  # fmt: skip
    doc.ln(4)
    rows = [
        ("Effective from", f"{version.effective_on:%d %B %Y}"),
        ("Signed by", printable(signature.user.name)),
        ("Account email", signature.user.email),
        ("Name as typed", printable(signature.typed_name)),
        ("Signed at", f"{signature.signed_at:%d %B %Y, %H:%M:%S} UTC"),
        ("Confirmed by", _confirmed(signature)),
        ("IP address", signature.ip_address),
        ("Browser", printable(signature.user_agent) or "(not sent)"),
        ("Receipt number", str(signature.id)),
    ]
    for label, value in rows:
        doc.set_font(FONT, "B", 10)
        doc.cell(55, 7, label)
        doc.set_font(FONT, "", 10)
        doc.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")
    # The hash whole on a line of its own, so it can be read (and searched) in one piece.
    doc.set_font(FONT, "B", 10)
    doc.cell(0, 7, "SHA-256 of the exact text shown", new_x="LMARGIN", new_y="NEXT")
    doc.set_font(FONT, "", 9)
    doc.cell(0, 7, signature.text_sha256, new_x="LMARGIN", new_y="NEXT")
    doc.ln(6)
    doc.set_font(FONT, "", 10)
    doc.multi_cell(
        0,
        6,
        'The signer ticked "I have read and understood this policy", typed their full name '
        f"and confirmed with {signature.confirmation}. The signature is kept as evidence and "
        "is never changed or deleted.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(doc.output())


def _confirmed(signature) -> str:
    """How the signer confirmed it was them, with the provider's sign-in time for an SSO."""
    text = signature.confirmation[0].upper() + signature.confirmation[1:]
    if signature.reauthenticated_at is not None:
        text += f", signed in at {signature.reauthenticated_at:%d %B %Y, %H:%M:%S} UTC"
    return text
