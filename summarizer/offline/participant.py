"""A participant of the offline extractor while it is being built: a person or an organization."""

from __future__ import annotations

from dataclasses import dataclass, field

from . import lexicon as lx
from .mentions import NATIONAL_ORG_NAMES

__all__ = ["Participant"]


@dataclass
class Participant:
    """A person or organization while it is being built."""

    name: str
    kind: str = "person"
    title: str | None = None
    modifier: str | None = None  # "Deputy", "Acting", "Former" before the title
    affiliation: str | None = None
    dept: str | None = None
    org: str | None = None  # international organization of the title ("NATO Secretary-General")
    aliases: list[str] = field(default_factory=list)
    first: int = 0
    counterpart_of: str | None = None  # name of the person whose counterpart this is
    described: str | None = None  # role written out in an apposition ("Senior Analyst at the X Institute")

    def add_alias(self, alias: str) -> None:
        alias = " ".join(alias.split())
        if alias and alias != self.name and alias not in self.aliases:
            self.aliases.append(alias)

    @property
    def surname(self) -> str:
        return self.name.split()[-1]

    @property
    def full_title(self) -> str | None:
        """The title with its modifier: "Deputy Trade Minister"."""
        if self.title and self.modifier:
            return f"{self.modifier} {self.title}"
        return self.title

    @property
    def role(self) -> str | None:
        title = self.full_title
        if not title:
            return self.described
        if self.described and title.lower() in self.described.lower() and title.lower() != "minister" \
                and len(self.described.split()) > len(title.split()) + 1:
            return self.described  # "Deputy governor of the bank" says more than "Governor"
        if self.described and self.title in lx.RANK_TITLES:
            return self.described  # "Admiral X, chief of staff of the navy": the rank is not the office
        where = self.affiliation
        if self.dept and self.dept in NATIONAL_ORG_NAMES:
            return f"{title} of {self.dept}"
        if self.dept:
            base = f"{title} of the {self.dept}"
            return f"{base} of {where}" if where and where != self.org else base
        if self.org:
            return f"{title} of {self.org}"
        return f"{title} of {where}" if where else title
