"""The office's administration of identity: accounts, partners and their logos, the audit log.
One module per subject; each change is one transaction with its audit entry (shared/identity/audit.py)
and, where it sends one, its mail."""
