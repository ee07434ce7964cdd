"""The `page_setup` exercise: a Facebook Page for a clinic, field by field.

Rules from Facebook's Page name and username standards, see PLATFORM-RULES.md. The phone
and email fields are the organisation's own public contact details, so they are checked
for form, not for PHI; the name and About text are scanned for PHI.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from . import limits
from .answers import phi_findings, read_text
from .findings import Finding, error, warning
from .links import is_domain

#: Facebook Page categories relevant to healthcare. Our selection from Facebook's list (U).
CATEGORIES = (
    "Medical & Health",
    "Hospital",
    "Medical Center",
    "Doctor",
    "Family Doctor",
    "Nurse",
    "Dentist & Dental Office",
    "Pharmacy / Drugstore",
    "Public Health Service",
    "Medical Service",
    "Mental Health Service",
    "Physical Therapist",
    "Emergency Room",
    "Medical Lab",
    "Nonprofit Organization",
)

#: Facebook's Page action buttons (U: Facebook changes the list).
CALLS_TO_ACTION = (
    "Book Now",
    "Call Now",
    "Contact Us",
    "Send Message",
    "Send Email",
    "Learn More",
    "Sign Up",
    "Send WhatsApp Message",
    "Visit Website",
)

DEFAULTS = {"country": "US", "categories": list(CATEGORIES)}

# All-caps words allowed in a Page name (Facebook allows caps for acronyms). Our list (U).
ACRONYMS = {
    "NHS",
    "ICU",
    "NICU",
    "PICU",
    "ER",
    "ED",
    "A&E",
    "USA",
    "UK",
    "US",
    "HIV",
    "AIDS",
    "COVID",
    "CDC",
    "WHO",
    "YMCA",
    "UCLA",
    "UCSF",
    "NYU",
    "MD",
    "DDS",
    "RN",
    "NP",
    "PA",
    "LLC",
    "PC",
    "ENT",
    "OB",
    "GYN",
    "OBGYN",
    "MRI",
    "CT",
    "EMS",
    "IVF",
    "VA",
    "UNICEF",
    "NYC",
    "LA",
    "DC",
    "PLLC",
    "HMO",
    "PPO",
    "IV",
    "II",
    "III",
    "ABC",
    "UCLH",
    "KCL",
    "NIH",
}
_FACEBOOK = re.compile(r"face\s*b(?:oo|0|o)k|\bfb\b|\bmeta\b|\bthe\s*facebook", re.IGNORECASE)
_MISLEADING = re.compile(r"\bofficial\b|\bverified\b|\bauthentic\b", re.IGNORECASE)
_SYMBOLS = set("!®™©@*^~=<>{}|\\$%")
_REPEATED_PUNCT = re.compile(r"([^\w\s])\1|[.!?,;:]{2,}")
_GENERIC = {
    "clinic",
    "hospital",
    "doctor",
    "dentist",
    "pharmacy",
    "health",
    "healthcare",
    "medicine",
    "nurse",
    "nursing",
    "medical",
    "care",
    "surgery",
    "practice",
    "therapy",
    "wellness",
}
_EXTENSIONS = re.compile(r"\.(?:com|net|org|co|info|biz|io|gov|edu|us|uk)$", re.IGNORECASE)


def describe(params: dict) -> list[str]:
    """The rules of a Facebook Page, field by field, with the country its phone must work in."""
    return [
        f"Page name: at most {limits.FACEBOOK_PAGE_NAME_MAX} characters, capital letters only "
        "for acronyms, no symbols such as ! ® ™, no 'Facebook' or 'official'.",
        "Category: pick the one that fits your clinic best.",
        f"Username: {limits.FACEBOOK_USERNAME_MIN}-{limits.FACEBOOK_USERNAME_MAX} letters, "
        "digits or periods, with no .com or 'facebook'.",
        f"About: at most {limits.FACEBOOK_ABOUT_MAX} characters, and no patient information.",
        "Website: a full https:// address of your organisation's site.",
        f"Phone: your clinic's public number, valid in {params['country']}.",
        "Email: your clinic's public address.",
        "Button: pick the action you want visitors to take.",
    ]


def _check_name(name: str) -> list[Finding]:
    out = []
    s = name.strip()
    if not s:
        return [
            error("name_empty", "name", "Give the Page a name, e.g. 'Riverside Family Clinic'.")
        ]
    if len(s) > limits.FACEBOOK_PAGE_NAME_MAX:
        out.append(
            error(
                "name_too_long",
                "name",
                f"The Page name is {len(s)} characters; keep it to "
                f"{limits.FACEBOOK_PAGE_NAME_MAX}, with no slogan or description.",
            )
        )
    symbols = sorted({c for c in s if c in _SYMBOLS})
    if symbols:
        out.append(
            error(
                "name_symbols",
                "name",
                f"Remove {' '.join(symbols)} from the Page name: Facebook does not allow symbols.",
            )
        )
    if _REPEATED_PUNCT.search(s):
        out.append(error("name_repeated_punctuation", "name", "Remove the repeated punctuation."))
    words = re.findall(r"[^\W\d_]+(?:&[^\W\d_]+)?", s)
    shouting = [
        w
        for w in words
        if w.isupper() and len(w) > limits.FACEBOOK_PAGE_NAME_CAPS_WORD_MAX and w not in ACRONYMS
    ]
    letters = [c for c in s if c.isalpha()]
    caps = [c for c in letters if c.isupper()]
    if shouting or (
        len(letters) >= 6
        and len(caps) / len(letters) > limits.FACEBOOK_PAGE_NAME_CAPS_SHARE_MAX
        and not all(w in ACRONYMS or not w.isupper() for w in words)
    ):
        out.append(
            error(
                "name_capitals",
                "name",
                "Write the Page name in normal capitals (e.g. 'Riverside Clinic'); capitals "
                "only for acronyms such as NHS or ICU.",
            )
        )
    if _FACEBOOK.search(s):
        out.append(
            error("name_facebook", "name", "Remove 'Facebook' (or FB, Meta) from the Page name.")
        )
    if _MISLEADING.search(s):
        out.append(
            error(
                "name_misleading",
                "name",
                "Remove 'official' from the Page name: Facebook treats it as misleading.",
            )
        )
    if len(words) == 1 and words[0].casefold() in _GENERIC:
        out.append(
            error(
                "name_generic",
                "name",
                f"'{s}' is only a generic word; add your clinic's own name, e.g. "
                f"'Riverside {s.title()}'.",
            )
        )
    inside = " ".join(re.findall(r"\(([^)]*)\)", s))
    if len(inside.split()) > limits.FACEBOOK_PAGE_NAME_MAX_PARENTHESISED_WORDS:
        out.append(
            error(
                "name_parentheses",
                "name",
                "Put at most 2 words in parentheses in the Page name.",
            )
        )
    return out


def _check_username(username: str) -> list[Finding]:
    u = username.strip().lstrip("@")
    if not u:
        return [
            warning(
                "username_empty",
                "username",
                "Choose a username (e.g. riversideclinic) so people can find the Page easily.",
            )
        ]
    out = []
    if not re.fullmatch(r"[A-Za-z0-9.]+", u):
        out.append(
            error(
                "username_characters",
                "username",
                "Use only letters, digits and periods in the username (no spaces, - or _).",
            )
        )
    if len(u) < limits.FACEBOOK_USERNAME_MIN:
        out.append(
            error(
                "username_too_short",
                "username",
                f"Make the username at least {limits.FACEBOOK_USERNAME_MIN} characters long.",
            )
        )
    if len(u) > limits.FACEBOOK_USERNAME_MAX:
        out.append(
            error(
                "username_too_long",
                "username",
                f"Keep the username to {limits.FACEBOOK_USERNAME_MAX} characters.",
            )
        )
    if _EXTENSIONS.search(u):
        out.append(
            error(
                "username_extension",
                "username",
                "Remove the ending such as .com or .org from the username.",
            )
        )
    if "facebook" in u.lower():
        out.append(error("username_facebook", "username", "Remove 'facebook' from the username."))
    return out


def _check_website(website: str) -> list[Finding]:
    w = website.strip()
    if not w:
        return [error("website_missing", "website", "Give your website, e.g. https://example.org.")]
    m = re.fullmatch(r"(?i)(https?)://([^/?#\s:]+)(?::\d{1,5})?(?:[/?#]\S*)?", w)
    if not m:
        return [
            error(
                "website_invalid",
                "website",
                "Give the full address of your website starting with https://, "
                "e.g. https://example.org.",
            )
        ]
    host = m.group(2).lower().rstrip(".")
    if not is_domain(host):
        return [
            error(
                "website_host",
                "website",
                f"'{host}' does not look like a web address; check the spelling.",
            )
        ]
    if m.group(1).lower() == "http":
        return [
            error(
                "website_not_https",
                "website",
                "Use https:// instead of http:// so visitors' browsers do not warn them.",
            )
        ]
    return []


def _fictional_us(number) -> bool:
    # 555-0100..555-0199 are reserved for fiction; treat them as real numbers in exercises.
    national = str(number.national_number)
    return number.country_code == 1 and len(national) == 10 and national[3:7] == "5550"


def _check_phone(phone: str, country: str) -> list[Finding]:
    p = phone.strip()
    if not p:
        return [error("phone_missing", "phone", "Give the clinic's public phone number.")]
    try:
        number = phonenumbers.parse(p, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not (phonenumbers.is_possible_number(number) or _fictional_us(number)):
        return [
            error(
                "phone_invalid",
                "phone",
                f"'{p}' is not a phone number that works in {country}; check the digits "
                "and include the area code.",
            )
        ]
    return []


def _check_email(email: str) -> list[Finding]:
    e = email.strip()
    if not e:
        return [error("email_missing", "email", "Give the clinic's public email address.")]
    try:
        validate_email(e, check_deliverability=False)
    except (EmailNotValidError, ValueError, TypeError):
        return [
            error(
                "email_invalid",
                "email",
                f"'{e[:80]}' is not a valid email address; check it, e.g. info@example.org.",
            )
        ]
    return []


def validate(answer, params: dict) -> list[Finding]:
    """Findings for a Facebook Page: `answer` has one text per field of the kind's form.

    Errors: name_empty, name_too_long, name_symbols, name_repeated_punctuation,
    name_capitals, name_facebook, name_misleading, name_generic, name_parentheses (Facebook's
    Page name standards), category_invalid, username_characters / _too_short / _too_long /
    _extension / _facebook (Facebook's username rules), about_empty, about_too_long (the
    Graph API's 100 characters), website_missing / _invalid / _host / _not_https,
    phone_missing, phone_invalid (a number that cannot be dialled in the exercise's
    `country`), email_missing, email_invalid, call_to_action_invalid, field_invalid /
    field_too_long_to_check, and phi_<kind> in the name and About text. Warnings:
    username_empty. Sources: PLATFORM-RULES.md ("Facebook Page").
    """
    values, out = {}, []
    for name in (
        "name",
        "category",
        "username",
        "about",
        "website",
        "phone",
        "email",
        "call_to_action",
    ):
        values[name], problems = read_text(answer, name, name.replace("_", " ").capitalize())
        out += problems
    out += _check_name(values["name"])
    categories = params["categories"]
    if values["category"].strip() not in categories:
        out.append(
            error(
                "category_invalid",
                "category",
                "Pick a category from the list, e.g. 'Medical & Health'.",
            )
        )
    out += _check_username(values["username"])
    about = values["about"].strip()
    if not about:
        out.append(error("about_empty", "about", "Write a short About text saying what you offer."))
    elif len(about) > limits.FACEBOOK_ABOUT_MAX:
        out.append(
            error(
                "about_too_long",
                "about",
                f"The About text is {len(about)} characters; Facebook allows "
                f"{limits.FACEBOOK_ABOUT_MAX}. "
                f"Shorten it by {len(about) - limits.FACEBOOK_ABOUT_MAX}.",
            )
        )
    out += _check_website(values["website"])
    out += _check_phone(values["phone"], params["country"].upper())
    out += _check_email(values["email"])
    if values["call_to_action"].strip() not in CALLS_TO_ACTION:
        out.append(
            error(
                "call_to_action_invalid",
                "call_to_action",
                "Pick a button from the list, e.g. 'Book Now' or 'Call Now'.",
            )
        )
    out += phi_findings(values["name"], "name", "the Page name", region=params["country"])
    out += phi_findings(values["about"], "about", "the About text", region=params["country"])
    return out
