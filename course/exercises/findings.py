"""The result every validator returns: a verdict plus findings a learner can act on."""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing to change (error) or consider (warning) in an answer.

    `code` is a stable snake-case string; `field` names the answer field (or, for
    `validate_params`, the parameter) it concerns, or is None for the answer as a whole.
    """

    code: str
    field: str | None
    message: str
    severity: str = ERROR


@dataclass(frozen=True)
class Result:
    """`passed` is true iff no finding is an error."""

    findings: tuple[Finding, ...] = ()

    @property
    def passed(self) -> bool:
        return not any(f.severity == ERROR for f in self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == WARNING)


def error(code: str, field: str | None, message: str) -> Finding:
    return Finding(code, field, message, ERROR)


def warning(code: str, field: str | None, message: str) -> Finding:
    return Finding(code, field, message, WARNING)
