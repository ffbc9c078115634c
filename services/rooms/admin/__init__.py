"""Room administration without a shell: offer, edit and retire a room (offer), and its photos
(photos). Use cases like booking/'s: a session and the actor in, the domain's permission
asked, booking.errors raised; every change audited (old -> new) and announced to the calendar
in the caller's unit of work."""
