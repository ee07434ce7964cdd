"""Given names and surnames, to tell a person's name from other capitalised words, offline.

Source: the person lists of the `faker` package (MIT License, https://github.com/joke2k/faker),
one per locale, read from the installed package at first use: `first_names*` and `last_names`
of every `faker.providers.person.<locale>.Provider`. Faker compiles them from public
statistics, for example the US Social Security Administration's baby names (en_US given
names), the US Census Bureau's most common surnames (en_US) and the Office for National
Statistics' baby names (en_GB); its 80-odd locales bring the names of the people a hospital in
an English-speaking country cares for (Kowalski, Okafor, Nguyen, Sato, ...). Only names
written in Latin letters are kept, since the check reads English posts.

Common English words that are also names ("Will", "May", "Hope", "Young", "Ward") are
ambiguous: a caller needs more evidence than the word itself. They are the 971 common words of
faker's English word list (`faker.providers.lorem.en_US`, compiled from lists of the most
common English words), the words in name_words.txt beside this file (names that are also
dictionary words; how it was made is at its top) and HOSPITAL_WORDS below, which a hospital post
capitalises often (our own list, U). Loading costs about a quarter of a second once per process.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import faker.providers.person
from faker.providers.lorem.en_US import Provider as EnglishWords

_LATIN_NAME = re.compile(r"^[A-Za-z\u00c0-\u024f][A-Za-z\u00c0-\u024f'’-]+$")

#: Names that are just as often an ordinary capitalised word in a hospital post: months and
#: days, seasons and virtues, trades, places in a hospital, eponymous conditions, titles.
HOSPITAL_WORDS = frozenset(
    str.split(
        """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today tonight spring summer
    autumn fall winter easter christmas valentine halloween grace faith hope joy love mercy
    charity patience honor honour glory liberty destiny harmony bliss dawn sky river brook
    rain storm star sunny happy sad merry lucky baker porter cook chase ward bay bed room
    suite theatre unit wing block floor house lodge hall court royal saint general major
    sister doctor nurse matron captain master bishop dean deacon bell burns graves addison
    parkinson crohn down lyme hodgkin cushing huntington tourette asperger kawasaki wilson
    bright paget raynaud bell's kidney heart liver lung brain bone blood north south east
    west central mount lake
    """
    )
)


@dataclass(frozen=True)
class NameLists:
    """The sets the PHI check reads, all lower-cased."""

    given: frozenset[str]
    surnames: frozenset[str]
    ambiguous: frozenset[str]

    def is_given(self, word: str) -> bool:
        """True for a given name (any locale), ambiguous ones included."""
        return word.lower() in self.given

    def is_surname(self, word: str) -> bool:
        """True for a surname (any locale), ambiguous ones included."""
        return word.lower() in self.surnames

    def is_name(self, word: str) -> bool:
        """True for a given name or a surname."""
        word = word.lower()
        return word in self.given or word in self.surnames

    def is_ambiguous(self, word: str) -> bool:
        """True for a word that is as often an ordinary word as a name."""
        return word.lower() in self.ambiguous


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        value = list(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [v for v in value if isinstance(v, str)]
    return []


@cache
def name_lists() -> NameLists:
    """The name lists, read from faker's person providers once per process."""
    person = faker.providers.person
    given: set[str] = set()
    surnames: set[str] = set()
    for locale in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{locale.name}").Provider
        attributes = vars(provider)
        for name in ("first_names", "first_names_male", "first_names_female"):
            given.update(_strings(attributes.get(name)))
        surnames.update(_strings(attributes.get("last_names")))
    common = {w.lower() for w in EnglishWords.word_list}
    text = (Path(__file__).parent / "name_words.txt").read_text(encoding="utf-8")
    common |= {line.strip() for line in text.splitlines() if line.strip()[:1].isalpha()}
    return NameLists(
        given=frozenset(n.lower() for n in given if _LATIN_NAME.match(n)),
        surnames=frozenset(n.lower() for n in surnames if _LATIN_NAME.match(n)),
        ambiguous=frozenset(common | set(HOSPITAL_WORDS)),
    )
