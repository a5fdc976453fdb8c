"""A form's fillable field as the form's content names it and the PDF writer lays it over the page."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class FieldSpec:
    """One fillable field: the template draws its box, `add_form_fields` makes it a widget."""

    name: str
    kind: Literal["text", "check"]
    tooltip: str
    multiline: bool = False
    value: str = ""
    """A prefilled text field's value: the widget holds it and shows it, and it can be changed."""
