"""The account pages' rules: who may invite whom, passwords, links, user names, browsers.
No framework, no database."""
