"""The ceilings of the calendar: what a stored resource may hold and how much one request may
make the server expand. The first three are advertised on every calendar collection as RFC 4791
§5.2.6-5.2.8 (CALDAV:min-date-time, max-date-time, max-instances) and refused on PUT with the
precondition of the same name; the rest are internal."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

# No DATE or DATE-TIME of an event may lie outside [MIN_DATE_TIME, MAX_DATE_TIME); an open-ended
# series simply has no instances from MAX_DATE_TIME on. Queries are clipped to the same span: the
# answer is the same (nothing stored lies outside it), and a client that asks from the year 1
# (or open-ended) gets its answer instead of an error.
MIN_DATE_TIME = datetime(1900, 1, 1, tzinfo=timezone.utc)
MAX_DATE_TIME = datetime(2100, 1, 1, tzinfo=timezone.utc)
MIN_EPOCH = int(MIN_DATE_TIME.timestamp())
MAX_EPOCH = int(MAX_DATE_TIME.timestamp())

# Instances of one resource before MAX_DATE_TIME (an open-ended series counts up to there). A daily
# series from 1963 on fits; an open-ended hourly or minutely one does not. Expansion from DTSTART
# costs about 3 µs per instance, so no single resource can cost more than about 0.2 s.
MAX_INSTANCES = 50_000

MAX_INTERVAL = 1000  # dateutil normalises a huge INTERVAL day by day; no real rule needs more

# Work one REPORT (calendar-query, expand, free-busy) may cause: instances it sends plus the
# instances its re-expansions run through (from each series' DTSTART). A month's expand of
# 10,000 events needs about 15,000; the refusal says to ask for a shorter span.
MAX_REPORT_WORK = 100_000

# The instances recorded per resource at PUT (its TimeIndex): at most this many, from a year
# before "now" if the series is longer; other ranges are expanded again when asked.
INDEX_LIMIT = 5_000
INDEX_LOOKBACK = timedelta(days=366)


def caldav_stamp(value: datetime) -> str:
    """The UTC form RFC 4791 uses for these properties, e.g. 19000101T000000Z."""
    return value.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
