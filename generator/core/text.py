"""Variables (`{{ name }}`) and cross-references (`[[id]]`) in source text."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from generator.sources.model import VARIABLE, XREF

BUILT_IN = ("school_name", "school_short_name", "policy_title")


@dataclass(frozen=True)
class Use:
    name: str
    line_offset: int


def uses(pattern, text: str) -> Iterator[Use]:
    for match in pattern.finditer(text):
        yield Use(match.group(1), text.count("\n", 0, match.start()))


def variables_in(text: str) -> Iterator[Use]:
    return uses(VARIABLE, text)


def xrefs_in(text: str) -> Iterator[Use]:
    return uses(XREF, text)


def substitute(text: str, value_of: Callable[[str], str]) -> str:
    return VARIABLE.sub(lambda m: value_of(m.group(1)), text)


def link_xrefs(text: str, link_of: Callable[[str], str]) -> str:
    return XREF.sub(lambda m: link_of(m.group(1)), text)
