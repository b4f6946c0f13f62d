"""Reason codes are a contract: the code, the JSON Schema and the README list the same ones."""

import json
import re
from importlib import resources

from cleanpipe.reasons import REJECT_REASONS

from conftest import TESTS


def test_schema_enum_is_the_reason_list():
    schema = json.loads((resources.files("cleanpipe") / "schema" / "reject.schema.json").read_text("utf-8"))
    assert schema["properties"]["reason"]["enum"] == list(REJECT_REASONS)
    assert len(set(REJECT_REASONS)) == len(REJECT_REASONS)


def test_readme_documents_every_reason():
    readme = (TESTS.parent / "README.md").read_text("utf-8")
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", readme, re.MULTILINE))
    assert set(REJECT_REASONS) <= documented
