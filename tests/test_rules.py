import json
import tomllib
from importlib import resources
from pathlib import Path

import pytest

from cleanpipe.config import Config
from cleanpipe.errors import ConfigError
from cleanpipe.rules import load_lexicon, load_rules, rule_family, rule_index, rule_language

from conftest import TESTS


def write_pack(root, language, family, body):
    (root / language).mkdir(parents=True, exist_ok=True)
    (root / language / f"{family}.toml").write_text(body, encoding="utf-8")


def test_builtin_english_pack_loads_with_ids_families_and_gates():
    rules = load_rules(("en",))
    ids = [r.id for r in rules]
    assert "en.video.title-says" in ids and "en.consent.signup-consent" in ids
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule.id.startswith(f"{rule.language}.{rule.family}.")
        assert all(lit == lit.casefold() for lit in rule.literals)


def test_loaded_once():
    assert load_rules(("en",)) is load_rules(("en",))


def test_user_pack_from_extra_dir(tmp_path):
    write_pack(tmp_path, "en", "house", '[[rule]]\nname = "promo"\nliterals = ["promo"]\npattern = "PROMO.*"\n')
    rules = load_rules(("en",), (str(tmp_path),))
    [promo] = [r for r in rules if r.id == "en.house.promo"]
    assert promo.kind == "line" and promo.where == "any" and promo.gate("a promo code")


@pytest.mark.parametrize(
    "body, message",
    [
        ('[[rule]]\nname = "x"\npattern = "("\n', "missing|unterminated"),
        ('[[rule]]\nname = "x"\n', "pattern"),
        ('[[rule]]\nname = "x"\nkind = "page"\npattern = "x"\n', "kind must be one of"),
        ('[[rule]]\nname = "x"\nwhere = "middle"\npattern = "x"\n', "where must be one of"),
        ('language = "de"\n', "says language"),
        ("[[rule]\n", "not valid TOML"),
    ],
)
def test_malformed_packs_fail_with_the_file_named(tmp_path, body, message):
    write_pack(tmp_path, "xx", "bad", body)
    with pytest.raises(ConfigError, match=message):
        load_rules(("xx",), (str(tmp_path),))


def test_every_builtin_pattern_compiles_on_first_use():
    # the built-in packs' patterns are compiled when a gate first opens, not at load: this is
    # where a bad one is caught
    from cleanpipe.config import Config

    rules = load_rules(Config().languages)
    assert rules and all(rule._regex is None or rule._regex.pattern == rule.pattern for rule in rules)
    for rule in rules:
        assert rule.regex.pattern == rule.pattern and rule.regex is rule.regex


def test_unknown_language_has_no_pack():
    with pytest.raises(ConfigError, match="no rule pack for language 'zz'"):
        load_rules(("zz",))


def test_duplicate_ids_are_refused(tmp_path):
    write_pack(tmp_path, "en", "video", '[[rule]]\nname = "title-says"\npattern = "x"\n')
    with pytest.raises(ConfigError, match="duplicate rule ids: en.video.title-says"):
        load_rules(("en",), (str(tmp_path),))


def test_rule_family():
    assert rule_family("en.video.title-says") == "video"
    assert rule_family("structure.title-repeat") == "structure"


def test_rule_language():
    assert rule_language("pt.consent.lexicon") == "pt"
    assert rule_language("structure.title-repeat") is None


def test_disabled_families_are_left_out_and_must_exist():
    rules = load_rules(("en",), (), ("credit",))
    assert rules and all(r.family != "credit" for r in rules)
    with pytest.raises(ConfigError, match="names no loaded family: nonsense"):
        load_rules(("en",), (), ("nonsense",))


def test_every_shipped_pack_loads_and_every_rule_has_a_literal_and_a_why():
    rules = load_rules(Config().languages)
    assert {r.language for r in rules} == set(Config().languages)
    for rule in rules:
        assert rule.literals, rule.id  # all packs run on every text: no rule may skip the gate
    for path in sorted(Path(str(resources.files("cleanpipe") / "rules")).glob("*/*.toml")):
        for spec in tomllib.loads(path.read_text("utf-8"))["rule"]:
            assert spec.get("why"), f"{path.parent.name}/{path.name}: {spec.get('name')}"


def test_a_literal_that_starts_with_a_letter_must_start_a_word(tmp_path):
    write_pack(tmp_path, "xx", "t", '[[rule]]\nname = "a"\nliterals = ["says", "(image"]\npattern = "x"\n')
    [rule] = load_rules(("xx",), (str(tmp_path),))
    assert rule.gate("she says so") and rule.gate("a caption(image: pa)")
    assert not rule.gate("three essays")
    assert not rule.gate("essays and sayings")  # a word starting "say" elsewhere does not open it
    assert rule.gate("(says") and rule.gate("says") and not rule.gate("_says")


def test_the_index_finds_exactly_the_rules_whose_gates_open_list_rules_first():
    rules = load_rules(Config().languages)
    index = rule_index(rules)
    assert rule_index(rules) is index
    paragraphs = [p for path in sorted((TESTS / "cases").glob("boilerplate_*.json"))
                  for case in json.loads(path.read_text("utf-8")) for p in case["body"]]
    for paragraph in paragraphs:
        folded = paragraph.casefold()
        found = index.candidates(folded)
        assert sorted(r.id for r in found) == sorted(r.id for r in rules if r.gate(folded)), paragraph
        kinds = [r.kind == "list" for r in found]
        assert kinds == sorted(kinds, reverse=True)


def test_one_scan_finds_what_the_index_and_the_lexicon_find_apart():
    from cleanpipe.rules import load_lexicon, paragraph_scan

    config = Config()
    rules, lexicon = load_rules(config.languages), load_lexicon(config.languages)
    scan = paragraph_scan(rules, lexicon)
    assert paragraph_scan(rules, lexicon) is scan
    paragraphs = [p for path in sorted((TESTS / "cases").glob("boilerplate_*.json"))
                  for case in json.loads(path.read_text("utf-8")) for p in case["body"]]
    paragraphs += ["Lesen Sie auch: Die Straße bleibt gesperrt", "ΣΟΦΟΣ share", "Read more: essays on video"]
    for paragraph in paragraphs:  # casefold and lower differ on "Straße" and "Σ": scanned twice then
        assert scan.scan(paragraph) == (rule_index(rules).candidates(paragraph.casefold()), lexicon.find(paragraph.lower()))


def test_every_rule_folder_is_packaged():
    root = Path(__file__).resolve().parents[1]
    packages = set(tomllib.loads((root / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["packages"])
    folders = {f"cleanpipe.rules.{d.name}" for d in (root / "src" / "cleanpipe" / "rules").iterdir() if d.is_dir()}
    assert folders <= packages, f"add to pyproject.toml's packages: {sorted(folders - packages)}"


def write_lexicon(root, language, family, words, function_words=()):
    write_pack(root, language, family, f"[lexicon]\nwords = {json.dumps(list(words))}\n")
    (root / language / "function_words.txt").write_text("# articles\n" + "\n".join(function_words) + "\n", "utf-8")


def test_lexicon_words_prefixes_and_function_words_load_from_packs(tmp_path):
    write_lexicon(tmp_path, "xx", "share", ["share", "subscri*", "©"], ["the", "on  # a preposition"])
    lexicon = load_lexicon(("xx",), (str(tmp_path),))
    assert lexicon.rule_of("share") == lexicon.rule_of("subscribers") == lexicon.rule_of("©") == "xx.share.lexicon"
    assert lexicon.rule_of("subs") is None and lexicon.rule_of("shares") is None
    assert lexicon.function_words == {"the", "on"}


def test_a_word_in_a_vocabulary_is_never_a_function_word(tmp_path):
    write_lexicon(tmp_path, "xx", "share", ["on"], ["the", "on"])
    assert load_lexicon(("xx",), (str(tmp_path),)).function_words == {"the"}


def test_disabled_families_leave_their_vocabulary_out(tmp_path):
    write_lexicon(tmp_path, "xx", "share", ["share"])
    assert load_lexicon(("xx",), (str(tmp_path),), ("share",)).rule_of("share") is None


@pytest.mark.parametrize("entry, message", [("Share", "one lowercase token"), ("read more", "one lowercase token"),
                                            ("sub*", "shorter than 4")])
def test_malformed_lexicon_entries_fail_with_the_file_named(tmp_path, entry, message):
    write_lexicon(tmp_path, "xx", "share", [entry])
    with pytest.raises(ConfigError, match=message):
        load_lexicon(("xx",), (str(tmp_path),))


def test_every_shipped_lexicon_entry_is_a_lowercase_token():
    lexicon = load_lexicon(Config().languages)
    assert all(word == word.casefold() and " " not in word for word in lexicon.words)


def test_name_labels_load_with_their_pack_and_open_the_scan(tmp_path):
    write_pack(tmp_path, "xx", "aggregator", '[lexicon]\nwords = ["read"]\nname_labels = ["source", "tags"]\n')
    lexicon = load_lexicon(("xx",), (str(tmp_path),))
    assert lexicon.name_labels == {"source": ("xx.aggregator.lexicon",), "tags": ("xx.aggregator.lexicon",)}
    assert lexicon.rule_of("source") is None  # a label, not a chrome word of the count
    assert lexicon.find("source: afp") == [(0, 6)]


def test_a_malformed_name_label_fails_with_the_file_named(tmp_path):
    write_pack(tmp_path, "xx", "aggregator", '[lexicon]\nname_labels = ["Source"]\n')
    with pytest.raises(ConfigError, match="aggregator.toml: lexicon name label 'Source'"):
        load_lexicon(("xx",), (str(tmp_path),))


def test_call_to_action_verbs_load_with_their_pack(tmp_path):
    write_pack(tmp_path, "xx", "consent", '[lexicon]\nwords = ["app"]\ncta_verbs = ["download"]\n')
    lexicon = load_lexicon(("xx",), (str(tmp_path),))
    assert lexicon.cta_verbs == {"download": ("xx.consent.lexicon",)} and lexicon.rule_of("download") is None
