"""The documentation: a README a newcomer reads in five minutes, and links that resolve.

Checks README.md, CHANGELOG.md and docs/*.md: every relative markdown link names an existing
file, and an `#anchor` into a markdown file names one of its headings (GitHub's slug rule).
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, ROOT / "CHANGELOG.md", *DOCS]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")  # [text](target); the text may wrap
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def prose(path):
    """A markdown file's text without its fenced code blocks."""
    return FENCE.sub("", path.read_text())


def slug(heading):
    """GitHub's anchor of a heading: lowercase, punctuation but hyphens dropped, spaces to -."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def relative_links(path):
    return [t for t in LINK.findall(prose(path)) if not re.match(r"(https?|mailto):", t)]


def broken_links(path):
    """'file: target (why)' for each relative link of `path` that does not resolve."""
    broken = []
    for target in relative_links(path):
        file, _, anchor = target.partition("#")
        linked = (path.parent / file) if file else path
        if not linked.is_file():
            broken.append(f"{path.name}: {target} (no such file)")
        elif anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", prose(linked), re.M)
            if anchor not in {slug(h) for h in headings}:
                broken.append(f"{path.name}: {target} (no such heading)")
    return broken


def test_readme_is_at_most_150_lines():
    assert len(README.read_text().splitlines()) <= 150


def test_readme_gives_the_two_set_up_commands():
    text = README.read_text()
    assert "make demo" in text
    assert "make test" in text


def test_every_relative_link_resolves():
    assert sum(len(relative_links(p)) for p in PAGES) > 20  # the pages do link
    assert [b for p in PAGES for b in broken_links(p)] == []


def test_the_readme_links_every_docs_page():
    linked = {(ROOT / t.partition("#")[0]).resolve() for t in relative_links(README)}
    assert [p.name for p in DOCS if p.resolve() not in linked] == []


def test_the_link_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "other.md").write_text("# Other\n\n## Genome-wide candidates: `e2g`, x\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[ok](other.md#genome-wide-candidates-e2g-x) [web](https://example.org/x.md)\n"
        "[gone](missing.md) [bad](other.md#nowhere) [top](#title)\n\n"
        "```\n# not a heading, [not](a-link.md)\n```\n"
    )
    assert broken_links(page) == [
        "page.md: missing.md (no such file)",
        "page.md: other.md#nowhere (no such heading)",
        "page.md: #title (no such heading)",
    ]
