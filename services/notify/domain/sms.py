"""SMS length: how many segments a text costs (GSM-7 or UCS-2), and fitting a text into a budget.

GSM-7 carries 160 septets in one SMS, 153 per part when concatenated; characters of the extension
table take two septets and an escape pair is never split across parts. Any other character makes
the whole message UCS-2: 70 UTF-16 units alone, 67 per part, surrogate pairs kept together."""

from __future__ import annotations

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")
MAX_SEGMENTS = 2


def is_gsm7(text: str) -> bool:
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _units(text: str) -> list[int]:
    """Cost of each character in the encoding the whole text needs."""
    if is_gsm7(text):
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def segments(text: str) -> int:
    """Number of SMS parts `text` is sent as (0 for an empty text)."""
    if not text:
        return 0
    gsm = is_gsm7(text)
    units = _units(text)
    if sum(units) <= (160 if gsm else 70):
        return 1
    size = 153 if gsm else 67
    count, used = 1, 0
    for unit in units:  # a unit never straddles two parts
        if used + unit > size:
            count, used = count + 1, 0
        used += unit
    return count


def truncate(text: str, max_segments: int = MAX_SEGMENTS, ellipsis: str = "...") -> str:
    """`text` if it fits, else its longest prefix plus `ellipsis` that does."""
    if segments(text) <= max_segments:
        return text
    low, high = 0, len(text)
    while low < high:  # longest prefix that fits, by bisection
        mid = (low + high + 1) // 2
        if segments(text[:mid].rstrip() + ellipsis) <= max_segments:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + ellipsis
