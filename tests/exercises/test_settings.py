"""Every exercise parameter is described for people, and its form text converts back."""

import pytest

from course.exercises import KINDS
from course.exercises.limits import PLATFORM_LABELS, PLATFORMS
from course.exercises.params import (
    CHECKERS,
    INPUTS,
    SETTINGS,
    changed_params,
    check_params,
    read_settings,
    setting_text,
    setting_value,
)

PARAMETERS = sorted({(kind, name) for kind, k in KINDS.items() for name in k.defaults})


@pytest.mark.parametrize(("kind", "name"), PARAMETERS)
def test_every_parameter_of_every_kind_is_described(kind, name):
    assert name in SETTINGS, f"{kind}'s parameter {name!r} has no entry in params.SETTINGS"
    setting = SETTINGS[name]
    assert setting.label.strip()
    assert setting.help.strip().endswith(".")
    assert setting.input in INPUTS


def test_descriptions_and_checkers_cover_the_same_parameters():
    assert set(SETTINGS) == set(CHECKERS)


@pytest.mark.parametrize("name", [n for n, s in SETTINGS.items() if s.input == "count"])
def test_a_count_minimum_is_the_checkers(name):
    minimum = SETTINGS[name].minimum
    assert CHECKERS[name](name, minimum) == []
    assert CHECKERS[name](name, minimum - 1) != []


def test_lists_say_how_to_separate_entries():
    for setting in SETTINGS.values():
        if setting.input in ("hashtags", "domains", "names"):
            assert "commas or new lines" in setting.help


def test_platforms_have_labels():
    assert set(PLATFORM_LABELS) == set(PLATFORMS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_defaults_survive_the_form_unchanged(kind):
    defaults = KINDS[kind].defaults
    typed = {name: setting_text(name, value) for name, value in defaults.items()}
    values, findings = read_settings(defaults, typed)
    assert findings == []
    assert values == dict(defaults)
    assert changed_params(defaults, values) == {}


@pytest.mark.parametrize(
    ("name", "typed", "value"),
    [
        ("min_hashtags", " 2 ", 2),
        ("min_hashtags", "two", "two"),
        ("min_hashtags", "2.5", "2.5"),
        ("max_hashtags", "-3", -3),
        ("max_hashtags", "", ""),
        ("require_link", "y", True),
        ("require_link", False, False),
        ("required_hashtags", "#FluShot, Vaccines\n\n#1,", ["#FluShot", "Vaccines", "#1"]),
        ("required_hashtags", "  ", []),
        ("official_domains", "CDC.gov\r\nwho.int", ["cdc.gov", "who.int"]),
        ("categories", "Dentist & Dental Office\nPharmacy / Drugstore", ["Dentist & Dental Office",
                                                                        "Pharmacy / Drugstore"]),
        ("organisation_domain", " Clinic.ORG ", "clinic.org"),
        ("country", "gb", "GB"),
        ("platform", "linkedin", "linkedin"),
    ],
)  # fmt: skip
def test_typed_text_becomes_a_parameter_value(name, typed, value):
    assert setting_value(name, typed) == value


def test_findings_name_the_input_by_its_label_and_field_by_the_parameter():
    defaults = KINDS["post"].defaults
    _, findings = read_settings(defaults, {"min_hashtags": "4", "max_hashtags": "2"})
    assert [(f.field, f.message) for f in findings] == [
        ("min_hashtags", "Fewest hashtags (4) is more than Most hashtags (2).")
    ]
    # Without labels, check_params words its findings as before (module import, API).
    assert check_params(defaults, {"min_hashtags": 4, "max_hashtags": 2})[0].message == (
        "min_hashtags (4) is more than max_hashtags (2)."
    )
    assert check_params(defaults, {"max_hashtags": "x"})[0].message == (
        "max_hashtags must be a positive whole number."
    )


def test_changed_params_keeps_only_differences():
    defaults = KINDS["post"].defaults
    values = dict(defaults) | {"platform": "facebook", "required_hashtags": ["FluShot"]}
    assert changed_params(defaults, values) == {
        "platform": "facebook",
        "required_hashtags": ["FluShot"],
    }
