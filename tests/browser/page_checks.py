"""Checks no linter makes, run in the page: words broken inside table cells, and buttons or
links whose text cannot be read against what is behind them.

axe-core does not catch the second kind when the text has exactly the colour of its
background: it files a 1:1 ratio under "incomplete" (it may be a hiding technique), and the
Python wrapper asks for violations only. These checks compute the ratio themselves.
"""

from pathlib import Path

#: WCAG 2.x AA for normal text; our buttons and links are not "large text".
MINIMUM_CONTRAST = 4.5

HERE = Path(__file__).resolve().parent


def _script(name: str) -> str:
    """A function expression from a .js file beside this one, its leading comments dropped
    (Playwright calls the text only when it starts as a function does)."""
    lines = (HERE / name).read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("//")).strip()


BROKEN_WORDS = _script("broken_words.js")
LOW_CONTRAST = _script("low_contrast.js")


def broken_words(page) -> list[str]:
    """Words in table cells that wrap inside themselves (not after a hyphen), and date cells
    that take more than one line."""
    return page.evaluate(BROKEN_WORDS)


def low_contrast_controls(page, minimum: float = MINIMUM_CONTRAST) -> list[str]:
    """Visible buttons, links and summaries whose text contrast is below `minimum`."""
    return page.evaluate(LOW_CONTRAST, minimum)
