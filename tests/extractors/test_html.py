"""extractors.html: the block elements' holders found in one pass are those the
walk asked about one element at a time before (every element's descendants)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.html import block_holders, is_block, parse

FIXTURES = Path(__file__).parent.parent / "fixtures"
PAGES = sorted(
    path for path in FIXTURES.rglob("*.htm*") if path.suffix in (".htm", ".html")
)


def holds_a_block(element) -> bool:
    """The plain definition: some descendant is a block element."""
    return any(
        isinstance(d.tag, str) and is_block(d.tag) for d in element.iterdescendants()
    )


def test_fixture_pages_are_found() -> None:
    assert len(PAGES) >= 20


@pytest.mark.parametrize("path", PAGES, ids=lambda p: str(p.relative_to(FIXTURES)))
def test_block_holders_of_a_page_and_its_parts(path: Path) -> None:
    root = parse(path.read_bytes().decode("utf-8", errors="replace"))
    subtrees = [root, *root.iter("body", "table", "td", "div")][:40]
    for subtree in subtrees:
        found = block_holders(subtree)
        expected = {el for el in subtree.iter() if holds_a_block(el)}
        assert found == expected, f"{path.name}: {subtree.tag}"


def test_font_comments_and_inline_elements_hold_no_block() -> None:
    root = parse(
        "<html><body><div><font>a<b>b</b></font><!-- c --></div>"
        "<div><span><p>d</p></span></div><table><tr><td><font>e</font></td>"
        "</tr></table></body></html>"
    )
    tags = sorted(el.tag for el in block_holders(root))
    assert tags == ["body", "div", "html", "span", "table", "tr"]
