"""All models, imported here so Alembic and the app see every table."""

from .compliance import Assignment, AuditEvent, Certificate
from .content import (
    Choice,
    Exercise,
    Lesson,
    Module,
    ModuleRevision,
    Question,
    QuestionType,
    RevisionState,
)
from .mail import MailAttempt, MailOptOut, MessageState, OutboxMessage
from .people import (
    ApiToken,
    Department,
    Role,
    SignInAttempt,
    StaffImport,
    User,
    UserRole,
    UserSession,
)
from .policy import Policy, PolicyAssignment, PolicySignature, PolicyVersion
from .progress import (
    AttemptState,
    ExerciseSubmission,
    LessonRead,
    ModuleProgress,
    ProgressStatus,
    QuizAttempt,
)

__all__ = [
    "ApiToken",
    "Assignment",
    "AttemptState",
    "AuditEvent",
    "Certificate",
    "Choice",
    "Department",
    "Exercise",
    "ExerciseSubmission",
    "Lesson",
    "LessonRead",
    "MailAttempt",
    "MailOptOut",
    "MessageState",
    "Module",
    "ModuleProgress",
    "ModuleRevision",
    "OutboxMessage",
    "Policy",
    "PolicyAssignment",
    "PolicySignature",
    "PolicyVersion",
    "ProgressStatus",
    "Question",
    "QuestionType",
    "QuizAttempt",
    "RevisionState",
    "Role",
    "SignInAttempt",
    "StaffImport",
    "User",
    "UserRole",
    "UserSession",
]
