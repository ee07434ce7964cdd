"""Signing a policy and what it completes: the modules the policy is attached to.

Kept apart from services/policies.py because progress reads policies (a module's completion
needs the signature), and a signature in turn refreshes progress.
"""

from ..extensions import db
from ..models import ModuleProgress, Policy, PolicySignature, User
from . import policies, progress


def sign(user: User, policy: Policy, **signing) -> tuple[PolicySignature, list[str]]:
    """Record the signature (policies.sign, same arguments) and refresh the learner's standing.

    Every started module the policy is attached to is refreshed; returns the signature and the
    slugs of the modules this signature completed.
    """
    signature = policies.sign(user, policy, **signing)
    completed = []
    for module in policies.attached_modules(policy.id):
        started = db.session.get(ModuleProgress, (user.id, module.id))
        if module.published is None or started is None or started.last_activity_at is None:
            continue
        if progress.refresh(user.id, module):
            completed.append(module.slug)
    return signature, completed
