"""The answer fields of an exercise kind, described well enough to build its form generically.

A field's `name` is a path into the answer: `text`, `posts` (a list), or `mentions[2].reply`
(the `reply` of the third item of the list `mentions`). Findings name the path they concern,
so the page shows each next to its input; `form_name` turns a path into the name of the form
input (`mentions-2-reply`, as WTForms names the fields of a list of forms).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

#: How an answer field is asked for. "posts" is one box per post of a thread.
WIDGETS = ("text", "textarea", "select", "radio", "posts")

#: Items a "posts" answer may hold (answers.read_posts reads no more).
MAX_LIST_ITEMS = 100


@dataclass(frozen=True)
class FieldGroup:
    """Fields shown together in one fieldset, such as one mention of a feed to triage.

    `key` is the path findings about the group as a whole point at. `quote` is a text the
    learner responds to (a review, a mention), shown at the top of the group with its author
    `quote_by` and a line about it, `quote_meta` ("2 of 5 stars"). `columns`: on a wide
    screen the group's fields sit side by side (a choice next to its reply). `about` says
    what the group is for trainers (item analysis), never shown to the learner.
    """

    key: str
    legend: str
    help: str = ""
    quote: str = ""
    quote_by: str = ""
    quote_meta: str = ""
    columns: bool = False
    about: str = ""


@dataclass(frozen=True)
class AnswerField:
    """One answer field.

    `widget` is one of WIDGETS; `choices` are (value, label) pairs for "select" and "radio";
    `input_type` ("url", "email", "tel") and `autocomplete` refine a "text" input; `rows` sizes
    a textarea; fields with the same `group` are shown together.
    """

    name: str
    label: str
    widget: str = "text"
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    input_type: str = ""
    autocomplete: str = ""
    rows: int = 0
    group: FieldGroup | None = None


_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def path_steps(path: str) -> list[str | int]:
    """`mentions[2].reply` -> ["mentions", 2, "reply"]."""
    return [int(index) if index else name for name, index in _STEP.findall(path)]


def form_name(path: str | None) -> str | None:
    """The form input for a field path: `posts[2]` -> `posts-2`, `a[1].b` -> `a-1-b`."""
    if path is None:
        return None
    return "-".join(str(step) for step in path_steps(path))


def build_answer(values: Mapping[str, object]) -> dict:
    """An answer from field path -> value: `{"m[0].a": "x"}` -> `{"m": [{"a": "x"}]}`.

    List items missing between indices are filled with empty mappings, so positions keep
    their meaning.
    """
    answer: dict = {}
    for path, value in values.items():
        steps = path_steps(path)
        node: dict | list = answer
        for step, following in zip(steps, steps[1:], strict=False):
            empty = [] if isinstance(following, int) else {}
            if isinstance(step, int):
                while len(node) <= step:
                    node.append({} if isinstance(empty, dict) else [])
                node = node[step]
            else:
                node = node.setdefault(step, empty)
        last = steps[-1]
        if isinstance(last, int):
            while len(node) <= last:
                node.append("")
            node[last] = value
        else:
            node[last] = value
    return answer


def field_paths(fields) -> set[str]:
    """Every path a finding may name for these fields.

    That is the fields, their groups, and each item of a "posts" list.
    """
    paths: set[str] = set()
    for spec in fields:
        paths.add(spec.name)
        if spec.group is not None:
            paths.add(spec.group.key)
        if spec.widget == "posts":
            paths.update(f"{spec.name}[{i}]" for i in range(MAX_LIST_ITEMS))
    return paths


def field_label(fields, path: str | None) -> str:
    """What a person calls the field at `path`: its label, "Post 3", or the group's legend."""
    if path is None:
        return "The answer as a whole"
    for spec in fields:
        group = spec.group
        legend = ""
        if group is not None:
            legend = f"{group.legend} ({group.about})" if group.about else group.legend
        if spec.name == path:
            if legend and group.legend not in spec.label:
                return f"{legend}: {spec.label}"
            return spec.label
        if group is not None and group.key == path:
            return legend
        if spec.widget == "posts" and path.startswith(spec.name + "["):
            steps = path_steps(path)
            if len(steps) == 2 and isinstance(steps[1], int):
                return f"Post {steps[1] + 1}"
    return path
