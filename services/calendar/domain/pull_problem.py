"""Why a source could not be read, for its page: a German sentence with %(name)s placeholders
(the msgid, marked with N_ so the catalogue finds it, translated where it is shown) and its
values. The sentence filled in German is kept too, for the log and the account export."""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "mark only, translate later")
    return text


class PullProblem(Exception):
    def __init__(self, template: str, **params: str | int):
        super().__init__(template % params if params else template)
        self.template, self.params = template, params
