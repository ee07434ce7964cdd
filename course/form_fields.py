"""What the areas' forms share: a list of checkboxes, select choices, an optional whole number."""

from wtforms import SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def select_choices(pairs) -> list[SelectChoice]:
    """WTForms 3.3 wants SelectChoice objects; values are strings, "" for "all"."""
    return [SelectChoice("" if value is None else str(value), label) for value, label in pairs]


def int_or_none(value):
    """A select's value as a whole number, None for the empty "all" choice."""
    if value in (None, "", "None"):
        return None
    return int(value)
