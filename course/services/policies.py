"""Policies: written and published by admins, attached to modules, assigned, signed.

Rules:

- A policy's versions are numbered from 1. At most one draft (unpublished version) exists;
  publishing freezes it for good: every older version stays readable exactly as it was
  signed. A change is a new draft, copied from the current version.
- Publishing a version may ask everyone who signed an older one to sign again by a due date,
  with a reason (as a module publication may require retraining): the policy's
  `resign_since` becomes the new number, so older signatures stop counting, and each
  previous signer is sent a message (notifications.policy_resign_required).
- A signature counts when its version is at or after `resign_since` (`counting_signature`).
- A module with a policy attached is complete only once the learner holds a counting
  signature (`module_condition`, one more condition of services/progress.py).
- Signing needs the tick, the person's full name as typed (matched to their account's name,
  ignoring case, accents' composition and extra spaces) and their password; it records the
  SHA-256 of the exact text shown (`text_hash`), which the form carries back, so a version
  published while the person was reading is never signed unseen.
- An account that signs in only by single sign-on (no password it may use) confirms with a
  fresh sign-in at its identity provider instead (`Reauth`): the provider was asked to make
  the person sign in again (OIDC prompt=login, max_age=0; SAML ForceAuthn), the identity it
  returned is this very account, and that sign-in happened after the person asked to sign and
  at most REAUTH_MAX_AGE ago. How it was confirmed is stored with the signature.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import (
    Department,
    Module,
    Policy,
    PolicyAssignment,
    PolicySignature,
    PolicyVersion,
    User,
)
from ..models.types import utcnow
from . import audit, clock, notifications, passwords, rendering
from .refusal import RefusalError
from .scope import Scope

#: Longest policy text an admin may save (characters of Markdown).
MAX_BODY = 100_000


class PolicyError(RefusalError):
    """A policy change or a signature the rules refuse; the message says why."""


#: How recent a single sign-on that confirms a signature must be.
REAUTH_MAX_AGE = timedelta(minutes=5)
#: Slack between the provider's clock and ours (its auth_time is in whole seconds).
REAUTH_CLOCK_SKEW = timedelta(seconds=30)


@dataclass(frozen=True)
class Reauth:
    """A fresh single sign-on confirming a signature instead of a password.

    `provider` is "oidc" or "saml"; `user_id` the account the returned identity maps to (None
    for none); `authenticated_at` when the provider says the person signed in (naive UTC; None
    when it did not say); `asked_at` when the person pressed "Confirm with ..." (naive UTC).
    """

    provider: str
    user_id: int | None
    authenticated_at: datetime | None
    asked_at: datetime


def check_reauth(user: User, reauth: Reauth, now: datetime | None = None) -> None:
    """Refuse (PolicyError) a sign-on that is not this account's, or not fresh."""
    now = now or utcnow()
    if reauth.user_id != user.id:
        raise PolicyError(
            "Your organisation's sign-in confirmed another person, not you: nothing was "
            "signed. Sign in there as yourself to sign."
        )
    at = reauth.authenticated_at
    if at is None:
        raise PolicyError(
            "Your organisation's sign-in did not say when you signed in, so it cannot confirm "
            "a signature: nothing was signed."
        )
    if at < reauth.asked_at - REAUTH_CLOCK_SKEW or now - at > REAUTH_MAX_AGE + REAUTH_CLOCK_SKEW:
        minutes = int(REAUTH_MAX_AGE.total_seconds() // 60)
        raise PolicyError(
            "Your organisation's sign-in was not a fresh one (it must be made after you "
            f"press Confirm, within {minutes} minutes): nothing was signed. Please try again."
        )


# -- reading -----------------------------------------------------------------------------------


def all_policies() -> list[Policy]:
    """Every policy, by title."""
    return list(db.session.scalars(select(Policy).order_by(Policy.title, Policy.id)))


def published_policies() -> list[Policy]:
    """Policies with a published version, by title (what modules and assignments may use)."""
    return list(
        db.session.scalars(
            select(Policy)
            .where(Policy.current_version_id.is_not(None))
            .order_by(Policy.title, Policy.id)
        )
    )


def draft_of(policy: Policy) -> PolicyVersion | None:
    """The policy's unpublished version, if it has one."""
    return next((v for v in policy.versions if v.published_at is None), None)


def version(policy_id: int, number: int) -> PolicyVersion | None:
    """A version of a policy by its number, or None."""
    return db.session.scalar(
        select(PolicyVersion).where(
            PolicyVersion.policy_id == policy_id, PolicyVersion.number == number
        )
    )


def text_hash(version: PolicyVersion) -> str:
    """SHA-256 (hex) of the exact text a signer is shown.

    Title, version number and the sanitized body, as stored (a published version never changes,
    so neither does this).
    """
    shown = f"{version.title}\nVersion {version.number}\n{version.body_html}"
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()


def attached_modules(policy_id: int) -> list[Module]:
    """The modules this policy is attached to."""
    return list(db.session.scalars(select(Module).where(Module.policy_id == policy_id)))


# -- writing (admins) --------------------------------------------------------------------------


def _check_text(title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    if not title:
        raise PolicyError("Give the policy a title.", "title")
    if len(title) > 200:
        raise PolicyError("The title can have at most 200 characters.", "title")
    if not (body or "").strip():
        raise PolicyError("Write the text of the policy.", "body")
    if len(body) > MAX_BODY:
        raise PolicyError(f"The text can have at most {MAX_BODY:,} characters.", "body")
    return title, body


def create(
    actor_id: int, title: str, body: str, effective_on: date, change_summary: str = ""
) -> Policy:
    """A new policy with its first version as a draft."""
    title, body = _check_text(title, body)
    policy = Policy(title=title)
    db.session.add(policy)
    db.session.flush()
    draft = PolicyVersion(
        policy_id=policy.id,
        number=1,
        title=title,
        body_markdown=body,
        body_html=rendering.render_markdown(body),
        effective_on=effective_on,
        change_summary=(change_summary or "").strip(),
        updated_by_id=actor_id,
    )
    db.session.add(draft)
    db.session.flush()
    audit.record(actor_id, "policy.create", f"policy:{policy.id}", title)
    return policy


def start_draft(actor_id: int, policy: Policy) -> PolicyVersion:
    """The policy's draft: the existing one, or a new one copied from the current version."""
    draft = draft_of(policy)
    if draft is not None:
        return draft
    current = policy.current
    draft = PolicyVersion(
        policy_id=policy.id,
        number=max(v.number for v in policy.versions) + 1,
        title=current.title,
        body_markdown=current.body_markdown,
        body_html=current.body_html,
        effective_on=clock.today(),
        change_summary="",
        updated_by_id=actor_id,
    )
    db.session.add(draft)
    db.session.flush()
    db.session.expire(policy, ["versions"])
    audit.record(actor_id, "policy.draft", f"policy:{policy.id}", f"version {draft.number}")
    return draft


def save_draft(
    actor_id: int,
    policy: Policy,
    title: str,
    body: str,
    effective_on: date,
    change_summary: str,
) -> PolicyVersion:
    """Change the draft's text; a published version is never changed (PolicyError)."""
    draft = draft_of(policy)
    if draft is None:
        raise PolicyError("Published versions cannot be changed: start a new version.")
    title, body = _check_text(title, body)
    draft.title = title
    draft.body_markdown = body
    draft.body_html = rendering.render_markdown(body)
    draft.effective_on = effective_on
    draft.change_summary = (change_summary or "").strip()
    draft.updated_by_id = actor_id
    db.session.flush()
    audit.record(actor_id, "policy.edit", f"policy:{policy.id}", f"version {draft.number}")
    return draft


def publish(
    actor_id: int,
    policy: Policy,
    resign: bool = False,
    due_on: date | None = None,
    reason: str = "",
) -> PolicyVersion:
    """Publish the draft.

    With `resign`, everyone who signed an older version must sign this one by `due_on` (told why
    by mail).
    """
    draft = draft_of(policy)
    if draft is None:
        raise PolicyError("There is no draft to publish.")
    if draft.number > 1 and not draft.change_summary:
        raise PolicyError("Say what changed in this version.", "change_summary")
    reason = (reason or "").strip()
    if resign and draft.number > 1:
        if due_on is None:
            raise PolicyError("Choose the day by which people must sign again.", "due_on")
        if due_on < clock.today():
            raise PolicyError("The due date is in the past; choose today or later.", "due_on")
        if not reason:
            raise PolicyError("Say why people must sign again.", "reason")
        if len(reason) > 500:
            raise PolicyError("The reason can have at most 500 characters.", "reason")
    draft.published_at = utcnow()
    draft.published_by_id = actor_id
    policy.current_version_id = draft.id
    policy.title = draft.title
    summary = f"version {draft.number}"
    if resign and draft.number > 1:
        policy.resign_since = draft.number
        policy.resign_due_on = due_on
        policy.resign_reason = reason
        summary += f", sign again by {due_on.isoformat()}: {reason}"
    db.session.flush()
    db.session.refresh(policy)
    audit.record(actor_id, "policy.publish", f"policy:{policy.id}", summary)
    if resign and draft.number > 1:
        notifications.policy_resign_required(policy.id, draft.number, reason, due_on)
    return draft


def attach(actor_id: int, policy: Policy, module_ids: list[int]) -> list[int]:
    """Attach the policy to exactly these modules (detaching it from any other).

    Returns the ids of the modules whose attachment changed.
    """
    if policy.current_version_id is None:
        raise PolicyError("Publish the policy before attaching it to modules.", "modules")
    wanted = set(module_ids)
    found = set(db.session.scalars(select(Module.id).where(Module.id.in_(wanted or [-1]))))
    if found != wanted:
        raise PolicyError("Some of those modules do not exist.", "modules")
    changed = []
    for module in db.session.scalars(
        select(Module).where((Module.policy_id == policy.id) | Module.id.in_(wanted or [-1]))
    ):
        new = policy.id if module.id in wanted else None
        if module.policy_id != new:
            module.policy_id = new
            changed.append(module.id)
    db.session.flush()
    if changed:
        audit.record(
            actor_id,
            "policy.attach",
            f"policy:{policy.id}",
            "modules " + ", ".join(str(m) for m in sorted(wanted)) if wanted else "no modules",
        )
    return changed


# -- signing (learners) ------------------------------------------------------------------------


def _comparable(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name or "").casefold().split())


def counting_signature(user_id: int, policy: Policy) -> PolicySignature | None:
    """The person's first signature that still counts, or None.

    One of a version at or after the policy's `resign_since`.
    """
    return db.session.scalar(
        select(PolicySignature)
        .where(
            PolicySignature.user_id == user_id,
            PolicySignature.policy_id == policy.id,
            PolicySignature.version_number >= policy.resign_since,
        )
        .order_by(PolicySignature.signed_at, PolicySignature.id)
        .limit(1)
    )


def module_condition(user_id: int, module: Module) -> list[datetime | None]:
    """What a module's completion needs beyond lessons, quiz and exercises.

    [] when no published policy is attached; else [the moment the learner signed it, or None].
    """
    if module.policy_id is None:
        return []
    policy = db.session.get(Policy, module.policy_id)
    if policy is None or policy.current_version_id is None:
        return []
    signature = counting_signature(user_id, policy)
    return [signature.signed_at if signature else None]


def check_intent(
    user: User, policy: Policy, shown_hash: str, agreed: bool, typed_name: str
) -> PolicyVersion:
    """The version about to be signed, once the tick, the typed name and the text are right.

    Raises PolicyError naming the field: what is checked before a password or a trip to the
    identity provider.
    """
    current = policy.current
    if current is None:
        raise PolicyError("This policy has no published version to sign.")
    if shown_hash != text_hash(current):
        raise PolicyError(
            f"A new version ({current.number}) was published while you were reading. "
            "Please read it and sign again.",
        )
    if not agreed:
        raise PolicyError("Tick the box to say you have read and understood it.", "agree")
    if _comparable(typed_name) != _comparable(user.name) or not user.name.strip():
        raise PolicyError(
            f"Type your full name exactly as your account has it: {user.name}.", "full_name"
        )
    return current


def sign(
    user: User,
    policy: Policy,
    shown_hash: str,
    agreed: bool,
    typed_name: str,
    password: str,
    ip_address: str,
    user_agent: str,
    reauth: Reauth | None = None,
    now: datetime | None = None,
) -> PolicySignature:
    """Record the person's signature of the policy's current version.

    Refuses (PolicyError naming the field) a missing tick, a name that is not theirs or a wrong
    password; with `reauth` (a fresh single sign-on instead of the password, see
    `check_reauth`) one that is not theirs or not fresh. Signing a version already signed
    returns that signature.
    """
    current = check_intent(user, policy, shown_hash, agreed, typed_name)
    if reauth is not None:
        check_reauth(user, reauth, now)
    elif not passwords.verify(user.password_hash, password or ""):
        raise PolicyError("That is not your password.", "password")
    existing = db.session.scalar(
        select(PolicySignature).where(
            PolicySignature.user_id == user.id, PolicySignature.version_id == current.id
        )
    )
    if existing is not None:
        return existing
    signature = PolicySignature(
        user_id=user.id,
        policy_id=policy.id,
        version_id=current.id,
        version_number=current.number,
        text_sha256=text_hash(current),
        typed_name=" ".join(typed_name.split())[:120],
        signed_at=utcnow(),
        ip_address=(ip_address or "")[:64],
        user_agent=(user_agent or "")[:500],
        confirmed_by=reauth.provider if reauth else None,
        reauthenticated_at=reauth.authenticated_at if reauth else None,
    )
    db.session.add(signature)
    db.session.flush()
    how = f", confirmed by {reauth.provider} sign-in" if reauth else ""
    audit.record(
        user.id,
        "policy.sign",
        f"policy:{policy.id}",
        f"version {current.number}, {signature.id}{how}",
    )
    return signature


def signatures_of(user_id: int) -> list[PolicySignature]:
    """Every signature of one person, newest first, with its version."""
    return list(
        db.session.scalars(
            select(PolicySignature)
            .options(selectinload(PolicySignature.version))
            .where(PolicySignature.user_id == user_id)
            .order_by(PolicySignature.signed_at.desc(), PolicySignature.id.desc())
        )
    )


def signature_counts() -> dict[int, int]:
    """policy id -> how many signatures it has (all versions)."""
    return dict(
        db.session.execute(
            select(PolicySignature.policy_id, func.count()).group_by(PolicySignature.policy_id)
        ).all()
    )


def assign(
    actor_id: int,
    scope: Scope,
    policy_ids: list[int],
    due_on: date,
    department_id: int | None = None,
    user_ids: list[int] | None = None,
) -> list[PolicyAssignment]:
    """Ask a department, or named people, to sign each policy by `due_on`.

    Ask a department, or named people, to sign each policy by `due_on`; returns the new
    assignments. Each active person reached gets a request to sign by mail
    (notifications.policy_assignments_made); reminders follow from `send-reminders`. The form
    checks all of this; the service checks again (CLI, tests).
    """
    user_ids = list(dict.fromkeys(user_ids or []))
    if not policy_ids:
        raise PolicyError("Choose at least one policy.", "policies")
    if (department_id is None) == (not user_ids):
        raise PolicyError("Assign to a department or to learners, not both or neither.")
    if due_on < clock.today():
        raise PolicyError("The due date is in the past; choose today or later.", "due_on")
    published = set(
        db.session.scalars(
            select(Policy.id).where(
                Policy.id.in_(policy_ids), Policy.current_version_id.is_not(None)
            )
        )
    )
    if published != set(policy_ids):
        raise PolicyError("Only published policies can be assigned.", "policies")
    if department_id is not None:
        if db.session.get(Department, department_id) is None or not scope.covers(department_id):
            raise PolicyError("You do not manage that department.", "department")
        targets = [{"department_id": department_id}]
    else:
        people = db.session.scalars(select(User).where(User.id.in_(user_ids))).all()
        if len(people) != len(user_ids) or not all(scope.covers(u.department_id) for u in people):
            raise PolicyError("Some of those learners are not in your departments.", "learners")
        targets = [{"user_id": uid} for uid in user_ids]
    created = [
        PolicyAssignment(policy_id=pid, due_on=due_on, assigned_by_id=actor_id, **target)
        for pid in policy_ids
        for target in targets
    ]
    db.session.add_all(created)
    db.session.flush()
    for row in created:
        whom = f"department:{row.department_id}" if row.department_id else f"user:{row.user_id}"
        audit.record(
            actor_id,
            "policy.assign",
            f"policy:{row.policy_id}",
            f"to {whom} due {due_on.isoformat()}",
        )
    notifications.policy_assignments_made(created)
    return created
