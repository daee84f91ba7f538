"""Text cut to a limit ends with "…" and never splits what shows as one character: an emoji
made of several (a family, a skin tone, a flag) or a letter with its accent. Found from
outside: a step's variant title cut a family emoji apart and dropped the end without "…"."""
import pytest

from graded_exposure.rules.text_cut import shortened

FAMILY = "👨\u200d👩\u200d👧"  # five code points, one emoji
FLAG = "🇫🇷"  # two regional indicators


@pytest.mark.parametrize(("text", "limit", "cut"), [
    ("Walk to the gate", 40, "Walk to the gate"),
    ("Walk to the gate", 16, "Walk to the gate"),
    ("Walk to the gate", 10, "Walk to t…"),
    ("Walk to the gate", 1, "…"),
    ("ab" + FAMILY, 5, "ab…"),  # the family would be cut inside: it goes whole
    (FAMILY * 3, 8, FAMILY + "…"),
    (FLAG * 3, 4, FLAG + "…"),
    (FLAG * 3, 5, FLAG * 2 + "…"),
    ("Rene\u0301e and more", 6, "René…".replace("é", "e\u0301")),
    ("Rene\u0301e", 5, "Ren…"),
    ("👍🏽👍🏽", 2, "…"),
    ("👍🏽👍🏽x", 4, "👍🏽…"),
])
def test_a_cut_keeps_whole_characters_and_says_it_was_cut(text, limit, cut):
    assert shortened(text, limit) == cut
    assert len(shortened(text, limit)) <= limit


def test_the_variant_title_of_a_long_emoji_title_keeps_its_emoji_whole():
    from graded_exposure.rules.safety_fading import variant_title

    title = variant_title(FAMILY * 30, "Holding a hand", 120)
    assert title.endswith("… — without holding a hand") and len(title) <= 120
    assert title.split("…")[0].count(FAMILY) * len(FAMILY) == len(title.split("…")[0])
