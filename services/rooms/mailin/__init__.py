"""Rooms by email (iMIP, RFC 6047): every bookable room has the address raum-<id>@ROOM_MAIL_DOMAIN;
an organizer who invites it from Outlook, Thunderbird or Gmail gets it booked under the web
form's rules and an iTIP REPLY back (queued by the booking use case, mailed by notify).

mime.py: the calendar part of the mail, in the shapes the three programs send; ical.py: the
iTIP object read (Windows time zones made IANA ones); dates.py: the dates it asks for, and
merging single occurrences into the last whole invitation; trust.py: who may book (DKIM, relays);
receive.py: one mail for one room, in one unit of work; server.py: the LMTP/SMTP process
(`treffpunkt mailin`); replies.py: what the server answers, in German and English."""
