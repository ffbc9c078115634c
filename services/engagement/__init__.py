"""Engagement service (Engagementbörse, issue 17): volunteers find a way to help, partners find
volunteers. It will be the fourth small service beside calendar, rooms and notify, with its own
database, queue ("engagement") and messages (emails and SMS through notify, shift dates into the
partner's calendar).

Only domain/ exists so far: the rules, pure (opportunities and their review, public search,
shifts with waiting lists, applications with double opt-in, interest forms and their matching,
Patenschaften, the Führungszeugnis record, hours, figures, retention and permissions). There is
no create_app yet: the store, the pages and the tasks come next (see ARCHITECTURE.md)."""
