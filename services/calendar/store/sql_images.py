"""Offerings' pictures (OfferingImage): kept once per content, read by their digest."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.calendar.store.models import OfferingImage


def keep(session: Session, digest: str, data: bytes, width: int, height: int, partner_id: int | None) -> str:
    """Store the JPEG `data` under its `digest` unless it is there already."""
    if session.scalar(select(OfferingImage.id).where(OfferingImage.digest == digest)) is None:
        try:
            with session.begin_nested():
                session.add(
                    OfferingImage(
                        digest=digest,
                        content_type="image/jpeg",
                        width=width,
                        height=height,
                        data=data,
                        partner_id=partner_id,
                    )
                )
        except IntegrityError:
            pass  # the same picture, uploaded at the same moment by someone else
    return digest


def image(session: Session, digest: str) -> tuple[bytes, str] | None:
    row = session.execute(
        select(OfferingImage.data, OfferingImage.content_type).where(OfferingImage.digest == digest)
    ).first()
    return (bytes(row[0]), row[1]) if row else None
