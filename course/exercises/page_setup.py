"""The `page_setup` exercise: a Facebook Page for a clinic, field by field.

Rules from Facebook's Page name and username standards (V unless limits.py says). The phone
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
from .hours import read_hours
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

#: The answer's fields, in the order the form shows them, with the label findings use.
FIELD_LABELS = {
    "name": "Name",
    "category": "Category",
    "username": "Username",
    "about": "About",
    "website": "Website",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "hours": "Opening hours",
    "call_to_action": "Call to action",
    "privacy_note": "Note to visitors",
}

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
        "Phone: your clinic's public number with its area code, one people can dial in "
        f"{params['country']}.",
        "Email: your clinic's public address.",
        "Address: the street with the building number, the town and the "
        f"{POSTAL_CODES.get(params['country'], (None, 'postal code'))[1]}.",
        "Opening hours: the days, and the times you open and close.",
        "Button: pick the action you want visitors to take.",
        "Note to visitors: ask people not to share personal health information on the Page, "
        "and say how to reach you privately and what to do in an emergency.",
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


def _example_number(country: str) -> str:
    example = phonenumbers.example_number_for_type(
        country, phonenumbers.PhoneNumberType.FIXED_LINE
    ) or phonenumbers.example_number(country)
    if example is None:
        return ""
    return phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.NATIONAL)


def _check_phone(phone: str, country: str) -> list[Finding]:
    """The Page's number must be one people can dial.

    Valid (not just of the right length) in the exercise's country, or in the country its
    +code names, which gives a warning when it is not the Page's country.
    """
    p = phone.strip()
    if not p:
        return [error("phone_missing", "phone", "Give the clinic's public phone number.")]
    try:
        number = phonenumbers.parse(p, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        example = _example_number(country)
        return [
            error(
                "phone_invalid",
                "phone",
                f"'{p}' is not a phone number people can dial in {country}: give the whole "
                f"number with its area code{f', e.g. {example}' if example else ''}.",
            )
        ]
    region = phonenumbers.region_code_for_number(number)
    if region != country and country not in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(
        number.country_code, ()
    ):
        return [
            warning(
                "phone_other_country",
                "phone",
                f"This is a number in {region}, while the Page is for {country}: people there "
                "pay international rates to call it. Give a local number if you have one.",
            )
        ]
    return []


#: Postal codes of a few countries, for the address check: (pattern, what it is called, an
#: example address). Formats from each country's postal service; our own selection (U).
POSTAL_CODES = {
    "US": (r"\b\d{5}(?:-\d{4})?\b", "ZIP code", "120 Riverside Avenue, Springfield, IL 62704"),
    "GB": (r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", "postcode", "12 Mill Lane, Leeds LS1 4AB"),
    "CA": (
        r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]\s?\d[ABCEGHJ-NPRSTV-Z]\d\b",
        "postal code",
        "45 King Street, Toronto, ON M5H 1J8",
    ),
    "AU": (r"\b\d{4}\b", "postcode", "12 George Street, Sydney NSW 2000"),
    "NZ": (r"\b\d{4}\b", "postcode", "8 Queen Street, Auckland 1010"),
    "IE": (
        r"\b[AC-FHKNPRTV-Y]\d{2}\s?[AC-FHKNPRTV-Y0-9]{4}\b",
        "Eircode",
        "3 Main Street, Galway H91 ABC1",
    ),
}
_GENERIC_ADDRESS = "12 Main Street, Springfield"


def _check_address(address: str, country: str) -> list[Finding]:
    """The clinic's address: a street and number, a town, and the postal code.

    The postal code is checked where POSTAL_CODES knows the country's format.
    """
    a = address.strip()
    pattern, code_name, example = POSTAL_CODES.get(country, (None, "postal code", _GENERIC_ADDRESS))
    if not a:
        return [
            error(
                "address_missing", "address", f"Give the clinic's street address, e.g. '{example}'."
            )
        ]
    parts = [part for part in re.split(r"[,\n]", a) if part.strip()]
    if len(parts) < 2 or not re.search(r"\d", a) or not re.search(r"[^\W\d_]{2}", a):
        return [
            error(
                "address_incomplete",
                "address",
                "Give the street with the building number and the town, separated by commas, "
                f"e.g. '{example}'.",
            )
        ]
    if pattern and not re.search(pattern, a, re.IGNORECASE):
        return [error("address_postal_code", "address", f"Add the {code_name}, e.g. '{example}'.")]
    return []


_HOURS_EXAMPLE = "Mon–Fri 8:00–18:00, Sat 9:00–12:00, Sun closed"


def _check_hours(text: str) -> list[Finding]:
    """Opening hours: days and times that exist (see hours.read_hours)."""
    if not text.strip():
        return [
            error("hours_missing", "hours", f"Give your opening hours, e.g. '{_HOURS_EXAMPLE}'.")
        ]
    hours = read_hours(text)
    out = []
    for typed in hours.impossible:
        out.append(
            error(
                "hours_impossible_time",
                "hours",
                f"'{typed[:40]}' is not a time of day; use times such as 8:00–18:00 or 8am–6pm.",
            )
        )
    for typed in hours.empty:
        out.append(
            error(
                "hours_empty_range",
                "hours",
                f"'{typed[:40]}' opens and closes at the same time; give the closing time.",
            )
        )
    if hours.always_open or out:
        return out
    if not hours.days:
        out.append(
            error(
                "hours_days_missing",
                "hours",
                f"Say on which days you are open, e.g. '{_HOURS_EXAMPLE}'.",
            )
        )
    if not hours.ranges:
        out.append(
            error(
                "hours_times_missing",
                "hours",
                f"Give the opening and closing times, e.g. '{_HOURS_EXAMPLE}'.",
            )
        )
    return out


_NOTE_DONT = re.compile(
    r"\b(?:do\s+not|don[’']?t|never|avoid|refrain|not\s+to|no|keep|can[’']?t|cannot"
    r"|won[’']?t|will\s+not|unable)\b",
    re.IGNORECASE,
)
_NOTE_HEALTH = re.compile(
    r"\b(?:personal|health|medical|private|confidential|clinical|patient|sensitive)\b"
    r"[^.!?\n]{0,40}?\b(?:information|info|details|data|questions|matters|issues|records?"
    r"|results?|conditions?|history|problems?)\b"
    r"|\b(?:PHI|symptoms|diagnos\w*|test\s+results|medications?)\b"
    r"|\byour\s+(?:own\s+)?(?:care|health|treatment|condition|case)\b",
    re.IGNORECASE,
)
_NOTE_PRIVATE = re.compile(
    r"\b(?:call|phone|ring|telephone|email|e-mail|message\s+us|private\s+message"
    r"|direct\s+message|DM|portal|privately|in\s+private|contact\s+us|reach\s+us|write\s+to)\b"
    r"|@|\d{3,}",
    re.IGNORECASE,
)
_NOTE_EMERGENCY = re.compile(r"\b(?:emergenc\w*|urgent\w*|life[-\s]threatening)\b", re.IGNORECASE)
_NOTE_EMERGENCY_ACTION = re.compile(
    r"\b(?:call|dial|ring|phone|go\s+to|visit|attend|ER|emergency\s+(?:room|department)"
    r"|nearest\s+hospital|\d{3})\b|A&E",
    re.IGNORECASE,
)
#: Emergency numbers by country (our own selection, U: from each country's public services).
EMERGENCY_NUMBERS = {
    "US": ("911",),
    "CA": ("911",),
    "GB": ("999", "112"),
    "IE": ("112", "999"),
    "AU": ("000", "112"),
    "NZ": ("111",),
}
_KNOWN_EMERGENCY = re.compile(r"(?<!\d)(?:911|999|112|000|111)(?!\d)")


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _check_note(text: str, country: str) -> list[Finding]:
    """The note to visitors: no health information here, a private way in, an emergency's.

    It must ask people not to share personal health information on the Page, say how to reach
    the clinic privately, and say what to do in an emergency.
    """
    number = EMERGENCY_NUMBERS.get(country, ("your emergency number",))[0]
    example = (
        "Please do not share personal health information in comments or messages. To talk "
        f"about your care, call us or use the patient portal. In an emergency, call {number}."
    )
    if not text.strip():
        return [
            error("note_missing", "privacy_note", f"Write a note for visitors, e.g. '{example}'")
        ]
    out = []
    sentences = _sentences(text)
    if not any(_NOTE_DONT.search(s) and _NOTE_HEALTH.search(s) for s in sentences):
        out.append(
            error(
                "note_no_phi_missing",
                "privacy_note",
                "Ask visitors not to share personal health information on the Page, e.g. "
                "'Please do not share personal health information in comments or messages.'",
            )
        )
    # "Call 911" is no private way in: only sentences about something else count.
    if not any(_NOTE_PRIVATE.search(s) and not _NOTE_EMERGENCY.search(s) for s in sentences):
        out.append(
            error(
                "note_private_contact_missing",
                "privacy_note",
                "Say how to reach the clinic privately, e.g. 'To talk about your care, call us "
                "or use the patient portal.'",
            )
        )
    if not any(_NOTE_EMERGENCY.search(s) and _NOTE_EMERGENCY_ACTION.search(s) for s in sentences):
        out.append(
            error(
                "note_emergency_missing",
                "privacy_note",
                f"Say what to do in an emergency, e.g. 'In an emergency, call {number}.'",
            )
        )
    local = EMERGENCY_NUMBERS.get(country)
    mentioned = set(_KNOWN_EMERGENCY.findall(text))
    if local and mentioned and not mentioned & set(local):
        out.append(
            warning(
                "note_emergency_number",
                "privacy_note",
                f"{' and '.join(sorted(mentioned))} is not the emergency number in {country}: "
                f"use {' or '.join(local)}.",
            )
        )
    return out


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
    phone_missing, phone_invalid (not a number people can dial in the exercise's `country`:
    `phonenumbers.is_valid_number`), email_missing, email_invalid, address_missing,
    address_incomplete, address_postal_code (POSTAL_CODES), hours_missing,
    hours_impossible_time, hours_empty_range, hours_days_missing, hours_times_missing,
    call_to_action_invalid, note_missing, note_no_phi_missing, note_private_contact_missing,
    note_emergency_missing, field_invalid / field_too_long_to_check, and phi_<kind> in the
    name, the About text and the note (not the clinic's own contact details). Warnings:
    username_empty, phone_other_country, note_emergency_number (EMERGENCY_NUMBERS). Sources:
    Facebook's Page name and username standards (see limits.py); the address, hours and
    note are what the exercise's instructions ask for.
    """
    values, out = {}, []
    for name, label in FIELD_LABELS.items():
        values[name], problems = read_text(answer, name, label)
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
    country = params["country"].upper()
    out += _check_website(values["website"])
    out += _check_phone(values["phone"], country)
    out += _check_email(values["email"])
    out += _check_address(values["address"], country)
    out += _check_hours(values["hours"])
    if values["call_to_action"].strip() not in CALLS_TO_ACTION:
        out.append(
            error(
                "call_to_action_invalid",
                "call_to_action",
                "Pick a button from the list, e.g. 'Book Now' or 'Call Now'.",
            )
        )
    out += _check_note(values["privacy_note"], country)
    out += phi_findings(values["name"], "name", "the Page name", region=country)
    out += phi_findings(values["about"], "about", "the About text", region=country)
    # The note gives the clinic's own contact details; a patient's name or record is still
    # caught.
    out += [
        f
        for f in phi_findings(values["privacy_note"], "privacy_note", "the note", region=country)
        if f.code not in _CONTACT_CODES
    ]
    return out


_CONTACT_CODES = {"phi_phone", "phi_fax", "phi_email", "phi_address", "phi_zip", "phi_url"}
