"""Implicit scheduling of rooms (RFC 6638 §3.2), the calendar's side: an organizer who invites a
room to an event (an ATTENDEE with the room's address) has it booked through the rooms service,
and sees the room's answer in the event and as a REPLY in the schedule inbox.

The server also sends the invitations to the PEOPLE an organizer invites (iMIP through
notify.itip_request): with calendar-auto-schedule advertised, calendar programs leave that to it.

organizer.py: what a PUT or DELETE of an organizer's copy asks of rooms (rooms.book_for_invitation);
people.py: what it sends the people invited (REQUEST, CANCEL; rules in domain/invited_people.py,
rows in store/sql_invited_people.py);
answers.py: the room's answer (calendar.room_invitation_answer) written back. The pure rules are
in domain/invited_rooms.py and domain/room_answers.py, the rows in store/sql_invitations.py and
store/sql_schedule_inbox.py."""
