"""HTML to main text and metadata, with trafilatura, under a per-document time limit."""

import copy
import html as html_lib
import json
import re
import threading
from collections.abc import Callable

import trafilatura
from htmldate import find_date
from trafilatura.metadata import examine_meta, extract_meta_json, extract_title, extract_url
from trafilatura.settings import Document as TrafilaturaDocument
from trafilatura.utils import load_html

from cleanpipe import reasons
from cleanpipe.document import Document
from cleanpipe.errors import Rejected
from cleanpipe.sites import SiteProfile, apply_profile, profile_for

# trafilatura's options, chosen on bench/quality.py (see bench/results/quality.md).
EXTRACT_OPTIONS = {
    "include_comments": False,  # reader comments are not the article
    "include_tables": True,  # tables in news are content (results, polls, figures)
}

# Dates from the page's markup and metadata only. htmldate's extensive search (trafilatura's
# default) falls back to parsing free text with dateparser: 1.6 s on some pages, half of
# all extraction time on the benchmark pages, for dates it guesses (8 of 100 pages there,
# "1996-01-01" among them); on the other 92 the date is the same (bench/results/throughput.md).
DATE_OPTIONS = {"extensive_search": False, "original_date": True}

# JSON-LD blocks longer than this are left out of the metadata search. Title, URL and date
# sit in blocks of a few KB (the largest of 1,658 blocks on 1,581 benchmark and corpus
# pages but one was 37 KB); the exception, a live blog's 840 KB of updates, cost trafilatura's
# JSON-LD reader 1 s, 5% of all extraction time on the 1,000 pages of `make bench`.
MAX_JSON_LD_CHARS = 100_000
_JSON_LD = './/script[@type="application/ld+json" or @type="application/settings+json"]'


def extract_html(doc: Document, timeout_seconds: float = 0.0, profiles: dict[str, SiteProfile] | None = None) -> Document:
    """Replace an HTML document's markup by its main text; fill title, url and date.

    Metadata given by the input (a JSONL record's own title or url) wins over the page's.
    Plain-text documents pass through unchanged.

    Args:
        doc: a decoded document.
        timeout_seconds: give up on a page whose extraction takes longer than this
            (``Config.extract_timeout_seconds``); 0 means no limit.
        profiles: site profiles by host (:func:`cleanpipe.sites.load_site_profiles`); the
            page's own, if any, is applied before extraction. None: no profiles.

    Returns:
        The document with its main text in ``text`` and ``kind`` set to "text".

    Raises:
        Rejected: ``no_content`` when trafilatura finds no main text; ``extract_timeout``
            when it has not finished within ``timeout_seconds``.
    """
    if doc.kind != "html":
        return doc
    html, url = doc.text, doc.url
    result, meta = call_with_deadline(lambda: _extract(html, url, profiles), timeout_seconds)
    if result is None or not (result.text or "").strip():
        raise Rejected(reasons.NO_CONTENT, "trafilatura found no main text")
    doc.text = result.text
    doc.title = doc.title or meta.title
    doc.url = doc.url or meta.url
    doc.published = doc.published or meta.date
    doc.kind = "text"
    doc.from_html = True
    return doc


def _extract(html: str, url: str | None, profiles: dict[str, SiteProfile] | None = None):
    """Parse once; (trafilatura's main-text result, the page's title/url/date), or (None, None).

    Before trafilatura reads the page, its site's profile (found by the input's URL, else the
    page's own) narrows it (:mod:`cleanpipe.sites`) and chrome it would take for text is
    pruned (:func:`prune_chrome`); a body split over a repeated layout and cut short is read
    again joined (:func:`split_body`); after, a body it missed or cut short is taken from the
    page's own copy of the article (:func:`fallback_body`), paragraphs restating an author's
    JSON-LD profile go (:func:`drop_author_bios`), and the standfirst the page shows opens the
    text when the body lacks it (:func:`standfirst`)."""
    tree = load_html(html)
    if tree is None:
        return None, None
    meta = page_metadata(tree, url)
    # read before pruning (trafilatura drops scripts from its copy only), each script parsed once
    json_ld = _json_ld_values(tree, ("articleBody", '"description"'))
    article_body = _json_ld_article_body(json_ld)
    profile = profile_for(url or meta.url, profiles) if profiles else None
    if profile is not None:
        tree = apply_profile(tree, profile)
    prune_chrome(tree)
    result = trafilatura.bare_extraction(tree, url=url, **EXTRACT_OPTIONS)
    text = result.text if result is not None else ""
    columns = split_body(tree) if text else None
    if columns and misses_columns(text, columns):
        joined_tree = copy.deepcopy(tree)  # rare; the page stays as it was if joining reads no more
        join_columns(split_body(joined_tree))
        joined = trafilatura.bare_extraction(joined_tree, url=url, **EXTRACT_OPTIONS)
        if joined is not None and len(joined.text or "") > len(text):
            tree, result, text = joined_tree, joined, joined.text
    better = fallback_body(text or "", html, article_body)
    if better is not None:
        if result is None:
            result = TrafilaturaDocument()
        result.text = text = better
    if text:
        bios = _json_ld_author_bios(json_ld)
        if bios:
            result.text = text = drop_author_bios(text, bios)
        lead = standfirst(tree, text)
        if lead is not None:
            result.text = lead + "\n" + text
    return result, meta


# --- the standfirst: the summary under the headline, which trafilatura often leaves out ------

# The page's description is its standfirst when the page shows it as text of its own (a
# site-wide description is in no element) and the body does not already hold it. Found by
# its opening, or past a dateline ("Berlin. Die ..."), or by its end.
_STANDFIRST_MIN_WORDS = 6
_STANDFIRST_MIN_CHARS_UNSPACED = 20  # the same, in a script written without spaces
_STANDFIRST_KEY_CHARS = 40
_STANDFIRST_MAX_GROWTH = 1.6  # the element shown may add a dateline or a sentence, not a page
_STANDFIRST_SEEN_SHARE = 0.8  # of its words already in the body's opening: the body holds it
_STANDFIRST_BLOCKS = ("p", "div", "h2", "span", "strong", "section", "header")
_SHOWING = "//*[" + " or ".join(f"self::{tag}" for tag in _STANDFIRST_BLOCKS) + "][contains(., $key)]"
_DESCRIPTION = ('//meta[@property="og:description"]/@content|//meta[@name="description"]/@content'
                '|//meta[@name="twitter:description"]/@content')


def standfirst(tree, text: str) -> str | None:
    """The page's standfirst when the extracted ``text`` lacks it, as the page shows it, or None."""
    descriptions = [" ".join(value.split()) for value in tree.xpath(_DESCRIPTION)]
    description = next((value for value in descriptions if value), "")
    words = description.split()
    spaced = description.count(" ") >= _SPACED_MIN_SPACES
    if ((len(words) < _STANDFIRST_MIN_WORDS if spaced else len("".join(words)) < _STANDFIRST_MIN_CHARS_UNSPACED)
            or description.endswith(("...", "…"))):
        return None
    opening = " ".join(text.splitlines()[:8])
    if _seen(description, opening):
        return None
    longest = len(description) * _STANDFIRST_MAX_GROWTH + 40
    for key in (description[:_STANDFIRST_KEY_CHARS], description[15:15 + _STANDFIRST_KEY_CHARS],
                description.rstrip(".…")[-_STANDFIRST_KEY_CHARS:]):
        if len(key) < _STANDFIRST_KEY_CHARS or '"' in key:
            continue
        shown = [" ".join(element.text_content().split()) for element in tree.xpath(_SHOWING, key=key)]
        shown = [value for value in shown if key in value and len(value) <= longest]
        if shown:
            lead = min(shown, key=len)
            if lead[:_STANDFIRST_KEY_CHARS] in " ".join(text.split()):
                return None  # a sentence of the body the page also put in its description
            if _seen(lead, opening):
                return None
            return lead
    return None


_SPACED_MIN_SPACES = 5  # a candidate with fewer is in a script written without spaces (Japanese, Chinese)


def _units(text: str, spaced: bool) -> list[str]:
    """What texts are compared by: case-folded words, or character pairs in a script without spaces."""
    if spaced:
        return [word.casefold() for word in text.split()]
    letters = "".join(text.split())
    return [letters[i:i + 2] for i in range(len(letters) - 1)]


def _seen(candidate: str, opening: str) -> bool:
    """Whether most of a candidate standfirst is already in the body's opening."""
    spaced = candidate.count(" ") >= _SPACED_MIN_SPACES
    units, known = _units(candidate, spaced), set(_units(opening, spaced))
    return bool(units) and sum(unit in known for unit in units) >= _STANDFIRST_SEEN_SHARE * len(units)


# --- pruning: chrome that trafilatura would take for the article's text ---------------

# Link cards: a paragraph or heading inside a link is a teaser of another story ("<a><h3>...
# </h3><p>...</p></a>"), never the story's own text, which links words, not whole blocks.
_CARD_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6")
# Infinite scroll appends the next story as a second top-level <article> with its own <h1>;
# a story's own embedded article (a quoted post, a card) sits inside the first or is short,
# and a forum's posts or a recipe's parts, each an <article>, have no <h1> of their own.
_SECOND_ARTICLE_MIN_CHARS = 1000


def prune_chrome(tree) -> None:
    """Remove link cards, a second top-level story and headed lists of links from a parsed page,
    and turn layout tables into blocks, in place."""
    articles = [element for element in tree.iter("article")
                if not any(ancestor.tag == "article" for ancestor in element.iterancestors())]
    if len(articles) >= 2:
        stories = [element for element in articles if len(element.text_content()) >= _SECOND_ARTICLE_MIN_CHARS
                   and next(element.iter("h1"), None) is not None]
        for element in stories[1:]:
            element.drop_tree()
    for element in list(tree.iter(*_CARD_BLOCKS)):
        if any(ancestor.tag == "a" for ancestor in element.iterancestors()) or (element.tag == "p" and _is_link(element)):
            element.drop_tree()
    for listing in list(tree.iter("ul", "ol")):
        heading = _heading_before(listing)
        if heading is not None and _is_link_list(listing):
            heading.drop_tree()
            listing.drop_tree()
    for table in list(tree.iter("table")):
        if _is_layout(table):
            # its own rows and cells only: a data table inside one of its cells stays a table
            own = [element for element in table.iter("thead", "tbody", "tfoot", "tr", "td", "th")
                   if next(element.iterancestors("table")) is table]
            for element in [table, *own]:
                element.tag = "div"


# A body split into columns: some sites lay each stretch of the story out in a grid row of
# its own beside an ad rail ("article__body" twice over on a Wired page, each in a "grid"),
# and trafilatura takes the first matching container, a third of the story. The containers
# holding most of the page's prose share a tag and first class (rp.pl's last stretch drops a
# spacing modifier the others carry), are no siblings (siblings are one body already, and
# joining them would move a subheading between them out of order), and their parents share a
# tag and first class too: one layout repeated, not a blog's list of posts or a page's
# widgets. When the extraction misses a good part of their prose, their children are
# appended, in page order, to the first, and the page is read again.
_PROSE_MIN_CHARS = 150  # a paragraph of the story; a teaser's or a caption's is shorter
_SPLIT_BODY_SHARE = 0.5  # of the page's prose in those containers: they are the body
_MISSED_SHARE = 0.5  # prose missed, against prose found, that makes the extraction cut short
_PROSE_KEY_CHARS = 60  # a paragraph's opening, looked for in the extraction
_NOT_BODY_CLASSES = ("comment", "reply")  # comments share a class too, and are no body


def split_body(tree) -> list | None:
    """The containers of a body split over a repeated layout, in page order, or None."""
    prose: dict = {}
    for paragraph in tree.iter("p"):
        parent = paragraph.getparent()
        chars = len(paragraph.text_content())
        if chars >= _PROSE_MIN_CHARS and parent is not None:
            prose[parent] = prose.get(parent, 0) + chars
    groups: dict = {}
    for container in prose:
        css = container.get("class")
        if css and css.split() and not any(word in css.casefold() for word in _NOT_BODY_CLASSES):
            groups.setdefault(_layout_key(container), []).append(container)
    if not groups:
        return None
    containers = max(groups.values(), key=lambda group: sum(prose[c] for c in group))
    if len(containers) < 2 or sum(prose[c] for c in containers) < _SPLIT_BODY_SHARE * sum(prose.values()):
        return None
    parents = [container.getparent() for container in containers]  # held: lxml compares proxies by identity
    if (any(parent is other for i, parent in enumerate(parents) for other in parents[:i])
            or len({_layout_key(parent) for parent in parents}) > 1
            or any(ancestor is containers[0] for c in containers[1:] for ancestor in c.iterancestors())):
        return None
    return containers


def _layout_key(element) -> tuple:
    """An element's tag and first class: the stretches of one layout may differ in a modifier class."""
    return element.tag, next(iter((element.get("class") or "").split()), "")


def misses_columns(text: str, containers: list) -> bool:
    """Whether an extraction holds some of the containers' prose and misses a good part of it."""
    found = missed = 0
    flat = " ".join(text.split())
    for container in containers:
        for paragraph in container.iter("p"):
            words = " ".join(paragraph.text_content().split())
            if len(words) >= _PROSE_MIN_CHARS:
                if words[:_PROSE_KEY_CHARS] in flat:
                    found += len(words)
                else:
                    missed += len(words)
    return found > 0 and missed >= _MISSED_SHARE * found


def join_columns(containers: list) -> None:
    """Append the later containers' children to the first, in page order, and drop them."""
    first = containers[0]
    for container in containers[1:]:
        for child in list(container):
            first.append(child)
        container.drop_tree()


# A list of links under a heading of its own ("More Great WIRED Stories", "Related", "Mehr zum
# Thema") is a block of other stories: every item holds a link that carries most of its text.
# (Lists of links without the heading were tried: +0.16 ROUGE-LSum on fundus, but a blog's
# references and a wiki's lists are content: trafilatura-eval recall -0.0055.)
_LINK_LIST_MIN_ITEMS = 3
_LINK_ITEM_SHARE = 0.4  # of an item's text inside its link: Wired links half a headline
_LINK_ITEMS_SHARE = 0.5  # of the items mostly a link: a promo may close the list ("Want the best tools? Check out ...")
_LIST_HEADING_MAX_WORDS = 8
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")


def _heading_before(listing):
    """The heading just above a list (an h2-h6, or a block whose class names a heading or title), or None."""
    previous = listing.getprevious()
    while previous is not None and not previous.text_content().strip():
        previous = previous.getprevious()
    if previous is None:
        return None
    css = (previous.get("class") or "").casefold()
    text = previous.text_content().split()
    if ((previous.tag in _HEADINGS or "heading" in css or "title" in css)
            and 0 < len(text) <= _LIST_HEADING_MAX_WORDS and not text[-1].endswith(".")):
        return previous
    return None


def _is_link_list(listing) -> bool:
    """Whether most items of a list (three or more) are mostly a link's text, and all hold one."""
    items = [child for child in listing if child.tag == "li"]
    if len(items) < _LINK_LIST_MIN_ITEMS:
        return False
    linked_items = 0
    for item in items:
        text, linked = _link_chars(item)
        if not linked:
            return False
        linked_items += linked >= _LINK_ITEM_SHARE * text
    return linked_items >= _LINK_ITEMS_SHARE * len(items)


# A table that lays out the page rather than holding data: a cell of 1,000 characters or
# more is a column of the page, not a datum. trafilatura reads a table cell as one line of
# the table, so a page laid out in a table came out as one paragraph, the story glued to its
# sidebars; its cells become blocks instead. (A cell holding a <p> too was tried: no better.)
_LAYOUT_CELL_CHARS = 1000


def _is_layout(table) -> bool:
    """Whether a table lays out the page (a cell is a column of prose), not rows of data."""
    return any(len(cell.text_content()) >= _LAYOUT_CELL_CHARS
               for cell in table.iter("td", "th"))


_LINK_SHARE = 0.8  # of a paragraph's text inside links: it is a teaser ("Read more: <a>...</a>"), not prose


def _is_link(element) -> bool:
    """Whether most of an element's text is inside links."""
    text, linked = _link_chars(element)
    return text > 0 and linked >= _LINK_SHARE * text


def _link_chars(element) -> tuple[int, int]:
    """An element's characters of text, and how many of them are inside links (white space folded)."""
    text = len(" ".join(element.text_content().split()))
    return text, sum(len(" ".join(anchor.text_content().split())) for anchor in element.iter("a"))


# --- fallbacks: the page's own copy of a body trafilatura missed ----------------------

# JSON-LD articleBody replaces an extraction that has under this share of its words, and
# only when it has paragraphs (three or more lines: one run-on line is no better text) and
# opens like the extraction (the same story, not a teaser's or a sister site's).
_ARTICLE_BODY_MIN_SHARE = 0.6
_ARTICLE_BODY_MIN_PARAGRAPHS = 3
_SAME_STORY_SHARE = 0.5  # of the extraction's opening words found in the articleBody
_NEXT_PUSH = re.compile(r'self\.__next_f\.push\(\[1,"((?:[^"\\]|\\.)*)"\]\)')
_NEXT_TEXT_ROW = re.compile(r"(?:^|\n)[0-9a-z]+:T([0-9a-f]+),")


def fallback_body(text: str, html: str, article_body: str | None) -> str | None:
    """A better body than trafilatura's ``text``, from the page's JSON-LD or Next.js payload, or None.

    - JSON-LD ``articleBody`` when the extraction is much shorter and the same story
      (a paywall wrapper or a lazy-loaded body hid paragraphs from trafilatura);
    - the HTML rows of a Next.js flight payload when the extraction is empty (the page's
      body is rendered by script from that payload).
    """
    if article_body:
        paragraphs = [" ".join(line.split()) for line in article_body.splitlines() if line.strip()]
        body_words = sum(len(paragraph.split()) for paragraph in paragraphs)
        words = text.split()
        if (len(paragraphs) >= _ARTICLE_BODY_MIN_PARAGRAPHS and len(words) < _ARTICLE_BODY_MIN_SHARE * body_words
                and _same_story(words, paragraphs)):
            return "\n".join(paragraphs)
    if not text.strip() and "self.__next_f.push" in html:
        payload_html = _next_payload_html(html)
        if payload_html:
            return trafilatura.extract(payload_html, **EXTRACT_OPTIONS) or None
    return None


def _same_story(words: list[str], paragraphs: list[str]) -> bool:
    """Whether the extraction's opening words are mostly in the articleBody (an empty extraction is any story's)."""
    opening = [word.casefold() for word in words[:60]]
    if not opening:
        return True
    body = {word.casefold() for paragraph in paragraphs for word in paragraph.split()}
    return sum(word in body for word in opening) >= _SAME_STORY_SHARE * len(opening)


def _json_ld_values(tree, markers: tuple[str, ...]) -> list:
    """The parsed JSON-LD scripts of the page whose text holds one of ``markers`` (a broken or huge one is skipped)."""
    values = []
    for script in tree.xpath(_JSON_LD):
        if (not script.text or not any(marker in script.text for marker in markers)
                or len(script.text) > MAX_JSON_LD_CHARS):
            continue
        try:
            values.append(json.loads(script.text))
        except ValueError:
            continue
    return values


def _json_ld_article_body(json_ld: list) -> str | None:
    """The longest ``articleBody`` in the page's parsed JSON-LD, markup and entities removed, or None."""
    bodies = [body for data in json_ld for body in _article_bodies(data)]
    if not bodies:
        return None
    body = max(bodies, key=len)
    return html_lib.unescape(_TAG.sub(" ", body) if "<" in body else body)


_TAG = re.compile(r"<[^>]+>")

# The author box under a story restates the author's profile, which the page's JSON-LD holds
# as the author's (or creator's) "description" ("A 38-year industry veteran and award-winning
# journalist, Lance has covered technology since ..."): a paragraph found in it is the box's.
_AUTHOR_KEYS = ("author", "creator")
_BIO_MIN_CHARS = 60  # a paragraph this long found in a profile is no coincidence; a name is shorter


def _json_ld_author_bios(json_ld: list) -> list[str]:
    """The descriptions of the authors in the page's parsed JSON-LD, whitespace folded, markup and entities removed."""
    bios = [bio for data in json_ld for bio in _author_descriptions(data, under_author=False)]
    return [" ".join(html_lib.unescape(_TAG.sub(" ", bio)).split()) for bio in bios if len(bio) >= _BIO_MIN_CHARS]


def _author_descriptions(data, under_author: bool) -> list[str]:
    """Every ``description`` string of a value under an ``author`` or ``creator`` key."""
    if isinstance(data, dict):
        found = [data["description"]] if under_author and isinstance(data.get("description"), str) else []
        return found + [bio for key, value in data.items()
                        for bio in _author_descriptions(value, under_author or key in _AUTHOR_KEYS)]
    if isinstance(data, list):
        return [bio for item in data for bio in _author_descriptions(item, under_author)]
    return []


def drop_author_bios(text: str, bios: list[str]) -> str:
    """``text`` without the paragraphs (60 characters or more) that an author's profile holds."""
    kept = [line for line in text.split("\n")
            if len(folded := " ".join(line.split())) < _BIO_MIN_CHARS or not any(folded in bio for bio in bios)]
    return "\n".join(kept)


def _article_bodies(data) -> list[str]:
    """Every ``articleBody`` string in a JSON-LD value."""
    if isinstance(data, dict):
        return [v for k, v in data.items() if k == "articleBody" and isinstance(v, str)] + [
            body for k, v in data.items() if k != "articleBody" for body in _article_bodies(v)]
    if isinstance(data, list):
        return [body for item in data for body in _article_bodies(item)]
    return []


def _next_payload_html(html: str) -> str | None:
    """The HTML text rows of a Next.js flight payload (``<id>:T<hex length>,<html>``), as one page, or None."""
    try:
        payload = "".join(json.loads('"' + chunk + '"') for chunk in _NEXT_PUSH.findall(html))
    except ValueError:
        return None
    data = payload.encode("utf-8")
    rows = []
    for match in _NEXT_TEXT_ROW.finditer(payload):
        start = len(payload[:match.end()].encode("utf-8"))
        row = data[start:start + int(match.group(1), 16)].decode("utf-8", "replace")
        if "<p" in row:
            rows.append(row)
    return "<html><body><article>" + "\n".join(rows) + "</article></body></html>" if rows else None


def page_metadata(tree, url: str | None) -> TrafilaturaDocument:
    """Title, URL and date of a parsed page, as ``trafilatura.extract_metadata`` finds them.

    The same steps in the same order (meta tags, JSON-LD, the title heuristics, the
    canonical URL, htmldate) without the fields cleanpipe does not keep (author, site
    name, categories, tags, licence), which cost most of its ~8 ms a page. Of JSON-LD
    trafilatura takes only a title the meta tags lack, so it is read only then.
    """
    meta = examine_meta(tree)
    if not meta.title:
        meta = _title_from_json_ld(tree, meta)
    meta.title = meta.title or extract_title(tree)
    meta.url = meta.url or extract_url(tree, url)
    meta.date = find_date(tree, **DATE_OPTIONS, url=meta.url)
    meta.clean_and_trim()
    return meta


def _title_from_json_ld(tree, meta: TrafilaturaDocument) -> TrafilaturaDocument:
    """trafilatura's JSON-LD reading, over the blocks no longer than ``MAX_JSON_LD_CHARS``."""
    oversized = [(script, script.text) for script in tree.xpath(_JSON_LD)
                 if script.text and len(script.text) > MAX_JSON_LD_CHARS]
    for script, _ in oversized:
        script.text = None  # trafilatura's reader skips empty blocks
    try:
        return extract_meta_json(tree, meta)
    except Exception:  # noqa: BLE001 - trafilatura logs and ignores bugs in its JSON-LD parser too
        return meta
    finally:
        for script, text in oversized:
            script.text = text  # extraction may still want the block as a last-resort source of text


def call_with_deadline(work: Callable[[], object], timeout_seconds: float) -> object:
    """Run ``work()`` and return its result, or reject when it takes over ``timeout_seconds``.

    The work runs in a daemon thread that the caller waits on with a timeout. Unlike a
    signal alarm (main thread only) this works in Prefect's worker threads and in worker
    processes alike. Python cannot kill a thread, so a page that overruns is abandoned,
    not stopped: its thread runs on in the background until trafilatura returns, sharing
    the CPU, and never keeps the process from exiting. The batch moves on at once.

    Raises:
        Rejected: ``extract_timeout`` when the deadline passes first.
        Exception: whatever ``work`` raised, re-raised in the caller's thread.
    """
    if not timeout_seconds:
        return work()
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = work()
        except BaseException as exc:  # handed to the caller, who decides what it means
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="cleanpipe-extract", daemon=True)
    worker.start()
    worker.join(timeout_seconds)
    if worker.is_alive():
        raise Rejected(reasons.EXTRACT_TIMEOUT, f"extraction still running after {timeout_seconds:g} s; page abandoned")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]
