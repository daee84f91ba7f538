"""The family's "why" page: every default in plain words with its sources, linked from insights."""
from graded_exposure.rules import flags
from graded_exposure.rules.clinical_sources import DEFAULTS


def test_the_why_page_lists_every_default_with_its_sources(client):
    response = client.get("/why")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for default in DEFAULTS:
        assert f'id="{default.anchor}"' in html
    assert f"After {flags.NO_PRACTICE_DAYS} days without practice" in html
    assert "Lebowitz, E. R., Woolston, J." in html  # a citation, under "Where this comes from"


def test_the_insights_explanation_links_to_it(family):
    html = family.client.get(f"/children/{family.child.id}/insights").get_data(as_text=True)
    assert '/why#avoidance-trap-calm-max"' in html
