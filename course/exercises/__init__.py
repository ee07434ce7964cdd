"""Pure validators for the hands-on exercises: no Flask, no database.

Each exercise kind is registered in `KINDS`; `check(kind, answer, params)` returns a
`Result` whose findings say what to change. `find_phi` is a teaching aid, not a guarantee:
see `PHI_LIMITS`.
"""

from .answers import message_for_others, quote_for_learner
from .fields import WIDGETS, AnswerField, FieldGroup, build_answer, form_name
from .findings import ERROR, WARNING, Finding, FindingRecord, Result
from .hashtags import extract_hashtags
from .length import post_length
from .phi import PHI_LIMITS, PhiFinding, find_phi
from .registry import (
    FINDING_CODES,
    KINDS,
    ExerciseKind,
    check,
    describe_code,
    merged_params,
    validate_params,
)

__all__ = [
    "ERROR",
    "FINDING_CODES",
    "KINDS",
    "PHI_LIMITS",
    "WARNING",
    "WIDGETS",
    "AnswerField",
    "ExerciseKind",
    "FieldGroup",
    "Finding",
    "FindingRecord",
    "PhiFinding",
    "Result",
    "build_answer",
    "check",
    "describe_code",
    "extract_hashtags",
    "find_phi",
    "form_name",
    "merged_params",
    "message_for_others",
    "post_length",
    "quote_for_learner",
    "validate_params",
]
