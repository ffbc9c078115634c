"""The network's partners as the office keeps them: created, edited (with a logo), deactivated
and reactivated. A deactivated partner keeps its name and history (bookings, offerings, the audit
log), but none of its accounts can log in, and new choices (filters, invitations) leave it out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.db import SessionFactory, transaction
from shared.identity import audit
from shared.identity.models import Account, Partner, PartnerLogo, WebSession
from shared.identity.store import Principal
from shared.images import PreparedImage

from services.accounts.admin.office import acting, coordinators
from services.accounts.domain.guards import leaves_no_coordinator, partner_changed
from services.accounts.errors import Refused


@dataclass(frozen=True)
class PartnerDraft:
    """What the partner form sets (the logo comes separately, prepared by shared/images.py)."""

    slug: str
    name: str
    district: str
    address: str = ""
    contact_email: str = ""
    contact_phone: str = ""

    def values(self) -> dict[str, str]:
        return {
            "slug": self.slug,
            "name": self.name,
            "district": self.district,
            "address": self.address,
            "contact_email": self.contact_email,
            "contact_phone": self.contact_phone,
        }


@dataclass(frozen=True)
class PartnerRow:
    id: int
    draft: PartnerDraft
    active: bool
    logo: str  # digest, "" for none
    accounts: int  # active accounts


def _draft(p: Partner) -> PartnerDraft:
    return PartnerDraft(p.slug, p.name, p.district, p.address, p.contact_email, p.contact_phone)


def list_partners(factory: SessionFactory) -> list[PartnerRow]:
    with factory() as s:
        counts = dict(
            s.execute(select(Account.partner_id, func.count()).where(Account.active).group_by(Account.partner_id)).all()
        )
        partners = s.scalars(select(Partner).order_by(func.lower(Partner.name)))
        return [PartnerRow(p.id, _draft(p), p.active, p.logo_digest, counts.get(p.id, 0)) for p in partners]


def one(factory: SessionFactory, partner_id: int) -> PartnerRow | None:
    return next((p for p in list_partners(factory) if p.id == partner_id), None)


def _slug_taken(s: Session, slug: str, but: int | None = None) -> bool:
    query = select(Partner.id).where(Partner.slug == slug)
    if but is not None:
        query = query.where(Partner.id != but)
    return s.scalar(query) is not None


def _keep_logo(s: Session, logo: PreparedImage) -> str:
    """Store the logo once per content (two partners may share one)."""
    if s.scalar(select(PartnerLogo.id).where(PartnerLogo.digest == logo.digest)) is None:
        try:
            with s.begin_nested():
                s.add(
                    PartnerLogo(
                        digest=logo.digest,
                        content_type=logo.content_type,
                        width=logo.width,
                        height=logo.height,
                        data=logo.data,
                    )
                )
        except IntegrityError:
            pass  # the same picture, saved at the same moment for another partner
    return logo.digest


def _drop_unused_logo(s: Session, digest: str) -> None:
    if digest and s.scalar(select(Partner.id).where(Partner.logo_digest == digest).limit(1)) is None:
        s.execute(delete(PartnerLogo).where(PartnerLogo.digest == digest))


def create(factory: SessionFactory, who: Principal, draft: PartnerDraft, logo: PreparedImage | None) -> int:
    with transaction(factory) as s:
        actor = acting(s, who)
        if _slug_taken(s, draft.slug):
            raise Refused("slug_taken", "slug")
        partner = Partner(**draft.values(), active=True, logo_digest=_keep_logo(s, logo) if logo else "")
        s.add(partner)
        s.flush()
        values: dict[str, object] = {**draft.values(), "logo": bool(logo)}
        audit.record(s, actor, audit.PARTNER_CREATED, partner=partner, changes=audit.changed({}, values))
        return partner.id


def update(
    factory: SessionFactory,
    who: Principal,
    partner_id: int,
    draft: PartnerDraft,
    logo: PreparedImage | None,
    remove_logo: bool = False,
) -> bool:
    """Save the form; False when nothing changed. A new logo replaces the old one."""
    with transaction(factory) as s:
        actor = acting(s, who)
        partner = s.get(Partner, partner_id)
        if partner is None:
            raise Refused("unknown_partner")
        if _slug_taken(s, draft.slug, but=partner_id):
            raise Refused("slug_taken", "slug")
        old_logo = partner.logo_digest
        new_logo = _keep_logo(s, logo) if logo else ("" if remove_logo else old_logo)
        changes = audit.changed(
            {**_draft(partner).values(), "logo": old_logo[:12]}, {**draft.values(), "logo": new_logo[:12]}
        )
        if not changes:
            return False
        for key, value in draft.values().items():
            setattr(partner, key, value)
        partner.logo_digest = new_logo
        s.flush()
        if new_logo != old_logo:
            _drop_unused_logo(s, old_logo)
        audit.record(s, actor, audit.PARTNER_CHANGED, partner=partner, changes=changes)
        return True


def set_active(factory: SessionFactory, who: Principal, partner_id: int, active: bool) -> int:
    """Deactivate a partner (its accounts' web logins end, their app passwords stop) or
    reactivate it; returns how many active accounts it has. Never the office's last one."""
    with transaction(factory) as s:
        actor = acting(s, who)
        before = coordinators(s)
        partner = s.get(Partner, partner_id, with_for_update=True)
        if partner is None:
            raise Refused("unknown_partner")
        accounts = s.scalars(select(Account.id).where(Account.partner_id == partner_id, Account.active)).all()
        if partner.active == active:
            return len(accounts)
        if leaves_no_coordinator(before, partner_changed(before, partner_id, active)):
            raise Refused("last_coordinator_partner")
        partner.active = active
        if not active and accounts:
            s.execute(delete(WebSession).where(WebSession.account_id.in_(accounts)))
        action = audit.PARTNER_REACTIVATED if active else audit.PARTNER_DEACTIVATED
        audit.record(s, actor, action, partner=partner, changes={"active": [not active, active]})
        return len(accounts)


def logo(factory: SessionFactory, digest: str) -> tuple[bytes, str] | None:
    with factory() as s:
        row = s.execute(select(PartnerLogo.data, PartnerLogo.content_type).where(PartnerLogo.digest == digest)).first()
        return (bytes(row[0]), row[1]) if row else None
