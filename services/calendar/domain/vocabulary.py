"""Words of the network's calendar: categories and audiences of offerings, the audience property."""

from __future__ import annotations

CATEGORIES = ("Sport", "Kultur", "Beratung", "Essen", "Bildung", "Begegnung")
AUDIENCES = ("Kinder", "Familien", "Senioren", "Alle")
AUDIENCE_PROPERTY = "X-TREFFPUNKT-AUDIENCE"
LOCAL_TZID = "Europe/Berlin"
BUSY_SUMMARY = "Belegt"  # what a room calendar shows for a booking that is not public
PRIVATE_SUMMARY = "Beschäftigt"  # what others see of a partner's private event (busy time only)
