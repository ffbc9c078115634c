"""The Engagementbörse's use cases, called by the pages and the tasks alike; each runs inside
one unit of work given by its caller (a session), asks the domain for the rules and queues its
messages through the outbox in the same transaction. Refusals raise Refused with a code."""
