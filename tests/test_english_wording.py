"""What the English interface says, where its wording is easy to get wrong: the data it
asks for is printed in Vietnamese documents, counts take the plural, numbers follow the
page's language, and one word names one thing (the pages' own names, signing in)."""

from __future__ import annotations

import re
from html import unescape

from tests.test_accessibility import in_english


def _text(html: str) -> str:
    """The page's text, tags removed and spaces folded (a sentence may hold a link)."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def hint_of(html: str, field_id: str) -> str:
    return unescape(re.search(rf'<p class="hint" id="{field_id}-hint">(.*?)</p>', html,
                              re.S).group(1))


# --- what is printed as typed is asked for in Vietnamese -----------------------------------


def test_the_achievement_hint_keeps_its_vietnamese_example_in_english(client, world, login):
    """Article 1 prints the achievement as typed ("đã có ..."): an English example would
    invite English into the decision."""
    login(world.officer_a)
    in_english(client, "/proposals/new")
    hint = hint_of(client.get("/proposals/new").text, "achievement")
    assert "Printed in Article 1 of the decision as typed" in hint
    assert "in Vietnamese" in hint
    assert hint.endswith("e.g. đã có thành tích xuất sắc trong phong trào thi đua ... năm 2025")
