import pytest

from cleanpipe.config import Config, load_config
from cleanpipe.errors import AbortRun, ConfigError


def test_defaults_without_file():
    assert load_config() == Config()


def test_file_values_laid_over_defaults(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('min_chars = 50\nlanguages = ["en", "de"]\nbinary_control_ratio = 1\n')
    config = load_config(path)
    assert config.min_chars == 50
    assert config.languages == ("en", "de")
    assert config.binary_control_ratio == 1.0
    assert config.head_window == Config().head_window


def test_overrides_win_and_none_is_ignored(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("batch_files = 10\n")
    assert load_config(path, batch_files=3).batch_files == 3
    assert load_config(path, batch_files=None).batch_files == 10


def test_config_is_immutable():
    with pytest.raises(AttributeError):
        Config().min_chars = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "body, message",
    [
        ("min_chars = 'ten'\n", "must be int"),
        ("nonsense = 1\n", "unknown config key"),
        ("languages = 'en'\n", "list of strings"),
        ("head_window = -1\n", "must not be negative"),
        ("batch_files = 0\n", "at least 1"),
        ("language_trials = 0\n", "at least 1"),
        ("min_chars = true\n", "must be int"),
        ("min_chars = [\n", "not valid TOML"),
        ("lexicon_check = 'yes'\n", "must be true or false"),
        ("lexicon_check = 1\n", "must be true or false"),
    ],
)
def test_bad_config_fails_fast(tmp_path, body, message):
    path = tmp_path / "c.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_missing_file_aborts_the_run(tmp_path):
    with pytest.raises(AbortRun, match="not found"):
        load_config(tmp_path / "absent.toml")


def test_rule_and_language_choices(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('rule_dirs = ["mine"]\ndisabled_families = ["credit"]\nkeep_languages = ["en"]\ndrop_languages = ["ru"]\n')
    config = load_config(path)
    assert (config.rule_dirs, config.disabled_families, config.keep_languages, config.drop_languages) == (
        ("mine",), ("credit",), ("en",), ("ru",))


def test_shipped_example_file_documents_every_key_at_its_default():
    import dataclasses
    import tomllib

    from conftest import TESTS

    example = TESTS.parent / "cleanpipe.toml"
    assert load_config(example) == Config()
    keys = set(tomllib.loads(example.read_text("utf-8")))
    assert keys == {f.name for f in dataclasses.fields(Config)}


def test_a_boolean_key_is_read_from_a_file(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("lexicon_check = false\n")
    assert load_config(path).lexicon_check is False
