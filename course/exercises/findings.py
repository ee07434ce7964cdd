"""The result every validator returns: a verdict plus findings a learner can act on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

ERROR = "error"
WARNING = "warning"


class FindingRecord(TypedDict):
    """A finding as stored in `ExerciseSubmission.findings` (a JSON list of these).

    Built by `Finding.as_record`, never by hand. `start` and `end` are present only on a
    patient-information finding: code point offsets of what leaked in the text of `field`, so
    the learner who typed it can be shown it while the message itself never repeats it.
    """

    code: str
    field: str | None
    message: str
    severity: Literal["error", "warning"]
    start: NotRequired[int]
    end: NotRequired[int]


@dataclass(frozen=True)
class Finding:
    """One thing to change (error) or consider (warning) in an answer.

    `code` is a stable snake-case string; `field` names the answer field (or, for
    `validate_params`, the parameter) it concerns, or is None for the answer as a whole.
    `span`, when set, is the (start, end) code point offsets in that field's text of what the
    finding is about (see FindingRecord).
    """

    code: str
    field: str | None
    message: str
    severity: str = ERROR
    span: tuple[int, int] | None = None

    def as_record(self) -> FindingRecord:
        """The finding as the JSON dict an exercise submission stores."""
        record = FindingRecord(
            code=self.code,
            field=self.field,
            message=self.message,
            severity=ERROR if self.severity == ERROR else WARNING,
        )
        if self.span is not None:
            record["start"], record["end"] = self.span
        return record


@dataclass(frozen=True)
class Result:
    """`passed` is true iff no finding is an error."""

    findings: tuple[Finding, ...] = ()

    @property
    def passed(self) -> bool:
        """True when no finding is an error (warnings do not fail an answer)."""
        return not any(f.severity == ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        """The findings that fail the answer."""
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        """The findings that are advice only."""
        return tuple(f for f in self.findings if f.severity == WARNING)


def error(code: str, field: str | None, message: str) -> Finding:
    """A finding that fails the answer."""
    return Finding(code, field, message, ERROR)


def warning(code: str, field: str | None, message: str) -> Finding:
    """A finding shown as advice; the answer can still pass."""
    return Finding(code, field, message, WARNING)
