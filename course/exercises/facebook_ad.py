"""The `facebook_ad` exercise: an ad for a health service that Meta's standards accept.

Rules from Meta Advertising Standards, "Personal Attributes" (V): an ad must not assert or
imply that the advertiser knows the viewer's personal attributes, health among them, nor ask
about them ("Are you diabetic?", "Struggling with your weight?"); no before-and-after images or
claims and no negative self-perception (Meta's Personal Health and Appearance advertising
policy, V). Meta's recommended text lengths are recommendations: they warn, never reject. The
condition words and phrasings are our lists (U), English only.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import limits
from .answers import phi_findings, read_text
from .fields import AnswerField
from .findings import Finding, error, warning
from .links import host_matches, is_domain

#: Buttons an ad may carry: our selection from Meta's list of calls to action (U: Meta changes
#: the list and offers some only for some objectives).
CALLS_TO_ACTION = (
    "Learn More",
    "Book Now",
    "Sign Up",
    "Contact Us",
    "Call Now",
    "Send Message",
    "Get Directions",
    "Request Time",
    "Apply Now",
    "Subscribe",
    "Watch More",
    "Donate Now",
)

DEFAULTS = {"organisation_domain": "example.org"}

CODES = {
    "ad_primary_text_empty": "No primary text",
    "ad_primary_text_long": "Primary text over Meta's recommended length",
    "ad_headline_empty": "No headline",
    "ad_headline_long": "Headline over Meta's recommended length",
    "ad_link_description_long": "Link description over Meta's recommended length",
    "ad_website_missing": "No website",
    "ad_website_invalid": "The website was not a full web address",
    "ad_website_not_https": "The website did not use https://",
    "ad_website_other_domain": "The website was not the organisation's",
    "ad_call_to_action_invalid": "No button from Meta's list",
    "ad_personal_attribute": "Asserted or asked about the viewer's health or other attribute",
    "ad_before_after": "A before-and-after or promised-result claim",
    "ad_negative_self_image": "Played on the viewer's negative self-image",
}

# Health conditions and traits Meta counts as personal attributes. Our list (U); each maps to
# the service it suggests, for the rewrite hint.
_CONDITIONS = {
    "diabetic": "diabetes",
    "diabetes": "diabetes",
    "prediabetic": "diabetes",
    "prediabetes": "diabetes",
    "overweight": "weight management",
    "obese": "weight management",
    "obesity": "weight management",
    "weight": "weight management",
    "fat": "weight management",
    "depressed": "mental health",
    "depression": "mental health",
    "anxious": "mental health",
    "anxiety": "mental health",
    "stressed": "mental health",
    "lonely": "mental health",
    "bipolar": "mental health",
    "ptsd": "mental health",
    "adhd": "ADHD assessment",
    "autism": "autism support",
    "autistic": "autism support",
    "insomnia": "sleep",
    "sleepless": "sleep",
    "cancer": "cancer care",
    "hiv": "sexual health",
    "hiv positive": "sexual health",
    "std": "sexual health",
    "sti": "sexual health",
    "stds": "sexual health",
    "stis": "sexual health",
    "herpes": "sexual health",
    "erectile dysfunction": "men's health",
    "impotent": "men's health",
    "pregnant": "pregnancy care",
    "pregnancy": "pregnancy care",
    "infertile": "fertility",
    "infertility": "fertility",
    "menopause": "menopause",
    "menopausal": "menopause",
    "addicted": "addiction support",
    "addiction": "addiction support",
    "alcoholic": "addiction support",
    "alcoholism": "addiction support",
    "a smoker": "stop-smoking support",
    "arthritis": "joint care",
    "asthma": "asthma care",
    "asthmatic": "asthma care",
    "copd": "lung health",
    "high blood pressure": "blood-pressure checks",
    "hypertension": "blood-pressure checks",
    "heart disease": "heart health",
    "dementia": "memory care",
    "alzheimer's": "memory care",
    "chronic pain": "pain management",
    "back pain": "pain management",
    "migraines": "headache care",
    "migraine": "headache care",
    "acne": "skin care",
    "eczema": "skin care",
    "psoriasis": "skin care",
    "hair loss": "hair-loss treatment",
    "balding": "hair-loss treatment",
    "disabled": "accessibility services",
    "a disability": "accessibility services",
    "incontinence": "continence care",
    "incontinent": "continence care",
    "an eating disorder": "eating-disorder support",
    "bulimia": "eating-disorder support",
    "anorexia": "eating-disorder support",
    "over 50": "health checks",
    "over 60": "health checks",
    "over 65": "health checks",
}
# Traits everyone has or may have: asking about them is personal ("Struggling with your
# weight?"), but "your weight" alone is not an assertion ("Manage your weight with us").
_TRAITS = {"weight", "fat", "stressed", "lonely", "a smoker", "over 50", "over 60", "over 65"}


def _alternation(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_CONDITION = _alternation(_CONDITIONS)
_DISEASE = _alternation(set(_CONDITIONS) - _TRAITS)
_YOUR = r"(?:your|ur)\s+(?:own\s+)?"
_PERSONAL = re.compile(
    # "Are you diabetic?", "Are you a smoker?", "Are you over 50?"
    rf"\b(?:are|r)\s+(?:you|u)\s+(?:still\s+|feeling\s+|living\s+with\s+)?(?P<a>{_CONDITION})\b"
    # "You're pregnant", "you have diabetes", "you suffer from migraines"
    rf"|\byou(?:'re|\s+are|\s+have|'ve\s+got|\s+suffer\s+from|\s+live\s+with|\s+struggle\s+with"
    rf"|\s+battle)\s+(?:with\s+)?(?:{_YOUR})?(?P<b>{_CONDITION})\b"
    # "Do you have depression?", "Do you suffer from back pain?"
    rf"|\bdo\s+(?:you|u)\s+(?:have|suffer\s+from|live\s+with|struggle\s+with|get|experience)"
    rf"\s+(?:{_YOUR})?(?P<c>{_CONDITION})\b"
    # "Struggling with your weight?", "Tired of your acne?", "Living with HIV?"
    rf"|\b(?:struggling|suffering|living|dealing|coping|battling|fighting|tired|sick|done"
    rf"|fed\s+up)\s+(?:with|from|of)\s+(?:{_YOUR})?(?P<d>{_CONDITION})\b"
    # "Your diabetes", "your depression" (Meta's "you/your" with an attribute)
    rf"|\b{_YOUR}(?P<e>{_DISEASE})\b"
    # "Still overweight?", "Depressed?", "Pregnant?" as a question on its own
    rf"|(?:^|[.!?]\s*|\b(?:still|feeling)\s+)(?P<f>{_CONDITION})\s*\?"
    # "Other diabetics like you", "people like you with cancer"
    rf"|\b(?:other\s+)?(?:{_CONDITION})s?\s+like\s+(?:you|yourself)\b",
    re.IGNORECASE | re.MULTILINE,
)
_BEFORE_AFTER = re.compile(
    r"\bbefore\s*(?:and|&|/|-|\+)\s*after\b"
    r"|\b(?:lose|lost|drop|dropped|shed)\s+\d+\s*(?:lbs?|pounds|kg|kilos?|stone|dress\s+sizes?"
    r"|inches)\b"
    r"|\b(?:guaranteed|permanent|instant|miracle)\s+(?:results?|cure|weight\s+loss|fix)\b"
    r"|\b(?:results|cured|healed)\s+in\s+\d+\s+(?:days?|weeks?)\b",
    re.IGNORECASE,
)
_SELF_IMAGE = re.compile(
    r"\b(?:hate|ashamed\s+of|embarrassed\s+(?:by|about)|disgusted\s+by|unhappy\s+with)\s+"
    r"(?:your|ur)\s+\w+"
    r"|\b(?:ugly|flabby|embarrassing|unsightly|gross)\s+(?:belly|body|skin|teeth|fat|rolls"
    r"|thighs|arms|hair|spots|wrinkles)\b",
    re.IGNORECASE,
)

_TEXT_FIELDS = (
    ("primary_text", "the primary text"),
    ("headline", "the headline"),
    ("link_description", "the link description"),
)

FIELDS = (
    AnswerField(
        "primary_text",
        "Primary text",
        "textarea",
        "The text above the picture: what the service is and who it is for.",
        rows=4,
    ),
    AnswerField("headline", "Headline", "text", "The bold line under the picture."),
    AnswerField(
        "link_description", "Link description", "text", "Optional: a line under the headline."
    ),
    AnswerField(
        "website",
        "Website",
        "text",
        "The page the ad leads to, starting with https://",
        input_type="url",
        autocomplete="url",
    ),
    AnswerField(
        "call_to_action",
        "Button",
        "select",
        "What people should do next.",
        tuple((c, c) for c in CALLS_TO_ACTION),
    ),
)


def describe(params: dict) -> list[str]:
    """The ad's rules, as shown before the learner answers."""
    return [
        "Never assert or ask about the viewer's health, body or other personal attributes: "
        "Meta refuses ads such as 'Are you diabetic?' or 'Struggling with your weight?'. "
        "Describe the service instead.",
        "No before-and-after claims, promised results or appeals to a negative self-image.",
        f"Meta recommends at most {limits.FACEBOOK_AD_PRIMARY_TEXT_ADVISED} characters of "
        f"primary text, {limits.FACEBOOK_AD_HEADLINE_ADVISED} of headline and "
        f"{limits.FACEBOOK_AD_LINK_DESCRIPTION_ADVISED} of link description; longer text is "
        "cut off on phones.",
        f"Link to a https:// page of your organisation's site ({params['organisation_domain']}).",
        "Pick a button from Meta's list.",
        "Leave out anything that could identify a patient.",
    ]


def _advised(text: str, field: str, what: str, limit: int, code: str) -> list[Finding]:
    length = len(text.strip())
    if length <= limit:
        return []
    return [
        warning(
            code,
            field,
            f"{what} is {length} characters; Meta recommends at most {limit}, or it is cut off "
            "with 'See more' on phones. Put what matters first.",
        )
    ]


def _hint(condition: str) -> str:
    service = _CONDITIONS.get(condition.lower().strip(), "our service")
    return (
        f"Describe the service, not the reader: e.g. 'Free {service} sessions at our clinic "
        "this spring. Book a place.'"
    )


def _content(text: str, field: str, label: str) -> list[Finding]:
    out = []
    for m in _PERSONAL.finditer(text):
        condition = next((g for g in m.groups() if g), "")
        phrase = " ".join(m.group(0).split()).strip(" .!?")
        out.append(
            error(
                "ad_personal_attribute",
                field,
                f"'{phrase}' in {label} asserts or asks about the viewer's health or another "
                "personal attribute; Meta's Advertising Standards refuse such ads, because they "
                f"imply you know something personal about whoever sees them. {_hint(condition)}",
            )
        )
        break
    before_after = _BEFORE_AFTER.search(text)
    if before_after:
        out.append(
            error(
                "ad_before_after",
                field,
                f"'{' '.join(before_after.group(0).split())}' in {label} is a before-and-after "
                "or promised-result claim, which Meta does not allow in health ads. Say what the "
                "service offers, not what the viewer's body will become.",
            )
        )
    self_image = _SELF_IMAGE.search(text)
    if self_image:
        out.append(
            error(
                "ad_negative_self_image",
                field,
                f"'{' '.join(self_image.group(0).split())}' in {label} plays on a negative "
                "self-image, which Meta does not allow. Speak positively about the service.",
            )
        )
    return out


def _website(text: str, params: dict) -> list[Finding]:
    w = text.strip()
    if not w:
        return [error("ad_website_missing", "website", "Give the page the ad leads to.")]
    parts = urlsplit(w) if "://" in w else None
    host = (parts.hostname or "") if parts else ""
    if parts is None or parts.scheme.lower() not in ("http", "https") or not is_domain(host):
        return [
            error(
                "ad_website_invalid",
                "website",
                f"Give the full address of the page, starting with https://, e.g. "
                f"https://{params['organisation_domain']}/flu.",
            )
        ]
    out = []
    if parts.scheme.lower() != "https":
        out.append(
            error(
                "ad_website_not_https",
                "website",
                "Use https:// instead of http://: browsers warn visitors away from pages "
                "without it.",
            )
        )
    if not host_matches(host, params["organisation_domain"]):
        out.append(
            warning(
                "ad_website_other_domain",
                "website",
                "The ad leads away from your organisation's site "
                f"({params['organisation_domain']}). Make sure the page is yours or an official "
                "source.",
            )
        )
    return out


def validate(answer, params: dict) -> list[Finding]:
    """Check an ad's text against Meta's standards and recommendations.

    Answer: `{"primary_text", "headline", "link_description", "website", "call_to_action"}`,
    all text. Errors: ad_primary_text_empty, ad_headline_empty, ad_website_missing,
    ad_website_invalid, ad_website_not_https, ad_call_to_action_invalid,
    ad_personal_attribute, ad_before_after, ad_negative_self_image, phi_<kind>. Warnings:
    ad_primary_text_long, ad_headline_long, ad_link_description_long, ad_website_other_domain.
    """
    values, out = {}, []
    for spec in FIELDS:
        values[spec.name], problems = read_text(answer, spec.name, spec.label)
        out += problems
    if not values["primary_text"].strip():
        out.append(
            error(
                "ad_primary_text_empty",
                "primary_text",
                "Write the primary text: what the service is and who it is for.",
            )
        )
    if not values["headline"].strip():
        out.append(
            error("ad_headline_empty", "headline", "Write a headline, e.g. 'Flu shots, walk in'.")
        )
    out += _advised(
        values["primary_text"],
        "primary_text",
        "The primary text",
        limits.FACEBOOK_AD_PRIMARY_TEXT_ADVISED,
        "ad_primary_text_long",
    )
    out += _advised(
        values["headline"],
        "headline",
        "The headline",
        limits.FACEBOOK_AD_HEADLINE_ADVISED,
        "ad_headline_long",
    )
    out += _advised(
        values["link_description"],
        "link_description",
        "The link description",
        limits.FACEBOOK_AD_LINK_DESCRIPTION_ADVISED,
        "ad_link_description_long",
    )
    for name, label in _TEXT_FIELDS:
        out += _content(values[name], name, label)
    out += _website(values["website"], params)
    if values["call_to_action"].strip() not in CALLS_TO_ACTION:
        out.append(
            error(
                "ad_call_to_action_invalid",
                "call_to_action",
                "Pick a button from the list, e.g. 'Book Now' or 'Learn More'.",
            )
        )
    for name, label in _TEXT_FIELDS:
        out += phi_findings(
            values[name], name, label, organisation_domain=params["organisation_domain"]
        )
    return out
