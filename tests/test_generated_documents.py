"""Generated documents: real article paragraphs wrapped in junk from the rule families, in new combinations.

Content is every "content" paragraph of the dev set's gold (tests/devset/gold.jsonl) that has
no fragment to cut and is at least 80 characters long. Junk is every whole body paragraph a
golden case (tests/cases/boilerplate_<lang>.json) removes by a ``line`` rule, grouped by the
rule's position: ``any`` junk goes anywhere, ``head`` junk only within the first
``head_window`` paragraphs, ``tail`` junk only within the last ``tail_window``. A line rule
decides on the paragraph alone (a fullmatch, gated by position and length), so each item goes
wherever it is put within its window, whatever its neighbours.

The cleaner must keep every content paragraph, unchanged and in order, remove every junk
paragraph, and record each removal at the paragraph's index before stripping.
"""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanpipe.boilerplate import strip_boilerplate
from cleanpipe.config import Config
from cleanpipe.document import Document
from cleanpipe.pipeline import lexicon_for, rules_for

from conftest import TESTS

CONFIG = Config()
RULES = rules_for(CONFIG)
LEXICON = lexicon_for(CONFIG)
RULES_BY_ID = {rule.id: rule for rule in RULES}
HEAD, TAIL = CONFIG.head_window, CONFIG.tail_window
TITLE = "A headline for a generated story"

CONTENT_MIN_CHARS = 80  # shorter content (a one-line caption, a dateline) is not what this test is about


def clean(paragraphs):
    doc = Document(source="gen.txt", kind="text", title=TITLE)
    doc.paragraphs = list(paragraphs)
    return strip_boilerplate(doc, RULES, CONFIG.head_window, CONFIG.tail_window, lexicon=LEXICON)


def _load_content() -> tuple[str, ...]:
    texts: dict[str, None] = {}
    for line in (TESTS / "devset" / "gold.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        for paragraph in json.loads(line)["paragraphs"]:
            if (paragraph["label"] == "content" and not paragraph.get("fragments")
                    and len(paragraph["text"]) >= CONTENT_MIN_CHARS):
                texts.setdefault(paragraph["text"], None)
    return tuple(texts)


def _load_junk() -> dict[str, tuple[tuple[str, str], ...]]:
    """(rule id, text) of every whole paragraph a case removes by a line rule, by the rule's position.

    Small print beside consent chrome goes with its neighbour's rule (see
    :func:`cleanpipe.lexicon.drop_chrome_remnants`), which may be a line rule: only a
    paragraph that also goes when it stands alone is junk that goes wherever it is put."""
    junk: dict[str, dict[str, str]] = {"any": {}, "head": {}, "tail": {}}
    for path in sorted((TESTS / "cases").glob("boilerplate_*.json")):
        for case in json.loads(path.read_text("utf-8")):
            for rule_id, text in case["removed"]:
                rule = RULES_BY_ID.get(rule_id)  # structure.* rules are built in, not loaded
                if rule is None or rule.kind != "line" or text not in case["body"] or clean([text]).paragraphs:
                    continue
                junk[rule.where].setdefault(text, rule_id)
    return {where: tuple((rule_id, text) for text, rule_id in items.items()) for where, items in junk.items()}


CONTENT = _load_content()
JUNK = _load_junk()
ANY_JUNK, HEAD_JUNK, TAIL_JUNK = JUNK["any"], JUNK["head"], JUNK["tail"]
_CONTENT_SET = set(CONTENT)


def test_the_pools_are_what_the_generator_needs():
    assert len(CONTENT) >= 200
    assert len(ANY_JUNK) >= 200 and HEAD_JUNK and TAIL_JUNK
    junk_texts = [text for items in JUNK.values() for _, text in items]
    assert len(junk_texts) == len(set(junk_texts))  # one position per junk text
    assert not _CONTENT_SET & set(junk_texts)


# --- the generator ------------------------------------------------------------

def _text(item):
    return item[1]


@st.composite
def parts(draw):
    """What goes into a document: content paragraphs and junk items by position, no text twice."""
    content = draw(st.lists(st.sampled_from(CONTENT), min_size=3, max_size=8, unique=True))
    any_junk = draw(st.lists(st.sampled_from(ANY_JUNK), max_size=4, unique_by=_text))
    head = draw(st.lists(st.sampled_from(HEAD_JUNK), max_size=2, unique_by=_text))
    tail = draw(st.lists(st.sampled_from(TAIL_JUNK), max_size=2, unique_by=_text))
    return content, any_junk, head, tail


@st.composite
def layouts(draw, parts):
    """A body laid out from ``parts``: head junk at indices below HEAD, tail junk at the last TAIL
    indices, content and any-position junk interleaved in the rest (content keeps its order).

    Returns ``(paragraphs, roles)`` with roles[i] one of "content", "any", "head", "tail".
    """
    content, any_junk, head, tail = parts
    count = len(content) + len(any_junk) + len(head) + len(tail)
    # Head and tail windows overlap only in short bodies; then head + tail <= 3 leaves room for both.
    head_at = draw(st.lists(st.sampled_from(range(min(HEAD, count))), min_size=len(head), max_size=len(head), unique=True))
    free_tail = [i for i in range(max(0, count - TAIL), count) if i not in head_at]
    tail_at = draw(st.lists(st.sampled_from(free_tail), min_size=len(tail), max_size=len(tail), unique=True)) if tail else []
    head_items = draw(st.permutations(head))
    tail_items = draw(st.permutations(tail))
    middle = draw(st.permutations(["content"] * len(content) + ["any"] * len(any_junk)))
    any_items = iter(draw(st.permutations(any_junk)))
    content_items = iter(content)
    placed = dict(zip(sorted(head_at), (("head", t) for _, t in head_items)))
    placed.update(zip(sorted(tail_at), (("tail", t) for _, t in tail_items)))
    roles_middle = iter(middle)
    paragraphs, roles = [], []
    for index in range(count):
        if index in placed:
            role, text = placed[index]
        else:
            role = next(roles_middle)
            text = next(content_items) if role == "content" else next(any_items)[1]
        paragraphs.append(text)
        roles.append(role)
    return paragraphs, roles


def check(paragraphs, roles):
    count = len(paragraphs)
    for index, role in enumerate(roles):  # the generator's own promise: each item inside its window
        assert role != "head" or index < HEAD
        assert role != "tail" or index >= count - TAIL
    doc = clean(paragraphs)
    content = [(p, i) for i, (p, role) in enumerate(zip(paragraphs, roles)) if role == "content"]
    junk = {i: p for i, (p, role) in enumerate(zip(paragraphs, roles)) if role != "content"}
    removed = [(r["para"], r["rule"], r["text"]) for r in doc.removed]
    # (1) every content paragraph stays, unchanged, in order, from where it was
    assert doc.paragraphs == [p for p, _ in content], removed
    assert doc.origins == [i for _, i in content]
    # (2) no junk paragraph remains
    assert not set(doc.paragraphs) - _CONTENT_SET
    # (3) every junk paragraph is recorded where it was, and nothing else is
    assert {para for para, _, _ in removed} == set(junk), removed
    for para, rule, text in removed:
        assert text == junk[para] or " ".join(text.split()) in " ".join(junk[para].split()), (para, rule, text)
    return doc


SETTINGS = settings(max_examples=300, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.data())
def test_content_stays_and_junk_goes(data):
    paragraphs, roles = data.draw(layouts(data.draw(parts())))
    check(paragraphs, roles)


@SETTINGS
@given(st.data())
def test_cleaning_is_deterministic_and_junk_placement_does_not_matter(data):
    drawn = data.draw(parts())
    paragraphs, roles = data.draw(layouts(drawn))
    first, second = clean(paragraphs), clean(paragraphs)
    assert (first.paragraphs, first.origins, first.removed) == (second.paragraphs, second.origins, second.removed)
    # The same parts with the junk shuffled to other allowed places: the content still all stays.
    shuffled, shuffled_roles = data.draw(layouts(drawn))
    doc = check(shuffled, shuffled_roles)
    assert doc.paragraphs == first.paragraphs
