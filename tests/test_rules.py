import pytest

from cleanpipe.errors import ConfigError
from cleanpipe.rules import load_rules, rule_family


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


def test_disabled_families_are_left_out_and_must_exist():
    rules = load_rules(("en",), (), ("credit",))
    assert rules and all(r.family != "credit" for r in rules)
    with pytest.raises(ConfigError, match="names no loaded family: nonsense"):
        load_rules(("en",), (), ("nonsense",))
