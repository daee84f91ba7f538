"""axe-core (WCAG 2.0/2.1/2.2 A and AA) on a page as it stands, light and dark: one home for
the scan the browser tests share."""
from axe_playwright_python.sync_playwright import Axe

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING = {"serious", "critical"}
SCHEMES = ("light", "dark")
# A boosted link fades to 60 % while its request is out (.htmx-request, a 200 ms transition): a
# scan in that moment measures a half-faded button against the contrast bar, not the page.
SETTLED = """() => !document.querySelector('.htmx-request')
                && document.getAnimations().every(a => !(a instanceof CSSTransition))"""


def violations(page) -> list[tuple[str, str, str, str, str]]:
    """Every violation on the page once settled, as (scheme, impact, rule, target, summary)."""
    page.wait_for_function(SETTLED)
    found = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                           "resultTypes": ["violations"]})
        for violation in results.response["violations"]:
            for node in violation["nodes"]:
                found.append((scheme, violation["impact"], violation["id"],
                              ", ".join(map(str, node["target"])), node["failureSummary"]))
    page.emulate_media(color_scheme="light")
    return found


def serious(page) -> list[tuple[str, str, str, str, str]]:
    """The violations that block: serious or critical."""
    return [found for found in violations(page) if found[1] in BLOCKING]
