"""Paging for long lists: a page number read from the query string, clamped to the pages there are."""

from dataclasses import dataclass
from typing import Any, List, Sequence


@dataclass
class Page:
    items: List[Any]
    number: int  # 1-based
    pages: int
    total: int
    size: int

    @property
    def first_index(self) -> int:
        """1-based position of the first item shown (0 when there is none)."""
        return (self.number - 1) * self.size + 1 if self.items else 0


def page_of(items: Sequence[Any], requested: Any, size: int) -> Page:
    try:
        number = int(str(requested or "1"))
    except ValueError:
        number = 1
    pages = max(1, -(-len(items) // size))
    number = min(max(1, number), pages)
    start = (number - 1) * size
    return Page(list(items[start : start + size]), number, pages, len(items), size)
