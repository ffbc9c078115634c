"""Erasing an account (the office only): in one identity transaction the account row is
anonymised ("Ehemaliges Konto", a user name that says nothing, no address, number or password,
closed), its logins, app passwords, links and second factor are deleted, its exports too, and
`<service>.erase_account` is queued to rooms, notify and calendar. Each confirms
(accounts.account_erased, answers.py); the office's page shows the erasure complete when all
have. The account's id stays, so bookings and records still point somewhere."""

from __future__ import annotations

from sqlalchemy import delete, or_, select

from shared import outbox
from shared.clock import utcnow
from shared.contracts import ACCOUNT_DATA_SERVICES
from shared.db import SessionFactory, transaction
from shared.identity import audit
from shared.identity.models import (
    Account,
    AccountLink,
    AccountsOutbox,
    AppPassword,
    DataPart,
    DataRequest,
    RecoveryCode,
    SecondFactor,
    WebSession,
)

from services.accounts.domain.permissions import COORDINATION, Actor
from services.accounts.domain.privacy import ERASED_NAME, erase_refusal, erased_username
from services.accounts.errors import Refused

TRACE_CHARS = 5  # shorter values would match unrelated texts in other people's messages
SECRETS = (WebSession, AppPassword, AccountLink, SecondFactor, RecoveryCode)


def erase(factory: SessionFactory, actor: Actor | None, account_id: int) -> int:
    """The erasure's request id (the existing one when the account is already erased)."""
    now = utcnow()
    with transaction(factory) as s:
        account = s.get(Account, account_id, with_for_update=True)
        if account is None:
            raise Refused("unknown_account")
        done = s.scalar(select(DataRequest.id).where(DataRequest.account_id == account_id, DataRequest.kind == "erase"))
        if done is not None:
            return done
        # locked, so that two people erasing the last two coordinators at once cannot both succeed
        coordinators = s.scalars(
            select(Account.id).where(Account.role == COORDINATION, Account.active).with_for_update()
        ).all()
        others = len([c for c in coordinators if c != account_id])
        refusal = erase_refusal(actor, account_id, account.role, account.active, others)
        if refusal:
            raise Refused(refusal)
        assert actor is not None
        traces = [t for t in (account.email, account.phone) if len(t) >= TRACE_CHARS]
        account.display_name, account.username = ERASED_NAME, erased_username()
        account.email = account.phone = account.password_hash = ""
        account.language, account.active = "de", False
        audit.forget_person(s, account_id, ERASED_NAME)
        audit.record(s, audit.acting(s, actor.account_id), audit.ACCOUNT_ERASED, account=account)
        for model in SECRETS:
            s.execute(delete(model).where(model.account_id == account_id))
        _forget_exports(s, account_id, now)
        _forget_mails(s, account_id)
        request = DataRequest(
            kind="erase", account_id=account_id, asked_by=actor.account_id, waiting=",".join(ACCOUNT_DATA_SERVICES)
        )
        s.add(request)
        s.flush()
        for service in ACCOUNT_DATA_SERVICES:
            outbox.add(
                s,
                AccountsOutbox,
                f"{service}.erase_account",
                request_id=request.id,
                account_id=account_id,
                traces=traces,
            )
        return request.id


def _forget_mails(s, account_id: int) -> None:
    """Delivered mails to the person (their address, a link) kept for looking into: gone now."""
    mentions = [f'"account_id": {account_id},', f'"account_id": {account_id}}}']
    s.execute(
        delete(AccountsOutbox).where(
            AccountsOutbox.task_name == "notify.account_mail",
            AccountsOutbox.confirmed_at.is_not(None),
            or_(*(AccountsOutbox.payload.contains(m) for m in mentions)),
        )
    )


def _forget_exports(s, account_id: int, now) -> None:
    """The account's exports hold what was just erased: their parts go; the records stay."""
    exports = s.scalars(
        select(DataRequest).where(
            DataRequest.account_id == account_id, DataRequest.kind == "export", DataRequest.deleted_at.is_(None)
        )
    ).all()
    for export in exports:
        s.execute(delete(DataPart).where(DataPart.request_id == export.id))
        export.deleted_at = now
        if export.done_at is None:
            export.done_at, export.missing, export.waiting = now, export.waiting, ""
