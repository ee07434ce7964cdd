"""What each finding code means, in words that never quote the learner.

A finding's message is written for the learner who typed the answer and may quote it ("This
looks like a patient's name: '...'"). Anyone else (a trainer reading item analysis, an
export of findings across learners) sees the code's description from here instead.
Every code a validator can return has an entry (a test reads the validators' source).
"""

from __future__ import annotations

from .phi import KINDS as PHI_KINDS

#: Codes of the kinds that shipped first (post, page setup, profile, crisis update, live
#: thread) and of the shared answer readers. New kinds keep theirs in their own module.
CODES = {
    # Reading answers
    "field_invalid": "A field held something other than text",
    "field_too_long_to_check": "A field was far too long to check",
    # Posts, replies and captions
    "post_empty": "The text was empty",
    "post_too_long": "The text was over the platform's length limit",
    "post_invalid_character": "The text held an invisible character X rejects",
    "post_invalid": "X would not accept the text",
    "hashtag_truncated": "A hashtag was cut short by a hyphen or other joiner",
    "hashtag_space": "A space after # meant no hashtag",
    "hashtag_no_letter": "A hashtag had no letter (only digits)",
    "hashtag_in_word": "A # was stuck to the word before it",
    "hashtag_too_few": "Fewer hashtags than asked for",
    "hashtag_too_many": "More hashtags than allowed",
    "hashtag_repeated": "The same hashtag twice",
    "hashtag_missing": "A required hashtag was missing",
    "hashtag_case": "A required hashtag was not capitalised as shown",
    "official_source_missing": "No link to an official source",
    "link_missing": "No link",
    # Crisis update
    "crisis_what_missing": "Did not say what happened",
    "crisis_where_missing": "Did not say where",
    "crisis_action_missing": "Did not say what people should do",
    # Live thread
    "thread_too_short": "Fewer posts than asked for",
    "thread_too_long": "More posts than allowed",
    "thread_not_numbered": "The thread was not numbered or marked",
    "thread_numbering_inconsistent": "A post's number did not follow the others",
    "thread_total_wrong": "The numbering's total did not match the number of posts",
    # LinkedIn profile
    "headline_empty": "No headline",
    "headline_too_long": "The headline was over LinkedIn's limit",
    "about_too_long": "The About text was over the platform's limit",
    "about_preview": "The About section's opening may be cut at 'see more'",
    "about_too_short": "The About section was too short",
    "role_missing": "No role given",
    "specialty_missing": "No specialty given",
    "role_not_in_headline": "The headline did not name the role",
    "specialty_not_in_headline": "The headline did not name the specialty",
    # Facebook Page
    "name_empty": "No Page name",
    "name_too_long": "The Page name was too long",
    "name_symbols": "Symbols in the Page name",
    "name_repeated_punctuation": "Repeated punctuation in the Page name",
    "name_capitals": "Capitals in the Page name beyond acronyms",
    "name_facebook": "'Facebook' or a variation in the Page name",
    "name_misleading": "A misleading word such as 'official' in the Page name",
    "name_generic": "The Page name was only a generic word",
    "name_parentheses": "More than 2 words in parentheses in the Page name",
    "category_invalid": "No category from the list",
    "username_empty": "No username",
    "username_characters": "Characters other than letters, digits and periods in the username",
    "username_too_short": "The username was too short",
    "username_too_long": "The username was too long",
    "username_extension": "An ending such as .com in the username",
    "username_facebook": "The word 'facebook' in the username",
    "about_empty": "No About text",
    "website_missing": "No website",
    "website_invalid": "The website was not a full address",
    "website_host": "The website's host name was not valid",
    "website_not_https": "The website used http:// instead of https://",
    "phone_missing": "No phone number",
    "phone_invalid": "The phone number does not work in the exercise's country",
    "phone_other_country": "The phone number is in another country than the Page's",
    "address_missing": "No street address",
    "address_incomplete": "The address lacked the building number or the town",
    "address_postal_code": "The address lacked its postal code",
    "hours_missing": "No opening hours",
    "hours_impossible_time": "An opening time that is not a time of day",
    "hours_empty_range": "Opening hours that open and close at the same time",
    "hours_days_missing": "Opening hours without days",
    "hours_times_missing": "Opening hours without times",
    "note_missing": "No note for visitors",
    "note_no_phi_missing": "The note did not ask visitors to keep health details off the Page",
    "note_private_contact_missing": "The note gave no private way to reach the clinic",
    "note_emergency_missing": "The note did not say what to do in an emergency",
    "note_emergency_number": "The note gave another country's emergency number",
    "email_missing": "No email address",
    "email_invalid": "The email address was not valid",
    "call_to_action_invalid": "No button from the list",
}

#: "phi_<kind>" codes: what the PHI check found, never the excerpt.
PHI_CODES = {
    f"phi_{kind}": f"Looks like patient information: {what}" for kind, what in PHI_KINDS.items()
}


def describe_code(code: str, catalogue=CODES) -> str:
    """A sentence naming what the finding `code` is about; never echoes an answer.

    An unknown code (one a newer validator added) is shown as its words, capitalised.
    """
    if not isinstance(code, str) or not code:
        return "A finding"
    if code in catalogue:
        return catalogue[code]
    if code in PHI_CODES:
        return PHI_CODES[code]
    if code.startswith("phi_"):
        return "Looks like patient information"
    return code.replace("_", " ").capitalize()
