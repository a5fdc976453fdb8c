"""What staff read where a school has not given a value yet: who to ask, in plain words.

Editors are told about missing values by `policy-site check` and `status`; pages, PDFs and
Word files never show an editor's marker. A form field whose value is missing stays blank
and fillable.
"""
from __future__ import annotations

import re

from generator.sources.model import VARIABLE
from generator.core.resolve import Resolved

WHO = "the school office"


def missing(resolved: Resolved, text: str | None) -> list[str]:
    """Variables `text` uses that have no value (a staff-only one withheld from the public edition is not missing)."""
    names = [m.group(1) for m in VARIABLE.finditer(text or "")]
    return [n for n in dict.fromkeys(names) if n not in resolved.values and n not in resolved.withheld]


def without_missing(resolved: Resolved, text: str) -> str:
    """`text` with every missing variable left out, so a form field becomes a blank to fill in."""
    gone = set(missing(resolved, text))
    return VARIABLE.sub(lambda m: "" if m.group(1) in gone else m.group(0), text)


def what(resolved: Resolved, name: str) -> str:
    """`the name of the Partnership's E-Safety Lead`, from the variable's description without
    the editor's parenthetical notes ("(Appendix 2)")."""
    spec = resolved.policy.policy.model.variables.get(name)
    text = re.sub(r"\s*\([^)]*\)\s*$", "", spec.description if spec else name.replace("_", " ")).strip()
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        text = text[0].lower() + text[1:]
    return text if re.match(r"(the|a|an)\s", text) else f"the {text}"


def ask(resolved: Resolved, names: list[str]) -> str:
    """`Ask the school office for the name of the Partnership's E-Safety Lead.`"""
    things = [what(resolved, n) for n in names]
    listed = things[0] if len(things) == 1 else ", ".join(things[:-1]) + " and " + things[-1]
    return f"Ask {WHO} for {listed}."


def inline(resolved: Resolved, name: str) -> str:
    """A missing value inside running text: `(ask the school office for the name of …)`."""
    return f"(ask {WHO} for {what(resolved, name)})"
