"""A participant of the offline extractor while it is being built: a person or an organization."""

from __future__ import annotations

from dataclasses import dataclass, field

from .mentions import NATIONAL_ORG_NAMES

__all__ = ["Participant"]


@dataclass
class Participant:
    """A person or organization while it is being built."""

    name: str
    kind: str = "person"
    title: str | None = None
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
    def role(self) -> str | None:
        if not self.title:
            return self.described
        if self.described and self.title.lower() in self.described.lower() and self.title.lower() != "minister" \
                and len(self.described.split()) > len(self.title.split()) + 1:
            return self.described  # "Deputy governor of the bank" says more than "Governor"
        where = self.affiliation
        if self.dept and self.dept in NATIONAL_ORG_NAMES:
            return f"{self.title} of {self.dept}"
        if self.dept:
            base = f"{self.title} of the {self.dept}"
            return f"{base} of {where}" if where and where != self.org else base
        if self.org:
            return f"{self.title} of {self.org}"
        return f"{self.title} of {where}" if where else self.title
