"""Rooms' photos: the bytes once per content (RoomImage, read by digest), and each room's
ordered photos (RoomPhoto)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.images import PreparedImage

from services.rooms.db.models import RoomImage, RoomPhoto


def keep(session: Session, picture: PreparedImage) -> str:
    """The picture's digest, its bytes stored unless another photo brought the same already. A
    savepoint takes the race of two uploads of one picture: the loser finds the winner's row."""
    digest = picture.digest
    if session.scalar(select(RoomImage.id).where(RoomImage.digest == digest)) is None:
        try:
            with session.begin_nested():
                session.add(RoomImage(digest=digest, width=picture.width, height=picture.height, data=picture.data))
        except IntegrityError:
            if session.scalar(select(RoomImage.id).where(RoomImage.digest == digest)) is None:
                raise
    return digest


def image(session: Session, digest: str) -> bytes | None:
    data = session.scalar(select(RoomImage.data).where(RoomImage.digest == digest))
    return bytes(data) if data is not None else None


def forget_unused(session: Session, digest: str) -> None:
    """Drop the bytes once no photo shows them any more."""
    if not session.scalar(select(func.count()).select_from(RoomPhoto).where(RoomPhoto.digest == digest)):
        session.execute(delete(RoomImage).where(RoomImage.digest == digest))


def photo_of(session: Session, room_id: int, photo_id: int) -> RoomPhoto | None:
    return session.scalar(select(RoomPhoto).where(RoomPhoto.id == photo_id, RoomPhoto.room_id == room_id))
