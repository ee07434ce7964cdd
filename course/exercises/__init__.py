"""Pure validators for the hands-on exercises: no Flask, no database.

Each exercise kind is registered in `KINDS`; `check(kind, answer, params)` returns a
`Result` whose findings say what to change. `find_phi` is a teaching aid, not a guarantee:
see `PHI_LIMITS`.
"""

from .findings import ERROR, WARNING, Finding, Result
from .hashtags import extract_hashtags
from .length import post_length
from .phi import PHI_LIMITS, PhiFinding, find_phi
from .registry import (
    KINDS,
    AnswerField,
    ExerciseKind,
    check,
    merged_params,
    validate_params,
)

__all__ = [
    "ERROR",
    "KINDS",
    "PHI_LIMITS",
    "WARNING",
    "AnswerField",
    "ExerciseKind",
    "Finding",
    "PhiFinding",
    "Result",
    "check",
    "extract_hashtags",
    "find_phi",
    "merged_params",
    "post_length",
    "validate_params",
]
