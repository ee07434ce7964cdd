"""What people receive by mail, and when.

Learners: a new assignment; due soon (by default 7 and 1 days before, set per assignment);
overdue (by default every 7 days, at most 3 times); retraining required (with the trainer's
reason); a completion expiring in 30 days; a certificate issued. Managers: a weekly digest per
department they manage, on the weekday they choose, with the report CSV attached.

Events write their messages in their own transaction (`assignments_made`,
`retraining_required`, `certificate_issued`, called by the services that make the change).
Reminders and digests are written by `enqueue_reminders`, which `send-reminders` runs (cron,
every few minutes or hourly): a message's key names its kind, person, assignment and day, so
running it again the same day adds nothing. Statuses, due dates and expiry come from
services/reports.py's one rule; "today" is the organisation's (clock.today).

Each message is composed when it is first sent (`compose`): a subject, plain text and HTML
from templates/mail/<kind>.txt|html, with the organisation's name, absolute links, dates in
the organisation's calendar and a footer saying why it was sent. Only optional kinds carry
an unsubscribe link; compliance reminders for assigned work cannot be turned off.
"""

from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app, g
from sqlalchemy import Date, String, and_, cast, false, func, literal, null, or_, select

from ..extensions import db
from ..models import (
    Assignment,
    Certificate,
    Department,
    MailOptOut,
    Module,
    ModuleProgress,
    OutboxMessage,
    Policy,
    PolicyAssignment,
    PolicySignature,
    ProgressStatus,
    Role,
    User,
    UserRole,
)
from ..models.people import manager_department
from ..models.types import Json, utcnow
from . import audit, clock, csvstream, mail, policy_status, profile, reports
from .scope import scope_for


@dataclass(frozen=True)
class Kind:
    """A kind of message.

    How its subject reads, whether people may turn it off, and why it is sent (the footer).
    Templates: templates/mail/<name>.txt and .html.
    """

    name: str
    #: What people turn off on the unsubscribe page ("certificate notices").
    label: str
    #: A Jinja template over the message's context.
    subject: str
    #: "You receive this because ...".
    why: str
    optional: bool = False
    #: Adds kind-specific values to the context; raises mail.Skip when not to send.
    context: Callable[[OutboxMessage, dict], dict] | None = None


#: Weekdays as the digest setting names them (0 is Monday, as date.weekday()).
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# -- composing ---------------------------------------------------------------------------------


@contextmanager
def batch_cache():
    """While a sender runs.

    The rows messages refer to (modules, assignments, people) are read once, not once per
    message.
    """
    g.mail_rows = {}
    try:
        yield
    finally:
        g.pop("mail_rows", None)


def _get(model, ident):
    cache = g.get("mail_rows")
    if cache is None:
        return db.session.get(model, ident)
    key = (model, ident)
    if key not in cache:
        cache[key] = db.session.get(model, ident)
    return cache[key]


def _module(message: OutboxMessage, context: dict) -> dict:
    if message.module_id is None:
        raise mail.Skip("The module no longer exists.")
    module = _get(Module, message.module_id)
    if module is None or module.published is None:
        raise mail.Skip("The module is no longer published.")
    return {
        "module": module,
        "title": module.published.title,
        "link": mail.external_url("learn.show_module", slug=module.slug),
    }


def _assignment_context(message: OutboxMessage, context: dict) -> dict:
    values = _module(message, context)
    due = reports.assigned_to(message.user_id).get(message.module_id)
    values["done"] = due is not None and due.status is reports.Status.COMPLETED
    values["expires_on"] = due.expires_on if due else None
    return values


def _reminder_context(message: OutboxMessage, context: dict) -> dict:
    values = _module(message, context)
    # Written before the learner was exempted: an exempt requirement gets no reminder.
    due = reports.assigned_to(message.user_id).get(message.module_id)
    if due is not None and due.status is reports.Status.EXEMPT:
        raise mail.Skip("The learner is exempt from the module.")
    day = date.fromisoformat((message.params or {}).get("day") or clock.today().isoformat())
    values["day"] = day
    values["days"] = abs((message.about_on - day).days) if message.about_on else 0
    assignment = _get(Assignment, message.assignment_id) if message.assignment_id else None
    every = times = None
    if assignment is not None:
        every, times = assignment.overdue_every, assignment.overdue_times
    elif message.assignment_id is None:  # an assignment rule's requirement
        every, times = RULE_SCHEDULE[1], RULE_SCHEDULE[2]
    if message.kind == "overdue" and every:
        values["number"] = (values["days"] - 1) // every + 1
        values["of"] = times
    return values


def _retraining_context(message: OutboxMessage, context: dict) -> dict:
    values = _module(message, context)
    values["reason"] = (message.params or {}).get("reason", "")
    values["version"] = (message.params or {}).get("version")
    return values


def _certificate_context(message: OutboxMessage, context: dict) -> dict:
    certificate_id = (message.params or {}).get("certificate_id")
    certificate = db.session.get(Certificate, certificate_id) if certificate_id else None
    if certificate is None:
        raise mail.Skip("The certificate no longer exists.")
    return {
        "certificate": certificate,
        "title": certificate.module_title,
        "link": mail.external_url("certificates.list_certificates"),
        "verify_link": mail.external_url("certificates.verify_certificate", code=certificate.code),
        "expires_on": clock.local_date(certificate.expires_at) if certificate.expires_at else None,
    }


def _policy_context(message: OutboxMessage, context: dict) -> dict:
    params = message.params or {}
    policy = _get(Policy, params.get("policy_id")) if params.get("policy_id") else None
    if policy is None or policy.current is None:
        raise mail.Skip("The policy no longer exists.")
    if policy.resign_since > params.get("version", 0):
        raise mail.Skip("A later version asked for signatures again.")
    return {
        "policy": policy,
        "title": policy.title,
        "version": params.get("version"),
        "reason": params.get("reason", ""),
        "link": mail.external_url("policies.sign_policy", policy_id=policy.id),
    }


def _asked_policy(message: OutboxMessage) -> tuple[Policy, int | None]:
    """The policy a message is about, and the version of the person's signature that counts.

    (policy, version number, or None when no signature of theirs counts); raises mail.Skip
    when the policy is gone.
    """
    params = message.params or {}
    policy = _get(Policy, params.get("policy_id")) if params.get("policy_id") else None
    if policy is None or policy.current is None:
        raise mail.Skip("The policy no longer exists.")
    signed = db.session.scalar(
        select(PolicySignature.version_number)
        .where(
            PolicySignature.user_id == message.user_id,
            PolicySignature.policy_id == policy.id,
            PolicySignature.version_number >= policy.resign_since,
        )
        .limit(1)
    )
    return policy, signed


def _policy_assigned_context(message: OutboxMessage, context: dict) -> dict:
    policy, signed = _asked_policy(message)
    return {
        "policy": policy,
        "title": policy.title,
        "version": policy.current.number,
        "signed_version": signed,
        "link": mail.external_url("policies.sign_policy", policy_id=policy.id),
    }


def _policy_reminder_context(message: OutboxMessage, context: dict) -> dict:
    params = message.params or {}
    policy, signed = _asked_policy(message)
    if signed is not None:
        raise mail.Skip("Signed before the reminder went.")
    day = date.fromisoformat(params.get("day") or clock.today().isoformat())
    return {
        "policy": policy,
        "title": policy.title,
        "overdue": message.about_on < day,
        "days": abs((message.about_on - day).days),
        "link": mail.external_url("policies.sign_policy", policy_id=policy.id),
    }


#: Overdue learners listed in a digest; the rest are in the attached CSV.
DIGEST_NAMES = 25


def _digest_context(message: OutboxMessage, context: dict) -> dict:
    manager = context["user"]
    department = (
        db.session.get(Department, message.department_id) if message.department_id else None
    )
    scope = scope_for(manager)
    if department is None or not manager.has_role(Role.MANAGER, Role.ADMIN):
        raise mail.Skip("The recipient no longer manages that department.")
    if not scope.covers(department.id):
        raise mail.Skip("The recipient no longer manages that department.")
    now = utcnow()
    filters = reports.Filters(department_id=department.id)
    summary = reports.summary(scope, filters, now=now)
    overdue = reports.page(
        scope,
        reports.Filters(department_id=department.id, status=reports.Status.OVERDUE),
        sort="due_on",
        per_page=DIGEST_NAMES,
        now=now,
        counts=summary.counts,
    )
    csv = "".join(csvstream.lines(reports.COLUMNS, reports.export_rows(scope, filters, now=now)))
    day = message.about_on or clock.today(now)
    return {
        "department": department,
        "summary": summary,
        "counts": [(label, summary.counts.get(status, 0)) for status, label, _ in reports.LEGEND],
        "overdue": overdue,
        "expiring": summary.expiring,
        "day": day,
        "link": mail.external_url("reports.show_report", department=department.id),
        "overdue_link": mail.external_url(
            "reports.show_report", department=department.id, status="overdue"
        ),
        "settings_link": mail.external_url("reports.show_profile"),
        "attachments": [
            (
                f"completion-report-{_slug(department.name)}-{day.isoformat()}.csv",
                "text/csv",
                csv.encode("utf-8"),
            )
        ],
    }


def _link_context(endpoint: str, purpose_check):
    """Context for a mailed single-use link: the link, or Skip when it died before it went."""

    def context(message: OutboxMessage, _context: dict) -> dict:
        params = message.params or {}
        key = params.get("key") or ""
        if purpose_check(key) is None:
            raise mail.Skip("The link was used or expired before the message was sent.")
        return {"link": mail.external_url(endpoint, key=key), **params}

    return context


def _plain_context(message: OutboxMessage, _context: dict) -> dict:
    return dict(message.params or {})


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-") or "department"


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in [
        Kind(
            "assignment",
            "new assignments",
            "Assigned to you: {{ title }}, due {{ message.about_on|date_text }}",
            "a manager assigned this module to you. Messages about assigned training cannot "
            "be turned off.",
            context=_assignment_context,
        ),
        Kind(
            "due_soon",
            "due-date reminders",
            "Due in {{ days }} day{{ 's' if days != 1 }}: {{ title }}",
            "this module is assigned to you and not completed yet. Reminders for assigned "
            "training cannot be turned off; their timing is set with the assignment.",
            context=_reminder_context,
        ),
        Kind(
            "overdue",
            "overdue reminders",
            "Overdue: {{ title }} was due {{ message.about_on|date_text }}",
            "this module is assigned to you and its due date has passed. Reminders for "
            "assigned training cannot be turned off; their timing is set with the assignment.",
            context=_reminder_context,
        ),
        Kind(
            "retraining",
            "retraining notices",
            "Retraining required: {{ title }}",
            "you completed an earlier version of this module and the trainer asked everyone "
            "to take it again. Retraining notices cannot be turned off.",
            context=_retraining_context,
        ),
        Kind(
            "expiring",
            "expiry warnings",
            "Your completion of {{ title }} expires on {{ message.about_on|date_text }}",
            "this module is assigned to you and must be renewed before your completion "
            "expires. Expiry warnings for assigned training cannot be turned off.",
            context=_reminder_context,
        ),
        Kind(
            "certificate",
            "certificate notices",
            "Your certificate: {{ title }}",
            "you completed a module and a certificate was issued to you.",
            optional=True,
            context=_certificate_context,
        ),
        Kind(
            "policy_assigned",
            "policy signature requests",
            "Please sign: {{ title }}, by {{ message.about_on|date_text }}",
            "a manager asked you to read and sign this policy. Signature requests cannot be "
            "turned off.",
            context=_policy_assigned_context,
        ),
        Kind(
            "policy_resign",
            "policy signature requests",
            "Please sign again: {{ title }}, by {{ message.about_on|date_text }}",
            "you signed an earlier version of this policy and a new version asks everyone "
            "to sign again. Signature requests cannot be turned off.",
            context=_policy_context,
        ),
        Kind(
            "policy_reminder",
            "policy signature reminders",
            "{{ 'Overdue' if overdue else 'Due in ' ~ days ~ ' day' ~ ('' if days == 1 else 's') }}"
            ": sign {{ title }}",
            "this policy is asked of you and you have not signed its current version. "
            "Reminders to sign policies cannot be turned off.",
            context=_policy_reminder_context,
        ),
        Kind(
            "digest",
            "the weekly department digest",
            "Weekly training digest: {{ department.name }}",
            "you manage this department and chose a weekly digest on {{ weekday }}s.",
            optional=True,
            context=_digest_context,
        ),
        Kind(
            "password_reset",
            "password reset links",
            "Set a new password for {{ organisation }} training",
            "someone asked for a new password for this address. If it was not you, ignore "
            "this message: your password stays as it is.",
            context=_link_context("auth.reset_password", profile.reset_link_user),
        ),
        Kind(
            "email_change",
            "email confirmations",
            "Confirm your new email address for {{ organisation }} training",
            "someone signed in to your account asked to use this address. If it was not you, "
            "ignore this message: nothing changes.",
            context=_link_context("account.confirm_email", profile.email_link),
        ),
        Kind(
            "email_changed",
            "email change notices",
            "Your email address for {{ organisation }} training was changed",
            "this was the address of your account until now. If you did not change it, tell "
            "your administrator at once.",
            context=_plain_context,
        ),
    ]
}


_COMPILED: dict[tuple[int, str], object] = {}


def _compiled(env, source: str):
    """A kind's subject or footer as a Jinja template, compiled once per app."""
    key = (id(env), source)
    if key not in _COMPILED:
        _COMPILED[key] = env.from_string(source)
    return _COMPILED[key]


def compose(message: OutboxMessage) -> mail.Composed:
    """The message's subject and both parts, from its kind's templates.

    Raises mail.Skip for a message that must not go (an unknown kind, a deactivated account, an
    opted-out kind).
    """
    kind = KINDS.get(message.kind)
    if kind is None:
        raise mail.Skip(f"No kind of message is called {message.kind!r}.")
    user = _get(User, message.user_id) if message.user_id else None
    if user is not None and not user.active:
        raise mail.Skip("The account was deactivated before the message was sent.")
    if kind.optional and user is not None and mail.opted_out(user.id, kind.name):
        raise mail.Skip(f"The person turned off {kind.label}.")
    env = current_app.jinja_env
    context = {
        "message": message,
        "kind": kind,
        "user": user,
        "name": user.name if user else "",
        "organisation": current_app.config.get("ORGANISATION_NAME") or "Social Rounds",
        "site_link": mail.external_url("learn.dashboard"),
        "weekday": WEEKDAYS[user.digest_weekday] if user else "",
        "unsubscribe_url": None,
    }
    if kind.optional and user is not None:
        context["unsubscribe_url"] = mail.external_url(
            "subscriptions.unsubscribe", token=mail.unsubscribe_token(user.id, kind.name)
        )
    if kind.context is not None:
        context.update(kind.context(message, context))
    context["why"] = _compiled(env, kind.why).render(context)
    subject = " ".join(_compiled(env, kind.subject).render(context).split())
    context["subject"] = subject
    return mail.Composed(
        subject=subject,
        text=env.get_template(f"mail/{kind.name}.txt").render(context),
        html=env.get_template(f"mail/{kind.name}.html").render(context),
        unsubscribe_url=context["unsubscribe_url"],
        attachments=context.get("attachments", []),
    )


def set_subscribed(user: User, kind: str, on: bool, actor_id: int | None) -> None:
    """Turn an optional kind of message on or off for a person, with an audit line."""
    if not KINDS[kind].optional:
        raise ValueError(f"{kind} messages cannot be turned off.")
    if mail.opted_out(user.id, kind) == (not on):
        return
    mail.set_opted_out(user.id, kind, not on)
    audit.record(actor_id, "mail.subscribe" if on else "mail.unsubscribe", f"user:{user.id}", kind)


def set_digest(manager: User, weekday: int | None) -> None:
    """A manager's weekly digest: on a weekday (0 Monday .. 6 Sunday), or off (None)."""
    if weekday is not None and manager.digest_weekday != weekday:
        manager.digest_weekday = weekday
        audit.record(manager.id, "mail.digest_day", f"user:{manager.id}", WEEKDAYS[weekday])
    set_subscribed(manager, "digest", weekday is not None, manager.id)
    db.session.flush()


# -- events: written in the transaction of the change ------------------------------------------


def _key(kind: str, *parts) -> object:
    """The SQL text "kind:part:part...", parts being columns or values."""
    expression = literal(kind)
    for part in parts:
        expression = expression + literal(":") + cast(part, String)
    return expression


def _columns(kind: str, key, to_address, user_id, **values) -> list:
    """The columns of mail.SELECT_COLUMNS, in order.

    Those not given are typed NULLs (PostgreSQL will not put an untyped NULL into an integer
    column).
    """
    given = {"kind": literal(kind), "key": key, "to_address": to_address, "user_id": user_id}
    given.update(values)
    table = OutboxMessage.__table__
    return [
        (given[name] if name in given else cast(null(), table.c[name].type)).label(name)
        for name in mail.SELECT_COLUMNS
    ]


def assignments_made(assignment_ids: list[int]) -> int:
    """A message to every active learner each new assignment reaches; returns the count.

    With the due date kept on their progress (after due_dates.refresh_due). One statement.
    """
    if not assignment_ids:
        return 0
    reached = or_(
        User.id == Assignment.user_id,
        and_(User.department_id.is_not(None), User.department_id == Assignment.department_id),
    )
    rows = (
        select(
            *_columns(
                "assignment",
                _key("assignment", User.id, Assignment.id),
                User.email,
                User.id,
                module_id=Assignment.module_id,
                assignment_id=Assignment.id,
                about_on=ModuleProgress.due_on,
            )
        )
        .select_from(Assignment)
        .join(User, reached)
        .outerjoin(
            ModuleProgress,
            and_(
                ModuleProgress.user_id == User.id,
                ModuleProgress.module_id == Assignment.module_id,
            ),
        )
        .where(Assignment.id.in_(assignment_ids), User.active.is_(True))
    )
    return mail.enqueue_from(rows)


def retraining_required(module_id: int, version: int, reason: str) -> int:
    """A message to every active learner whose completion a retraining publication ends.

    With the trainer's reason. Call it before the completions are re-opened.
    """
    params = {"reason": reason, "version": version}
    rows = (
        select(
            *_columns(
                "retraining",
                _key("retraining", User.id, ModuleProgress.module_id, version),
                User.email,
                User.id,
                module_id=ModuleProgress.module_id,
                params=literal(params, Json),
            )
        )
        .select_from(ModuleProgress)
        .join(User, User.id == ModuleProgress.user_id)
        .where(
            ModuleProgress.module_id == module_id,
            ModuleProgress.status == ProgressStatus.COMPLETED,
            User.active.is_(True),
        )
    )
    return mail.enqueue_from(rows)


def policy_assignments_made(assignments: list[PolicyAssignment]) -> int:
    """A request to sign, to every active person each new policy assignment reaches.

    Its own or their department's, with the assignment's due date; keyed by (person,
    assignment), so nothing is written twice. One statement per policy; returns the count. A
    person who already holds a signature that counts is told so, not asked again (the
    message says it).
    """
    by_policy: dict[int, list[int]] = {}
    for assignment in assignments:
        by_policy.setdefault(assignment.policy_id, []).append(assignment.id)
    reached = or_(
        User.id == PolicyAssignment.user_id,
        and_(
            User.department_id.is_not(None),
            User.department_id == PolicyAssignment.department_id,
        ),
    )
    added = 0
    for policy_id, ids in by_policy.items():
        rows = (
            select(
                *_columns(
                    "policy_assigned",
                    _key("policy_assigned", User.id, PolicyAssignment.id),
                    User.email,
                    User.id,
                    about_on=PolicyAssignment.due_on,
                    params=literal({"policy_id": policy_id}, Json),
                )
            )
            .select_from(PolicyAssignment)
            .join(User, reached)
            .where(PolicyAssignment.id.in_(ids), User.active.is_(True))
        )
        added += mail.enqueue_from(rows)
    return added


def policy_resign_required(policy_id: int, version: int, reason: str, due_on: date) -> int:
    """A message to every active person who signed an older version of the policy.

    It asks them to sign `version` by `due_on`, with the reason. One statement; returns the
    count.
    """
    signers = (
        select(PolicySignature.user_id)
        .where(PolicySignature.policy_id == policy_id, PolicySignature.version_number < version)
        .distinct()
    )
    params = {"policy_id": policy_id, "version": version, "reason": reason}
    rows = select(
        *_columns(
            "policy_resign",
            _key("policy_resign", User.id, literal(policy_id), literal(version)),
            User.email,
            User.id,
            about_on=literal(due_on, Date),
            params=literal(params, Json),
        )
    ).where(User.id.in_(signers), User.active.is_(True))
    return mail.enqueue_from(rows)


def certificate_issued(certificate: Certificate) -> int | None:
    """A message telling the learner their certificate is ready, unless they turned it off."""
    user = db.session.get(User, certificate.user_id)
    if user is None or not user.active or mail.opted_out(user.id, "certificate"):
        return None
    return mail.enqueue(
        "certificate",
        user.email,
        user_id=user.id,
        key=f"certificate:{certificate.id}",
        module_id=certificate.module_id,
        params={"certificate_id": certificate.id},
    )


# -- reminders and digests: written by send-reminders ------------------------------------------


@dataclass(frozen=True)
class ReminderReport:
    """How many messages one run of send-reminders queued, by kind."""

    due_soon: int
    overdue: int
    expiring: int
    digests: int

    @property
    def total(self) -> int:
        """All the messages queued."""
        return self.due_soon + self.overdue + self.expiring + self.digests


def parse_days(text: str) -> list[int]:
    """The stored reminder days, largest first: "7,1" -> [7, 1].

    The form has checked them; anything that is not a number is ignored.
    """
    return sorted({int(p) for p in (text or "").replace(" ", "").split(",") if p.isdigit()},
                  reverse=True)  # fmt: skip


#: The reminder schedule of a requirement only assignment rules make: the assignments'
#: defaults (services/assignments.py DEFAULT_*): 7 and 1 days before; every 7 days, 3 times.
RULE_SCHEDULE = ("7,1", 7, 3)


def enqueue_reminders(now: datetime | None = None) -> ReminderReport:
    """Write the reminders and digests due on the organisation's day at `now`.

    - due soon: not completed, and today is one of the assignment's days before the due date;
    - overdue: overdue by the report's rule, on the first day past the due date and then every
      N days, at most M times (the assignment's schedule);
    - expiring: completed, and the completion expires in 30 days;
    - digests: for managers whose digest weekday is today, one per department they manage.

    Each message's key is (kind, person, assignment, day), so a second run on the same day
    writes nothing. A fixed number of statements, however many learners (the caller commits).
    """
    now = now or utcnow()
    today = clock.today(now)
    rows = reports.assigned_statuses(now).subquery("rows")
    # The assignment behind each learner's due date: the earliest due of those reaching them.
    chosen = (
        select(Assignment.id)
        .where(
            Assignment.module_id == rows.c.module_id,
            or_(
                Assignment.user_id == rows.c.user_id,
                and_(
                    rows.c.department_id.is_not(None),
                    Assignment.department_id == rows.c.department_id,
                ),
            ),
        )
        .order_by(Assignment.due_on, Assignment.id)
        .limit(1)
        .correlate(rows)
        .scalar_subquery()
    )
    # A requirement only an assignment rule makes (no assignment behind it) follows the
    # assignments' default schedule.
    schedules = {
        tuple(row)
        for row in db.session.execute(
            select(
                Assignment.remind_before, Assignment.overdue_every, Assignment.overdue_times
            ).distinct()
        )
    } | {RULE_SCHEDULE}
    remind_before = func.coalesce(Assignment.remind_before, RULE_SCHEDULE[0])
    overdue_every = func.coalesce(Assignment.overdue_every, RULE_SCHEDULE[1])
    overdue_times = func.coalesce(Assignment.overdue_times, RULE_SCHEDULE[2])
    # What a message is about: the assignment, or for a rule's requirement the module.
    about = func.coalesce(
        cast(Assignment.id, String), literal("module-") + cast(rows.c.module_id, String)
    )
    params = literal({"day": today.isoformat()}, Json)

    def reminders(kind: str, about_on, *where) -> int:
        stmt = (
            select(
                *_columns(
                    kind,
                    _key(kind, rows.c.user_id, about, today.isoformat()),
                    rows.c.email,
                    rows.c.user_id,
                    module_id=rows.c.module_id,
                    assignment_id=Assignment.id,
                    about_on=about_on,
                    params=params,
                )
            )
            .select_from(rows)
            .outerjoin(Assignment, Assignment.id == chosen)
            .where(*where)
        )
        return mail.enqueue_from(stmt)

    soon_days = {text for text, _, _ in schedules}
    soon_dates = {today + timedelta(days=d) for text in soon_days for d in parse_days(text)}
    due_soon = reminders(
        "due_soon",
        rows.c.due_on,
        # On the learner's row alone first, so the assignment is looked up only for these.
        rows.c.due_on.in_(sorted(soon_dates)),
        rows.c.status.in_([reports.Status.NOT_STARTED.value, reports.Status.IN_PROGRESS.value]),
        or_(
            false(),
            *[
                and_(
                    remind_before == text,
                    rows.c.due_on.in_([today + timedelta(days=d) for d in parse_days(text)]),
                )
                for text in sorted(soon_days)
                if parse_days(text)
            ],
        ),
    )
    overdue_schedules = {(every, times) for _, every, times in schedules if every and times}
    overdue_dates = {
        today - timedelta(days=1 + k * every)
        for every, times in overdue_schedules
        for k in range(times)
    }
    overdue = reminders(
        "overdue",
        rows.c.due_on,
        rows.c.due_on.in_(sorted(overdue_dates)),
        rows.c.status == reports.Status.OVERDUE.value,
        or_(
            false(),
            *[
                and_(
                    overdue_every == every,
                    overdue_times == times,
                    rows.c.due_on.in_(
                        [today - timedelta(days=1 + k * every) for k in range(times)]
                    ),
                )
                for every, times in sorted(overdue_schedules)
            ],
        ),
    )
    warning_day = today + reports.EXPIRY_WARNING
    expiring = reminders(
        "expiring",
        literal(warning_day, Date),
        rows.c.status == reports.Status.COMPLETED.value,
        reports.expires_on_day(
            rows.c.completed_at, rows.c.recert_months, warning_day, reports.recert_intervals()
        ),
    )
    return ReminderReport(due_soon, overdue, expiring, enqueue_digests(now))


#: Policy reminders: these many days before the due date, then every POLICY_OVERDUE_EVERY
#: days once overdue, at most POLICY_OVERDUE_TIMES times.
POLICY_REMIND_BEFORE = (7, 1)
POLICY_OVERDUE_EVERY = 7
POLICY_OVERDUE_TIMES = 3


def enqueue_policy_reminders(now: datetime | None = None) -> int:
    """Write reminders to sign policies not signed yet.

    Reminders to sign policies not signed yet: 7 and 1 days before the due date, then on
    the first day overdue and every 7 days, 3 times at most. Keyed by (person, policy, day),
    so a second run the same day adds nothing. One statement per published policy.
    """
    now = now or utcnow()
    today = clock.today(now)
    soon = [today + timedelta(days=d) for d in POLICY_REMIND_BEFORE]
    late = [
        today - timedelta(days=1 + k * POLICY_OVERDUE_EVERY) for k in range(POLICY_OVERDUE_TIMES)
    ]
    rows = policy_status.statuses(now).subquery("rows")
    added = 0
    for policy_id in db.session.scalars(
        select(Policy.id).where(Policy.current_version_id.is_not(None))
    ):
        params = {"policy_id": policy_id, "day": today.isoformat()}
        stmt = select(
            *_columns(
                "policy_reminder",
                _key(
                    "policy_reminder",
                    rows.c.user_id,
                    literal(policy_id),
                    literal(today.isoformat()),
                ),
                rows.c.email,
                rows.c.user_id,
                about_on=rows.c.due_on,
                params=literal(params, Json),
            )
        ).where(
            rows.c.policy_id == policy_id,
            or_(
                and_(
                    rows.c.status == policy_status.SignStatus.NOT_SIGNED.value,
                    rows.c.due_on.in_(soon),
                ),
                and_(
                    rows.c.status == policy_status.SignStatus.OVERDUE.value,
                    rows.c.due_on.in_(late),
                ),
            ),
        )
        added += mail.enqueue_from(stmt)
    return added


def enqueue_digests(now: datetime | None = None) -> int:
    """One digest per department for each active manager whose digest weekday is today.

    Managers who turned digests off get none. One statement.
    """
    today = clock.today(now or utcnow())
    is_manager = (
        select(UserRole.user_id)
        .where(UserRole.user_id == User.id, UserRole.role == Role.MANAGER)
        .exists()
    )
    turned_off = (
        select(MailOptOut.user_id)
        .where(MailOptOut.user_id == User.id, MailOptOut.kind == "digest")
        .exists()
    )
    department = manager_department.c.department_id
    rows = (
        select(
            *_columns(
                "digest",
                _key("digest", User.id, department, today.isoformat()),
                User.email,
                User.id,
                department_id=department,
                about_on=literal(today, Date),
            )
        )
        .select_from(User)
        .join(manager_department, manager_department.c.user_id == User.id)
        .where(
            User.active.is_(True),
            User.digest_weekday == today.weekday(),
            is_manager,
            ~turned_off,
        )
    )
    return mail.enqueue_from(rows)
