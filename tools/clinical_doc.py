"""Write docs/clinical.md from graded_exposure/rules/clinical_sources.py.

    .venv/bin/python -m tools.clinical_doc          # rewrite docs/clinical.md
tests/rules/test_clinical_sources.py fails while the file differs from what this writes.
"""
from pathlib import Path

from graded_exposure.rules.clinical_sources import (
    DEFAULTS,
    SOURCES,
    TECHNICAL,
    sources_of,
)

DOC = Path(__file__).resolve().parent.parent / "docs" / "clinical.md"


def render() -> str:
    """Return the document: every default with its value, meaning, family wording and sources."""
    lines = [
        "# Clinical defaults and where they come from",
        "",
        "Written by `.venv/bin/python -m tools.clinical_doc` from",
        "`graded_exposure/rules/clinical_sources.py`; edit that file, not this one. Values are",
        "read from the code. \"Brave Steps team\" as a source means no study fixes the number:",
        "it is our default, and the other sources named are what it leans on. The families'",
        "version of this page is in the app at `/why`.",
        "",
    ]
    for default in DEFAULTS:
        lines += [f"## `{default.name}` = {default.shown}", "",
                  f"- What it does: {default.meaning}",
                  f"- In the family's words: {default.plain_text}",
                  "- Sources:"]
        lines += [f"  - {source.citation}" for source in sources_of(default)]
        lines.append("")
    lines += ["## Numbers that are not clinical choices", ""]
    lines += [f"- `{name}`: {why}" for name, why in TECHNICAL.items()]
    lines += ["", "## Every source", ""]
    lines += [f"- {source.citation}" for source in SOURCES.values()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render())
    print(f"Wrote {DOC}")
