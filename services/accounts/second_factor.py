"""The second factor of an account: an authenticator app (TOTP) and its recovery codes.

Setting up keeps a sealed secret with no `enabled_at` until a code from the app confirms it;
then ten recovery codes are made, returned once and kept as hashes. Checking a code marks it
used in the same statement that checks it was unused (a conditional UPDATE), so of two requests
with one code only one succeeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from shared.clock import utcnow
from shared.db import SessionFactory, as_utc, transaction
from shared.identity.models import RecoveryCode, SecondFactor
from shared.identity.store import digest

from services.accounts.domain import recovery_codes, totp
from services.accounts.errors import Refused
from services.accounts.sealing import Sealer, Unreadable

APP, RECOVERY = "app", "recovery"  # which kind of code let someone in


@dataclass(frozen=True)
class Status:
    enabled: bool
    since: datetime | None = None
    codes_left: int = 0


@dataclass(frozen=True)
class Accepted:
    kind: str  # APP or RECOVERY
    codes_left: int


def status(factory: SessionFactory, account_id: int) -> Status:
    with factory() as s:
        factor = s.get(SecondFactor, account_id)
        if factor is None or factor.enabled_at is None:
            return Status(False)
        return Status(True, as_utc(factor.enabled_at), _codes_left(s, account_id))


def setup_secret(factory: SessionFactory, sealer: Sealer, account_id: int) -> str:
    """The secret being set up: the one already waiting (a reload shows the same QR code), or a
    new one. Refused "already_on" when the account has a second factor."""
    with transaction(factory) as s:
        factor = s.get(SecondFactor, account_id)
        if factor is not None and factor.enabled_at is not None:
            raise Refused("already_on")
        if factor is not None:
            try:
                return sealer.open(factor.secret)
            except Unreadable:
                s.delete(factor)  # sealed with a key that is gone: start afresh
                s.flush()
        secret = totp.new_secret()
        s.add(SecondFactor(account_id=account_id, secret=sealer.seal(secret), created_at=utcnow()))
        return secret


def switch_on(factory: SessionFactory, sealer: Sealer, account_id: int, code: str) -> list[str]:
    """Confirm the app with a current code; returns the new recovery codes (shown once).
    Refused "already_on", "not_started" (no secret waiting) or "wrong_code"."""
    now = utcnow()
    with transaction(factory) as s:
        factor = s.get(SecondFactor, account_id, with_for_update=True)
        if factor is None:
            raise Refused("not_started")
        if factor.enabled_at is not None:
            raise Refused("already_on")
        try:
            secret = sealer.open(factor.secret)
        except Unreadable as exc:  # the key changed while the page was open
            raise Refused("not_started") from exc
        step = totp.accepted_step(secret, code, now, None)
        if step is None:
            raise Refused("wrong_code", "code")
        factor.enabled_at, factor.last_step = now, step
        return _new_recovery_codes(s, account_id, now)


def check_code(factory: SessionFactory, sealer: Sealer, account_id: int, typed: str) -> Accepted | None:
    """A code from the app (six digits) or a recovery code, used up if it is good; None if not."""
    now = utcnow()
    with transaction(factory) as s:
        factor = s.get(SecondFactor, account_id)
        if factor is None or factor.enabled_at is None:
            return None
        if totp.normalised(typed) is not None:
            return _app_code(s, sealer, factor, typed, now)
        code = recovery_codes.normalised(typed)
        if code is None:
            return None
        used = s.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.account_id == account_id,
                RecoveryCode.code_hash == digest(code),
                RecoveryCode.used_at.is_(None),
            )
            .values(used_at=now)
            .returning(RecoveryCode.id)
        ).first()
        return Accepted(RECOVERY, _codes_left(s, account_id)) if used else None


def _app_code(s: Session, sealer: Sealer, factor: SecondFactor, typed: str, now: datetime) -> Accepted | None:
    try:
        secret = sealer.open(factor.secret)
    except Unreadable:
        return None  # logged by the sealer; recovery codes still let the person in
    step = totp.accepted_step(secret, typed, now, factor.last_step)
    if step is None:
        return None
    taken = s.execute(  # only if no other request took this step (or a later one) meanwhile
        update(SecondFactor)
        .where(
            SecondFactor.account_id == factor.account_id,
            or_(SecondFactor.last_step.is_(None), SecondFactor.last_step < step),
        )
        .values(last_step=step)
        .returning(SecondFactor.account_id)
    ).first()
    return Accepted(APP, _codes_left(s, factor.account_id)) if taken else None


def renew_recovery_codes(factory: SessionFactory, account_id: int) -> list[str]:
    """Ten new codes; the old ones, used or not, stop working."""
    with transaction(factory) as s:
        factor = s.get(SecondFactor, account_id)
        if factor is None or factor.enabled_at is None:
            raise Refused("not_on")
        return _new_recovery_codes(s, account_id, utcnow())


def switch_off(factory: SessionFactory, account_id: int) -> None:
    with transaction(factory) as s:
        s.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
        s.execute(delete(SecondFactor).where(SecondFactor.account_id == account_id))


def _new_recovery_codes(s: Session, account_id: int, now: datetime) -> list[str]:
    s.execute(delete(RecoveryCode).where(RecoveryCode.account_id == account_id))
    codes = recovery_codes.new_codes()
    for code in codes:
        s.add(
            RecoveryCode(account_id=account_id, code_hash=digest(recovery_codes.normalised(code) or ""), created_at=now)
        )
    return codes


def _codes_left(s: Session, account_id: int) -> int:
    return (
        s.scalar(select(func.count()).where(RecoveryCode.account_id == account_id, RecoveryCode.used_at.is_(None))) or 0
    )
