"""Throttling: sign-in guesses per client address and per account, learners' submissions.

Sign-in (OWASP's "slow down online guessing", with device cookies):

- per client address: at most `SIGN_IN_ADDRESS_FAILURES` failed sign-ins in
  `SIGN_IN_WINDOW`; then the address waits until its oldest failure leaves the window
  (browsers holding a device cookie for the account excepted);
- per account: `SIGN_IN_FREE_FAILURES` failures cost nothing, then each further try waits
  `SIGN_IN_BACKOFF` after the last failure, doubling with each failure up to
  `SIGN_IN_BACKOFF_CAP`. A browser where the person signed in before (it holds a device
  cookie for the account) is counted on its own, so someone guessing elsewhere slows only
  themselves and never locks the person out of their own phone or ward PC.

Every check happens before any password is hashed, and the answer is a wait in seconds
(the page says 429 with Retry-After), never a lock. Failures are rows in the database, so
every worker on every host counts the same ones; rows older than the window are deleted as
new ones arrive. Services flush; the caller commits.
"""

import math
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import ExerciseSubmission, QuizAttempt, ResetRequest, SignInAttempt
from ..models.types import utcnow

#: Forgotten-password requests are counted over this window.
RESET_WINDOW = timedelta(hours=1)


def _seconds(delta: timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


def sign_in_wait(email: str, address: str, device: str | None, now: datetime | None = None) -> int:
    """Seconds this client must wait before trying to sign in to `email`; 0: it may try.

    `device` is the browser's device id when it holds a device cookie for this account.
    """
    config = current_app.config
    now = now or utcnow()
    since = now - config["SIGN_IN_WINDOW"]
    failures, oldest = db.session.execute(
        select(func.count(), func.min(SignInAttempt.attempted_at)).where(
            SignInAttempt.remote_addr == address, SignInAttempt.attempted_at >= since
        )
    ).one()
    waits = [0]
    # A known browser is exempt: a hospital's staff often share one public address, and a
    # guesser behind it must not keep them all out.
    if device is None and failures >= config["SIGN_IN_ADDRESS_FAILURES"]:
        waits.append(_seconds(oldest + config["SIGN_IN_WINDOW"] - now))
    same_device = (
        SignInAttempt.device.is_(None) if device is None else SignInAttempt.device == device
    )
    failures, last = db.session.execute(
        select(func.count(), func.max(SignInAttempt.attempted_at)).where(
            SignInAttempt.email == email, same_device, SignInAttempt.attempted_at >= since
        )
    ).one()
    extra = failures - config["SIGN_IN_FREE_FAILURES"]
    if extra >= 0:
        delay = min(config["SIGN_IN_BACKOFF"] * 2**extra, config["SIGN_IN_BACKOFF_CAP"])
        if last + delay > now:
            waits.append(_seconds(last + delay - now))
    return max(waits)


def record_failure(email: str, address: str, device: str | None) -> None:
    """Count a failed sign-in, and delete the failures that are past the window."""
    now = utcnow()
    db.session.execute(
        delete(SignInAttempt).where(
            SignInAttempt.attempted_at < now - current_app.config["SIGN_IN_WINDOW"]
        )
    )
    db.session.add(SignInAttempt(email=email, remote_addr=address, device=device, attempted_at=now))
    db.session.flush()


def forget_failures(email: str, device: str | None = None, everywhere: bool = False) -> None:
    """After a successful sign-in, this browser's failures for the account no longer count.

    `everywhere` (an admin's password reset) forgets them all.
    """
    where = [SignInAttempt.email == email]
    if not everywhere:
        where.append(
            SignInAttempt.device.is_(None) if device is None else SignInAttempt.device == device
        )
    db.session.execute(delete(SignInAttempt).where(*where))


def reset_wait(address: str, now: datetime | None = None) -> int:
    """Seconds this client address must wait before asking for another password reset.

    0 when it may. At most RESET_ADDRESS_REQUESTS an hour, whatever the emails.
    """
    now = now or utcnow()
    count, oldest = db.session.execute(
        select(func.count(), func.min(ResetRequest.requested_at)).where(
            ResetRequest.remote_addr == address,
            ResetRequest.requested_at >= now - RESET_WINDOW,
        )
    ).one()
    if count >= current_app.config["RESET_ADDRESS_REQUESTS"]:
        return _seconds(oldest + RESET_WINDOW - now)
    return 0


def record_reset_request(email: str, address: str) -> bool:
    """Count a reset request.

    True when the email may be sent another link (at most RESET_EMAIL_REQUESTS an hour: a
    stranger cannot fill a person's inbox). Counted per email typed, whether an account has it
    or not, so the answer tells nothing.
    """
    now = utcnow()
    db.session.execute(delete(ResetRequest).where(ResetRequest.requested_at < now - RESET_WINDOW))
    earlier = db.session.scalar(
        select(func.count()).where(
            ResetRequest.email == email, ResetRequest.requested_at >= now - RESET_WINDOW
        )
    )
    db.session.add(ResetRequest(email=email, remote_addr=address, requested_at=now))
    db.session.flush()
    return earlier < current_app.config["RESET_EMAIL_REQUESTS"]


def submission_wait(user_id: int, now: datetime | None = None) -> int:
    """Seconds a learner must wait before the next exercise submission or quiz start.

    0 when they may go on. Counted from the evidence itself: at most SUBMISSIONS_PER_MINUTE of
    each in any minute, far more than a person types, far fewer than a script sends.
    """
    limit = current_app.config["SUBMISSIONS_PER_MINUTE"]
    now = now or utcnow()
    since = now - timedelta(minutes=1)
    waits = [0]
    for column, owner in (
        (ExerciseSubmission.submitted_at, ExerciseSubmission.user_id),
        (QuizAttempt.started_at, QuizAttempt.user_id),
    ):
        count, oldest = db.session.execute(
            select(func.count(), func.min(column)).where(owner == user_id, column >= since)
        ).one()
        if count >= limit:
            waits.append(_seconds(oldest + timedelta(minutes=1) - now))
    return max(waits)
