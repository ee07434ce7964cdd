"""Patients named in a post: a person's name in a clinical context, not a colleague's.

How it decides, sentence by sentence:

1. **Is the context clinical?** Words for diagnoses, procedures, treatments, wards, bays,
   beds, rooms, patients, admissions, births and deaths, in any capitalisation, in the name's
   sentence or in the next one when it goes on about the same person ("He ...", "Born ...").
2. **Is it a person's name?** A run of capitalised words is a name when a title introduces
   it (Mr, Mrs, Ms, Miss, Mx), when a patient word does ("patient Jones", "baby Ava", "our
   resident Edith"), when it holds a given name from the name lists (person_names: faker's
   per-locale lists), or a given name and another capitalised word ("Kevin Mbeki"), or when it
   names a family ("the Novak family"). Words that are as often ordinary words ("Will", "May",
   "Grace") need a second name word, a title, or a bed or a ward right after them ("Bill on
   ward 6"). A sentence written all in small letters or all in capitals is read the same way,
   with a given name and a surname from the lists.
3. **Is it a colleague, a guest or a supporter instead?** A staff title (Dr, Nurse,
   Professor, ...) or a role next to the name ("our head of nursing Ms Y", "Jamal, our physio",
   "Olivia from the labour ward team", "Nurse of the Year Z"), a staff act ("Hannah operated
   together with..."), or a sentence about work, awards, talks or fundraising ("joins our
   team", "a lecture by", "raised £2,000"), unless something ties the name to care ("Mr Patel
   in bay 3", "operated on Hannah", "Lucy's MRI came back clear").

Names of places and organisations ("St Mary's Hospital", "the Novak Foundation", "Parkinson's
disease") are not people. Everything works on words looked up in sets, so a post costs well under
a millisecond.
"""

from __future__ import annotations

import re

from .person_names import NameLists, name_lists

_I = re.IGNORECASE

# A word: letters with inner apostrophes (O'Brien) and hyphens (Smith-Jones, x-ray); a
# possessive 's is left out. A "&" keeps "A&E" whole.
_WORD = re.compile(r"[^\W\d_]+(?:['’](?![sS]\b)[^\W\d_]+)*(?:[-&][^\W\d_]+)*")


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


TITLES = _words("mr mrs ms miss mx master mister madam")
STAFF_TITLES = _words(
    """dr doctor nurse sister matron prof professor midwife rev reverend father chaplain captain
    capt sir dame lord cllr councillor mayor sen senator rep president coach chef officer sgt
    sergeant consultant surgeon physio porter pastor rabbi imam"""
)
PATIENT_WORDS = _words(
    """patient patients pt baby babies resident client newborn infant toddler little wee brave
    grandad granddad grandpa grandma granny nan nana grandmother grandfather twins lad lass"""
)
#: Roles, teams and bodies that make the person named next to them a colleague, a guest or a
#: supporter.
ROLE_WORDS = _words(
    """nurse nurses nursing doctor doctors physician surgeon consultant registrar midwife midwives
    midwifery physio physiotherapist therapist pharmacist paramedic porter chaplain volunteer
    volunteers manager director lead head chief executive ceo matron sister student trainee
    apprentice intern colleague colleagues team staff receptionist administrator coordinator
    secretary hca hcas assistant technician radiographer sonographer dietitian dietician cleaner
    housekeeper specialist practitioner worker officer governor trustee speaker lecturer
    professor author guest host presenter chair chairman chairwoman president founder ambassador
    champion fundraiser donor supporter sponsor mayor councillor mp medic fy1 fy2 gp rn np md
    scientist researcher educator tutor mentor caterer pharmacy estates catering finance hr it
    reception radiology department committee board charity trust foundation council school
    university college club church office wi league society anaesthetist
    anesthetist optometrist dentist hygienist carer carers psychologist psychiatrist counsellor
    counselor clinician employee player choir band clerk housekeeping"""
)
# Words that end a run of capitalised words as the name of a place or an organisation.
INSTITUTIONS = _words(
    """hospital hospitals clinic clinics centre center foundation trust institute university
    college school academy hospice house home homes memorial ward wing unit building lodge hall
    court road street avenue lane way park square fund prize award awards lecture library suite
    theatre room garden gardens disease syndrome palsy lymphoma sarcoma test scale score method
    manoeuvre maneuver procedure sign law medical health healthcare care surgery practice
    pharmacy society association charity council church chapel cathedral station airport county
    city town village valley bridge river lake mount group team network partnership alliance
    service services nhs campus site day week month year appeal run marathon walk"""
)
BEFORE_INSTITUTION = _words("st saint mount mt lake fort port royal")
#: Words of INSTITUTIONS that are common surnames too: after a given name, a person.
SURNAME_PLACES = _words("park hall court lane house")
#: Organisations named after people, or whose names read like one, that health posts cite
#: often (our own list, U).
ORGANISATIONS = frozenset(
    tuple(name.split())
    for name in (
        "johns hopkins", "marie curie", "florence nightingale", "great ormond street",
        "kaiser permanente", "sue ryder", "red cross", "mount sinai", "cleveland clinic",
        "mayo clinic", "macmillan", "st john", "st johns", "barnardo's", "cancer research",
        "age uk", "mind", "samaritans", "guy's", "st thomas", "st thomas'", "addenbrooke's",
        "alder hey", "moorfields", "papworth", "royal marsden", "christie", "maggie's",
        "ronald mcdonald", "make-a-wish", "teenage cancer trust", "facebook", "instagram",
        "linkedin", "tiktok", "youtube", "twitter", "whatsapp", "google", "microsoft", "apple",
    )
)  # fmt: skip
#: Capitalised words that open a sentence or a greeting and are no names.
FUNCTION_WORDS = _words(
    """a an the and or but of in on at to for with from by our my your his her their its we i
    you he she they it this that these those is was are be been so as if not no yes all every
    each some any who what when where why how please thanks thank happy congrats
    congratulations welcome prayers wishing update meet visited lovely sad news huge shout out
    sending big hats off get well soon join free celebrating today tonight yesterday tomorrow
    rip love proud great good best new first last next just still after before during while
    about over under up down into hello hi hey dear done amazing brilliant fantastic reminder
    note fyi psa breaking urgent important attention"""
)

# --- clinical context: words looked up in sets ----------------------------------------------
CLINICAL_WORDS = _words(
    """patient patients bed beds bay bays room cubicle ward wards suite theatre resus icu nicu
    picu hdu ccu emergency triage admitted admission admit readmitted discharge discharged
    transferred hospitalised hospitalized diagnosis diagnosed prognosis condition symptoms
    symptom surgery surgical operated operation operations procedure transplant bypass stent
    implant amputation amputated replacement biopsy scan scans mri x-ray xray ultrasound bloods
    results stitches sutures cast plaster chemo chemotherapy radiotherapy dialysis ventilator
    ventilated intubated sedated oxygen coma treated treatment therapy rehab rehabilitation physio
    medication meds prescribed prescription antibiotics insulin infusion drip transfusion
    recovery recovering recovered recover prayers prayer praying pray fighting fights battling
    battle brave survivor remission relapse terminal palliative hospice died death passed rip
    deceased stillborn stillbirth miscarriage miscarried born birth newborn labour labor
    delivered delivery c-section caesarean cesarean epidural pregnant pregnancy premature
    preemie baby babies twins maternity stroke cardiac arrest cancer tumour tumor tumours
    leukaemia leukemia lymphoma sepsis septic pneumonia covid flu influenza infection
    meningitis fracture fractured broke broken fall fell injury injured injuries wound burns
    crash overdose seizure diabetes diabetic asthma dementia alzheimer's alzheimers parkinson's
    copd kidney renal liver lung heart appendicitis uti dehydrated dehydration hypothermia
    concussion bleed bleeding haemorrhage hemorrhage anaemia anemia jaundice neonatal paediatric
    pediatric oncology cardiology neurology orthopaedic orthopedic urology respiratory critical
    stable unwell sick ill illness poorly pain breathless unconscious resuscitated resuscitation
    cpr sedation anaesthetic anesthetic wheelchair crutches bedside visiting visitors obs vitals
    kg lb lbs weighing weighed tonsils tonsillectomy appendectomy gp cataract cataracts
    glaucoma hernia gallstones ulcer ulcers shingles measles mumps chickenpox croup rsv
    norovirus mrsa dvt embolism clot aneurysm angina arrhythmia afib pacemaker epilepsy
    lupus autism adhd depression anxiety psychosis schizophrenia bipolar eating disorder
    anorexia bulimia hiv aids hepatitis tb tuberculosis malaria cholera ebola mpox sickle
    scoliosis dialysis catheter stoma tracheostomy cpap nebuliser nebulizer inhaler insulin"""
)
CLINICAL_PREFIXES = tuple(
    sorted(
        _words(
            """
    chemo diagnos hospitali recover resuscitat anaesthe anesthe fractur pregnan miscarr
    transfus intubat sedat ventilat rehab dehydrat hypotherm haemorrh hemorrh
            """
        )
    )
)
CLINICAL_SUFFIXES = tuple(
    sorted(_words("ectomy otomy ostomy oscopy plasty itis osis aemia emia pathy"))
)
#: Pairs of words that make the context clinical together.
CLINICAL_PAIRS = frozenset(
    tuple(p.split())
    for p in (
        "side room", "heart attack", "passed away", "in hospital", "came in", "brought in",
        "rushed in", "get well", "intensive care", "end of", "chest pain", "code blue",
        "high dependency", "speedy recovery", "lost her", "lost his", "gave birth",
        "went home", "sent home", "care home",
    )
)  # fmt: skip
#: Capitalised acronyms that are clinical only in capitals ("ER", not "er").
CLINICAL_ACRONYMS = _words("ER ED A&E MS ALS MND IV CT OP ICU GP")

# --- work, awards, talks, fundraising ---------------------------------------------------------
STAFF_CONTEXT_WORDS = _words(
    """join joins joined joining retire retires retired retiring retirement promoted promotion
    award awards awarded win wins won winner nominated nomination graduated graduation qualified
    qualifies appointed hired recruited recruiting shift shifts rota lecture lectures talk talks
    keynote webinar seminar conference speaker presents presented presenting presentation
    workshop course training teach teaches teaching taught research researching published paper
    book interview podcast raised raising donated donating donation donations fundraiser
    fundraising funded funding marathon sponsored sponsor sponsoring volunteer volunteers
    volunteered volunteering charity farewell anniversary colleague colleagues staff team
    explains explained tips led leads runs ran hosted hosting chairs opened unveiled launched
    launches exams exam studies studying placement rotation induction event events covering
    cover covers"""
)
STAFF_CONTEXT_PAIRS = frozenset(
    tuple(p.split())
    for p in (
        "new job", "new role", "new post", "new position", "leaves our", "leaves the",
        "day off", "years of", "as our", "years as", "open day", "open evening",
    )
)  # fmt: skip
_EVENT_WORDS = _words(
    """talk talks lecture lectures webinar webinars seminar seminars course training conference
    keynote workshop workshops session sessions class classes presentation podcast interview
    video videos film teaching guide article blog paper book research study"""
)

_POSSESSIVE_CARE = re.compile(
    r"^['’]s\s+(?:\w+\s+)?(?:surgery|mri|scan|results?|biopsy|diagnosis|recovery|treatment"
    r"|chemo\w*|operation|x-?ray|bloods|transplant|stitches|labou?r|birth|baby|cancer|stroke"
    r"|condition|family\s*,?\s+who|wife|husband|mum|mom|dad|son|daughter|partner)\b",
    _I,
)
_TIE_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:\(?\s*(?:\d{1,3}|aged\s+\d{1,3})\s*\)?\s*,?\s*)?"
    r"(?:(?:is|was|has|had|got|went|came|who|now|still|remains?|being|been|just|finally)\s+)*"
    r"(?:(?:in|on|from|at)\s+(?:the\s+)?(?:bed|bay|room|side\s+room|cubicle|suite|ward"
    r"|icu|nicu|picu|hdu|resus|a&e|er|theatre|hospice|intensive\s+care)\b"
    r"|admitted|discharged|diagnosed|treated\s+for|transferred|moved\s+to|rushed|intubated"
    r"|sedated|recovering|recovered|passed\s+away|died|fell|had\s+(?:a|an|his|her|their)\s+"
    r"|broke|beat|fights|fighting|battling|underwent|arrived|born|went\s+into\s+labou?r"
    r"|delivered\s+(?:a|her|their)\s+baby|miscarried|coded|tested\s+positive|came\s+in\s+with"
    r"|brought\s+in|is\s+home\s+after|back\s+on\s+(?:his|her|their)\s+feet|out\s+of"
    r"\s+(?:theatre|surgery|icu|hospital)|still\s+in|in\s+a\s+coma|lost\s+(?:her|his|their)"
    r"\s+baby|gave\s+birth|delivered\s+(?:twins|triplets|a\s+boy|a\s+girl|a\s+baby)"
    r"|(?:the|our)\s+(?:\w+\s+){0,2}(?:in|on|from)\s+(?:bed|bay|room|side\s+room|cubicle)\b)",
    _I,
)
_TIE_BEFORE = re.compile(
    r"\b(?:operated\s+on|treated|admitted|discharged|visited|saw|nursed|prayers?\s+for"
    r"|praying\s+for|pray\s+for|thinking\s+of|get\s+well\s+soon|speedy\s+recovery\s+to"
    r"|rip|condolences\s+to|love\s+to|wishing|update\s+on|news\s+of|welcome\s+to\s+the\s+world"
    r"|little|baby|patient|our\s+brave|brave\s+little)\W*(?:the\s+)?$",
    _I,
)
# A role right after the name: "Jamal, our physio", "Olivia from the labour ward team".
_ROLE_AFTER = re.compile(
    r"^(?:['’]s)?\s*(?:,|\(|-|–|from|of|at|and|with|who\s+(?:leads|heads|runs|manages"
    r"|joins|leaves|works|teaches|helps|is\s+our|was\s+our))\s*(?:our|the|their|his|her|a|an)?"
    r"\s*(?:new\s+|own\s+|lovely\s+|wonderful\s+|amazing\s+|fantastic\s+|brilliant\s+"
    r"|long-serving\s+|senior\s+|junior\s+|lead\s+|head\s+)?(?P<role>[\w&'’ -]{0,40})",
    _I,
)
# "Barry this week - our COPD nurse": a role soon after the name.
_OUR_ROLE = re.compile(r"\bour\s+(?P<role>(?:[\w&'’-]+\s+){0,2}[\w&'’-]+)", _I)
_STAFF_AFTER = re.compile(
    r"^\s*(?:and\s+(?:Dr|Nurse|Prof|Professor|Sister)\b|(?:operated|performed|led|leads|runs"
    r"|ran|taught|teaches|presented|presents|explains|shares|helps|fixed|did\s+(?:his|her"
    r"|their)\s+first|delivered\s+(?:a\s+talk|the|\d+)|joins|joined|starts|retires|won|wins"
    r"|raised|organised|organized|hosted|spoke|speaks|will\s+speak|is\s+speaking"
    r"|thanks\s+the)\b)",
    _I,
)
_STAFF_NAME_BEFORE = re.compile(
    r"\b(?:Dr|Doctor|Nurse|Prof|Professor|Sister|Matron)\.?\s+[A-Z][\w'’-]+\s+(?:and|&)\s*$"
)
_SUPPORTER_BEFORE = re.compile(
    r"\b(?:thank(?:\s+you)?(?:\s+to)?|thanks(?:\s+to)?|huge\s+thanks\s+to)\s+(?:(?:mr|mrs|ms|miss|mx)\.?\s+)?$",
    _I,
)
# A relative's care told next to the name: "so glad your husband's scan was clear".
_RELATIVE_CARE = re.compile(
    r"\b(?:your|his|her|their)\s+(?:husband|wife|partner|son|daughter|mum|mom|dad|father"
    r"|mother|baby|child|grandson|granddaughter|brother|sister|nan|grandad)['’]s\s+(?:\w+\s+)?"
    r"(?:scan|surgery|operation|results?|biopsy|diagnosis|recovery|treatment|cancer|stroke"
    r"|chemo|transplant|tests?|condition|birth|labou?r)\b",
    _I,
)
# A unit named after the name says where a colleague works as well as where a patient lies.
_UNIT_TIE = re.compile(
    r"^\s*(?:,\s*)?(?:(?:is|was|still|now)\s+)*(?:in|on|at)\s+(?:the\s+)?(?:suite|ward|icu|nicu"
    r"|picu|hdu|resus|a&e|er|theatre|hospice|intensive\s+care)\b",
    _I,
)
_FAMILY_AFTER = re.compile(r"^\s+(?:family|family's|twins|household|kids|children)\b", _I)
_PATIENT_BEFORE = re.compile(r"\b(?:patient|pt)\s*[,:]?\s*$", _I)
# A next sentence that goes on about the same person: "He ...", "Born ...", "3 months in
# PICU and now ...".
_FOLLOWS_ON = re.compile(
    r"^\W*(?:he|she|they|his|her|their|him|them|born|admitted|discharged|diagnosed|delivered"
    r"|weighing|arrived|passed|now|after|finally|still|back|home|\d)",
    _I,
)
_ABBREVIATIONS = _words("mr mrs ms mx dr st prof no vs etc eg ie approx dept")
_BREAK = re.compile(r"[.!?]+|\n")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence: ends at . ! ? or a line break, not after "Mr." or "3.2"."""
    spans, start = [], 0
    for match in _BREAK.finditer(text):
        end = match.end()
        if match.group(0) != "\n":
            if end < len(text) and not text[end].isspace() and text[end] not in "\"')]”’":
                continue  # "example.org", "3.2kg", "e.g."
            word = re.search(r"(\w+)$", text[max(0, match.start() - 6) : match.start()])
            if (
                match.group(0) == "."
                and word
                and (word.group(1).lower() in _ABBREVIATIONS or len(word.group(1)) == 1)
            ):
                continue  # "Mr.", "J."
        if text[start:end].strip():
            spans.append((start, end))
        start = end
    if text[start:].strip():
        spans.append((start, len(text)))
    return spans


class _Token:
    __slots__ = ("end", "lower", "start", "text")

    def __init__(self, text: str, lower: str, start: int, end: int):
        self.text, self.lower, self.start, self.end = text, lower, start, end


#: Nouns that turn a clinical word before them into the name of a service or an event: "scan
#: department", "surgery teaching", "stroke awareness week".
ORGANISATION_NOUNS = _words(
    """department departments team teams staff service services office reception training
    course video talk lecture awareness campaign week day month appeal fund charity birthday
    anniversary guidance policy clinic clinics conference research study skills admin"""
)


def _clinical(tokens: list[_Token], text: str = "") -> bool:
    previous = ""
    for index, token in enumerate(tokens):
        word = token.lower
        if (
            "-" in word
            and word not in CLINICAL_WORDS
            and _clinical(
                [_Token(part, part, token.start, token.end) for part in word.split("-") if part]
            )
        ):
            return True  # "end-of-treatment", "post-op"
        if (
            (word in CLINICAL_WORDS and token.text not in _ACRONYM_COLLISIONS)
            or token.text in CLINICAL_ACRONYMS
            or word.startswith(CLINICAL_PREFIXES)
            or word.endswith(CLINICAL_SUFFIXES)
            or (previous, word) in CLINICAL_PAIRS
        ):
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            # "chemo day unit" is a service; "chemo day 6" is someone's sixth day.
            if (
                following is None
                or following.lower not in ORGANISATION_NOUNS
                or text[following.end : following.end + 2].strip()[:1].isdigit()
            ):
                return True
        previous = word
    return False


# Capitalised words that look like clinical words but are not: "Ms" is a title.
_ACRONYM_COLLISIONS = frozenset({"Ms", "Op"})


def _staff_context(tokens: list[_Token]) -> bool:
    previous = ""
    for token in tokens:
        if token.lower in STAFF_CONTEXT_WORDS or (previous, token.lower) in STAFF_CONTEXT_PAIRS:
            return True
        previous = token.lower
    return False


def _style(tokens: list[_Token]) -> str:
    """The sentence's style: "normal", "shouting" (all capitals) or "small" (no capital at all).

    In the last two the capitals of a sentence say nothing about its names.
    """
    joined = "".join(t.text for t in tokens)
    if len(joined) < 8:
        return "normal"
    if joined.isupper() or sum(c.isupper() for c in joined) / len(joined) > 0.8:
        return "shouting"
    if not any(t.text[:1].isupper() and not t.text.isupper() for t in tokens):
        return "small"
    return "normal"


class _Sentence:
    def __init__(self, text: str, start: int, end: int, lists: NameLists):
        self.text = text
        self.body = text[start:end]
        self.tokens = [
            _Token(m.group(0), m.group(0).lower(), start + m.start(), start + m.end())
            for m in _WORD.finditer(self.body)
        ]
        self.style = _style(self.tokens)
        self.lists = lists

    def runs(self):
        """Runs of words that could be a name: (index of first token, index after last)."""
        tokens, i, n = self.tokens, 0, len(self.tokens)
        while i < n:
            if not self._could_be_name(i):
                i += 1
                continue
            j = i + 1
            while (
                j < n
                and self._joined(j - 1, j)
                and (
                    self._could_be_name(j)
                    or (self.style != "normal" and self.lists.is_name(tokens[j].lower))
                )
            ):
                j += 1
            yield i, j
            i = j

    def _could_be_name(self, i: int) -> bool:
        token = self.tokens[i]
        if self.style == "normal":
            return token.text[:1].isupper() and not (token.text.isupper() and len(token.text) > 1)
        # All small letters or all capitals: only words from the name lists; an ordinary word
        # only after a title or a patient word, or as a given name before a surname that is no
        # ordinary word ("lily evans").
        lists = self.lists
        if token.lower in FUNCTION_WORDS or not lists.is_name(token.lower):
            return False
        if not lists.is_ambiguous(token.lower):
            return True
        if i > 0 and self.tokens[i - 1].lower in TITLES | PATIENT_WORDS:
            return True
        following = self.tokens[i + 1].lower if i + 1 < len(self.tokens) else ""
        return (
            lists.is_given(token.lower)
            and lists.is_surname(following)
            and not lists.is_ambiguous(following)
            and self._joined(i, i + 1)
        )

    def _joined(self, a: int, b: int) -> bool:
        return self.text[self.tokens[a].end : self.tokens[b].start] in (" ", ". ")


def _is_role(phrase: str) -> bool:
    words = re.findall(r"[\w&'’]+", phrase.lower())[:6]
    return any(w in ROLE_WORDS or w.rstrip("s") in ROLE_WORDS for w in words)


def find_patient_names(text: str, spans: list[tuple[int, int]] | None = None):
    """Spans of `text` that name a patient (see the module's docstring); never raises.

    `spans` are the text's sentences when the caller has them (sentence_spans).
    """
    if not isinstance(text, str) or not text.strip():
        return []
    lists = name_lists()
    spans = sentence_spans(text) if spans is None else spans
    sentences = [_Sentence(text, s, e, lists) for s, e in spans]
    found: list[tuple[int, int]] = []
    for index, sentence in enumerate(sentences):
        clinical = _clinical(sentence.tokens, text)
        if not clinical and index + 1 < len(sentences):
            following = sentences[index + 1]
            clinical = bool(_FOLLOWS_ON.search(following.body)) and _clinical(
                following.tokens, text
            )
        if not clinical:
            continue
        staff_sentence = _staff_context(sentence.tokens)
        for first, last in sentence.runs():
            span = _judge(text, sentence, first, last, staff_sentence)
            if span:
                found.append(span)
    return found


def _judge(text: str, sentence: _Sentence, first: int, last: int, staff_sentence: bool):
    """The span of the run's name when it names a patient, else None."""
    tokens, lists = sentence.tokens, sentence.lists
    run = tokens[first:last]
    before_token = tokens[first - 1].lower if first > 0 else ""
    titled = before_token in TITLES
    title_start = tokens[first - 1].start if titled else None
    patient_word = before_token in PATIENT_WORDS
    # Words before the name inside the run: a title, a patient word, or words that are no
    # names ("Prayers for ...", "Nurse of the Year ...").
    while run:
        word = run[0].lower
        if word in STAFF_TITLES and not (titled or patient_word):
            return None
        if word in TITLES:
            titled, title_start = True, run[0].start
        elif word in PATIENT_WORDS:
            patient_word = True
        elif not (
            word in FUNCTION_WORDS or (lists.is_ambiguous(word) and not lists.is_given(word))
        ):
            break
        run = run[1:]
    if not run:
        return None
    if before_token in STAFF_TITLES and not patient_word:
        return None
    start, end = run[0].start, run[-1].end
    after = text[end : end + 80]
    before = text[max(0, start - 80) : start]
    following = re.match(r"^(?:['’]s)?\s+([\w'’]+)", after)
    # Places and organisations: "St Mary's Hospital", "the Novak Foundation", "Crohn's disease".
    words = tuple(t.lower for t in run)
    if any(words[i : i + len(o)] == o for o in ORGANISATIONS for i in range(len(words))):
        return None
    person_place = (
        len(run) == 2
        and run[-1].lower in SURNAME_PLACES
        and lists.is_given(run[0].lower)
        and not lists.is_ambiguous(run[0].lower)
    )  # "Jenny Park" is a person, "Victoria Ward" a ward
    if (following and following.group(1).lower() in INSTITUTIONS) or (
        run[-1].lower in INSTITUTIONS and not person_place
    ):
        return None
    if before_token in BEFORE_INSTITUTION or run[0].lower in BEFORE_INSTITUTION:
        return None
    if any(_clinical([t]) for t in run) and not (titled or patient_word):
        return None  # "Cardiology", "ICU" or "Stroke" in the run: a unit's name
    patient_word = patient_word or bool(_PATIENT_BEFORE.search(before[-12:]))
    family = bool(re.search(r"\bthe\s*$", before[-6:], _I) and _FAMILY_AFTER.match(after))
    introduced = titled or patient_word or family
    if not _is_a_name(sentence, run, introduced, tie=False, titled=titled):
        tie = bool(_TIE_AFTER.match(after)) or bool(_TIE_BEFORE.search(before))
        if not (tie and _is_a_name(sentence, run, introduced, tie=True, titled=titled)):
            return None
    else:
        tie = None  # worked out below only if needed
    # A colleague, a guest or a supporter.
    if _STAFF_NAME_BEFORE.search(before[-40:]) or _STAFF_AFTER.match(after):
        return None
    role_before = _is_role(" ".join(before.split()[-4:])) and not patient_word
    role_after = _ROLE_AFTER.match(after)
    role_later = _OUR_ROLE.search(after.split(".")[0][:45])
    if (
        role_before
        or (role_after and _is_role(role_after.group("role") or ""))
        or (role_later and _is_role(role_later.group("role")))
    ) and not (
        patient_word
        or re.match(r"^\s*(?:in|on)\s+(?:the\s+)?(?:bed|bay|room|cubicle)\s*\d", after, _I)
    ):
        return None
    supporter = bool(_SUPPORTER_BEFORE.search(before[-40:]))
    if (
        (staff_sentence or supporter)
        and not patient_word
        and not _RELATIVE_CARE.search(sentence.body)
        and not _tied(sentence, before, after, tie, staff_sentence)
    ):
        return None
    return (start if title_start is None else title_start), end


def _tied(
    sentence: _Sentence, before: str, after: str, tie: bool | None, staff_sentence: bool
) -> bool:
    """Whether something ties the name to care ("in bay 3", "operated on", "'s MRI").

    In a sentence about work, a unit alone ("Kayleigh in HDU") is where a colleague works.
    """
    if tie is None or staff_sentence:
        tie = bool(_TIE_AFTER.match(after) and not (staff_sentence and _UNIT_TIE.match(after)))
        tie = tie or bool(_TIE_BEFORE.search(before))
    return tie or (
        bool(_POSSESSIVE_CARE.match(after))
        and not any(t.lower in _EVENT_WORDS for t in sentence.tokens)
    )


def _is_a_name(
    sentence: _Sentence, run: list[_Token], introduced: bool, tie: bool, titled: bool = False
) -> bool:
    """Whether the run of words is a person's name (see the module's docstring, step 2)."""
    lists = sentence.lists
    words = [t.lower for t in run]
    if introduced:
        # "Mr Lee", "baby Ava", "Grandma Rose", "the Novak family"; but not "Patient Safety
        # Week" or "patients said": a word must be a capitalised name or no ordinary word.
        # After a title, any word.
        return (
            titled
            or any(not lists.is_ambiguous(w) for w in words)
            or (sentence.style == "normal" and any(lists.is_name(w) for w in words))
        )
    given = [w for w in words if lists.is_given(w) and not lists.is_ambiguous(w)]
    named = [w for w in words if lists.is_name(w)]
    if sentence.style != "normal":
        return len(run) >= 2 and bool(given) and len(named) >= 2
    if given:
        return True
    if (
        len(run) >= 2
        and lists.is_given(words[0])
        and not all(lists.is_ambiguous(w) for w in words[1:])
    ):
        return True  # "Grace Adeyemi", "April Jones"; not "Facebook Page" or "Red Cross"
    if len(run) >= 2 and named and not all(lists.is_ambiguous(w) for w in words):
        return True
    if len(run) == 2 and lists.is_given(words[0]) and lists.is_surname(words[1]):
        return True  # "Frank Miller", "Mark Hill": a given name and a surname
    # A word tied to care: "Bill on ward 6", "Will had his surgery", or a name the lists do
    # not hold, in the middle of a sentence ("Priyanka who delivered twins").
    return (
        len(run) == 1
        and tie
        and (
            lists.is_given(words[0])
            or (run[0] is not sentence.tokens[0] and not lists.is_ambiguous(words[0]))
        )
    )
