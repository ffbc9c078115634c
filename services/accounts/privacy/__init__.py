"""An account's data protection rights (DSGVO): its data exported (export.py), the account
erased (erase.py); the other services' parts and confirmations come back as messages
(answers.py). Each request is kept as the record of who asked for what, when."""
