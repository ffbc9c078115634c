"""Password length, the same for the shell (shared/identity/cli.py) and the account pages
(services/accounts): no framework, no database, so a domain package may import it."""

MIN_PASSWORD = 12  # people choose logins here; the demo's demo/demo is loaded without the CLI
MAX_PASSWORD = 200  # as the login form takes
