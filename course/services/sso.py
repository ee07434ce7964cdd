"""Single sign-on.

The identity provider's claims (OpenID Connect) or attributes (SAML) onto the same accounts,
roles and departments.

The protocol layers (course/sso/) verify what the provider sent and hand this module a plain
dict of claims. Here: the account is found by a configured attribute (`SSO_MATCH_BY`: email
or employee id), created on first sign-in when `SSO_CREATE_ACCOUNTS` is on, and its name,
email, department, roles and managed departments follow the claims by a configurable mapping
(`SSO_GROUP_ROLES`: a group claim -> a role, and for managers the department they manage).
Each change goes through `accounts.update_user` (its rules, its audit lines); each sign-in
writes one more line naming the provider. Services flush; the view commits.
"""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Role, User
from . import accounts, audit
from .refusal import RefusalError


class SsoError(RefusalError):
    """A sign-in the provider vouched for but this app refuses.

    Or a provider answer that failed its checks; the message is for the person.
    """


@dataclass(frozen=True)
class Grant:
    """What one provider group gives: a role, and for a manager a department."""

    role: Role
    #: For a manager: the department this group manages.
    department: str | None = None


@dataclass(frozen=True)
class Mapping:
    """Which claim holds what, and what groups grant."""

    match_by: str = "email"
    email: str = "email"
    name: str = "name"
    department: str = "department"
    employee_id: str = "employee_id"
    groups: str = "groups"
    group_roles: dict[str, list[Grant]] = field(default_factory=dict)
    create_accounts: bool = True


def parse_group_roles(text: str) -> dict[str, list[Grant]]:
    """`group=role[:Department]` entries separated by semicolons, as grants by group.

    For example "training-admins=admin; cardio-managers=manager:Cardiology Ward;
    trainers=trainer". Raises ValueError naming a bad entry.
    """
    grants: dict[str, list[Grant]] = {}
    for entry in (e.strip() for e in (text or "").split(";")):
        if not entry:
            continue
        group, sep, target = entry.partition("=")
        role_name, _, department = target.partition(":")
        try:
            role = Role(role_name.strip().lower())
        except ValueError:
            raise ValueError(f"{entry!r}: {role_name.strip()!r} is no role") from None
        if not sep or not group.strip():
            raise ValueError(f"{entry!r} is not group=role")
        if department.strip() and role is not Role.MANAGER:
            raise ValueError(f"{entry!r}: only a manager manages a department")
        grants.setdefault(group.strip(), []).append(Grant(role, department.strip() or None))
    return grants


def mapping(config=None) -> Mapping:
    """How the provider's claims map to accounts, from the settings (the app's unless given)."""
    config = config if config is not None else current_app.config
    return Mapping(
        match_by=config["SSO_MATCH_BY"],
        email=config["SSO_CLAIM_EMAIL"],
        name=config["SSO_CLAIM_NAME"],
        department=config["SSO_CLAIM_DEPARTMENT"],
        employee_id=config["SSO_CLAIM_EMPLOYEE_ID"],
        groups=config["SSO_CLAIM_GROUPS"],
        group_roles=parse_group_roles(config["SSO_GROUP_ROLES"]),
        create_accounts=config["SSO_CREATE_ACCOUNTS"],
    )


@dataclass(frozen=True)
class Identity:
    """What the provider says about the person, read through the mapping."""

    email: str
    name: str
    employee_id: str | None
    department: str | None
    #: None when no group mapping is configured: roles are then managed here, not there.
    roles: frozenset[Role] | None
    manages: tuple[str, ...] = ()


def _text(value) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    return " ".join(str(value or "").split())


def identity(claims: dict, rules: Mapping) -> Identity:
    """Read the claims; raises SsoError when one the sign-in needs is missing."""
    email = accounts.normalise_email(_text(claims.get(rules.email)))
    if "@" not in email:
        raise SsoError(
            f"Your organisation's sign-in sent no email address (claim {rules.email!r}). "
            "Ask your administrator."
        )
    employee_id = _text(claims.get(rules.employee_id)) or None
    if rules.match_by == "employee_id" and not employee_id:
        raise SsoError(
            f"Your organisation's sign-in sent no employee id (claim {rules.employee_id!r}). "
            "Ask your administrator."
        )
    roles = manages = None
    if rules.group_roles:
        groups = claims.get(rules.groups) or []
        groups = [groups] if isinstance(groups, str) else list(groups)
        grants = [g for group in groups for g in rules.group_roles.get(str(group), [])]
        roles = frozenset({Role.LEARNER} | {g.role for g in grants})
        manages = tuple(sorted({g.department for g in grants if g.department}))
    return Identity(
        email=email,
        name=_text(claims.get(rules.name)) or email.split("@")[0],
        employee_id=employee_id,
        department=_text(claims.get(rules.department)) or None,
        roles=roles,
        manages=manages or (),
    )


def find_account(person: Identity, rules: Mapping) -> User | None:
    """The account this identity is linked to (by `rules.match_by`), changing nothing."""
    if rules.match_by == "employee_id":
        return db.session.scalar(select(User).where(User.employee_id == person.employee_id))
    return db.session.scalar(select(User).where(User.email == person.email))


def sign_in(person: Identity, provider: str, rules: Mapping) -> User:
    """The account for this identity, created or brought up to date.

    Raises SsoError for a deactivated account, or an unknown one when accounts are not created
    here.
    """
    user = find_account(person, rules)
    if user is None:
        if not rules.create_accounts:
            raise SsoError(
                "You have no account here yet. Ask your administrator to create one for "
                f"{person.email}."
            )
        return _create(person, provider)
    if not user.active:
        raise SsoError("Your account here is deactivated. Ask your administrator.")
    _update(user, person, provider)
    return user


def _create(person: Identity, provider: str) -> User:
    if accounts.email_taken(person.email):
        raise SsoError(
            f"Another account already uses {person.email}. Ask your administrator to give it "
            "your employee id."
        )
    roles = person.roles or frozenset({Role.LEARNER})
    user = accounts.create_user(
        person.email,
        person.name,
        None,  # no password signs in to this account
        set(roles),
        person.department,
        employee_id=person.employee_id,
    )
    if person.manages:
        accounts.set_managed_departments(
            user, [accounts.get_or_create_department(d) for d in person.manages], None
        )
    audit.record(user.id, "user.sso_sign_in", f"user:{user.id}", f"created through {provider}")
    return user


def _update(user: User, person: Identity, provider: str) -> None:
    roles = set(person.roles) if person.roles is not None else user.roles
    if person.roles is not None:
        manages = [accounts.get_or_create_department(d).id for d in person.manages]
    else:
        manages = [d.id for d in user.managed_departments]
    if Role.MANAGER not in roles:
        manages = []
    try:
        changes = accounts.update_user(
            user.id,
            name=person.name,
            email=person.email,
            department=person.department or (user.department.name if user.department else None),
            roles=roles,
            active=True,
            managed_department_ids=manages,
            actor_id=None,
            employee_id=person.employee_id or accounts.KEEP,
        )
    except accounts.AccountError as error:
        raise SsoError(f"Your account could not be brought up to date: {error}") from None
    summary = f"through {provider}"
    if changes:
        summary += f"; changed: {', '.join(changes.changed)}"
    audit.record(user.id, "user.sso_sign_in", f"user:{user.id}", summary)


def refused(provider: str, reason: str, address: str) -> None:
    """An audit line for a sign-in the checks refused.

    A wrong state or nonce, a bad signature, a tampered, expired, replayed or misdirected answer.
    """
    audit.record(None, "sso.refused", provider, f"{reason[:400]} (from {address})")
