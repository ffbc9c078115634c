"""Flask plumbing common to the three services, one concern per module:

app (the base app factory), csrf, language (which language a reader gets), moments (moments on
a page), error_pages, request_db (the request's session and unit of work), health (/healthz),
headers (security headers), login (the login form, logging out), pages (the shared blueprint
"web": login, logout and language routes, shared templates and static files)."""
