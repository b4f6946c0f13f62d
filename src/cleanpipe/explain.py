"""Show why each part of a document went: the body before stripping, removals marked."""

from pathlib import Path

from cleanpipe.config import Config
from cleanpipe.document import Document, Reject
from cleanpipe.errors import Rejected
from cleanpipe.pipeline import build_stages
from cleanpipe.read import read_inputs


def explain_file(path: str | Path, config: Config) -> str:
    """Clean every document in one raw file and render each with its removals marked.

    Args:
        path: a raw file (.txt, .html, .jsonl, optionally .gz).
        config: the configuration to clean with.

    Returns:
        Text for a terminal: per document its outcome, title and paragraphs, each removed
        paragraph or fragment prefixed by ``-`` and followed by its rule id.
    """
    path = Path(path)
    stages = build_stages(config)
    blocks = []
    for item in read_inputs(path.parent, path.name, config.max_file_bytes, config.max_record_bytes):
        if isinstance(item, Reject):
            blocks.append(f"== {item.source}: rejected ({item.reason}) {item.detail}")
            continue
        blocks.append(_explain_document(item, stages))
    return "\n\n".join(blocks) + "\n"


def _explain_document(doc: Document, stages) -> str:
    """Run the stages on one document, keeping the paragraphs as they were before ``strip``."""
    before: list[str] = []
    outcome = ""
    try:
        for name, stage in stages:
            if name == "strip":
                before = list(doc.paragraphs)
            doc = stage(doc)
        outcome = f"article, language {doc.language} ({doc.language_score})"
    except Rejected as exc:
        outcome = f"rejected ({exc.reason}) {exc.detail}"
    by_para: dict[int, list[dict]] = {}
    for removal in doc.removed:
        by_para.setdefault(removal["para"], []).append(removal)
    lines = [f"== {doc.source}: {outcome}", f"title: {doc.title}"]
    for index, paragraph in enumerate(before):
        removals = by_para.get(index, [])
        whole = any(r["text"] == paragraph for r in removals)
        if whole:
            lines.append(f"- {paragraph}    [{removals[0]['rule']}]")
            continue
        lines.append(f"  {paragraph}")
        lines.extend(f"    - {r['text']}    [{r['rule']}]" for r in removals)
    return "\n".join(lines)
