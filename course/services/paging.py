"""Pages of a long list: one type for the account list, the outbox and the report."""

from dataclasses import dataclass
from typing import Generic, TypeVar

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of a list: its rows, the total matching, the page number (from 1) and size."""

    rows: list[Row]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages there are; 1 when there is nothing to show."""
        return page_count(self.total, self.per_page)


class PageOutOfRangeError(LookupError):
    """A page number before the first or past the last; the message says how many there are."""


def page_count(total: int, per_page: int) -> int:
    """How many pages `total` rows fill, `per_page` a page; 1 when there are none."""
    return max(1, -(-total // per_page))


def offset(number: int, total: int, per_page: int, whole: str) -> int:
    """The offset of the first row of page `number`; raises PageOutOfRangeError if none.

    `whole` ends the refusal's message, which names how many pages there are: "There is no
    page 9: the report has 3." for `whole` "the report has".
    """
    pages = page_count(total, per_page)
    if number < 1 or number > pages:
        raise PageOutOfRangeError(f"There is no page {number}: {whole} {pages}.")
    return (number - 1) * per_page
