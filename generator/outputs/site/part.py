"""One policy of a school's handbook site, as the site's pages see it."""
from __future__ import annotations

from dataclasses import dataclass

from generator.core.render import Page, Renderer
from generator.core.resolve import Resolved


@dataclass
class PolicyPart:
    """One policy of the handbook: its pages, under `<policy-id>/` in the site."""

    resolved: Resolved
    renderer: Renderer
    pages: list[Page]

    @property
    def id(self) -> str:
        return self.resolved.policy.id

    @property
    def title(self) -> str:
        return self.resolved.policy.policy.model.title

    @property
    def category(self) -> str:
        return self.resolved.policy.policy.model.category

    def path(self, page: str) -> str:
        return f"{self.id}/{page}"
