"""The use cases of the room exchange, one module each (or a small group): book or preview a
series (series), cancel, change, restore, decide (approve/decline), a room's rules and closures
(rules), offering rooms (rooms); the messages and audit entries they cause (notices).

Called by the pages, the API and the demo loader alike. Each takes a session and a Ctx, asks the
domain's permission, raises a booking.errors error with codes and data, and neither commits nor
rolls back: the caller's unit of work (shared.db.transaction / shared.web.unit_of_work) does."""
