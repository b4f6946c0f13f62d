from cleanpipe.document import Document, Reject, document_id


def test_id_is_stable_and_depends_on_source_only():
    assert document_id("a/b.txt") == document_id("a/b.txt")
    assert document_id("a/b.txt") != document_id("a/b.txt#1")
    assert Document("a/b.txt", "text", text="x").id == Document("a/b.txt", "html", text="y").id
    assert len(document_id("x")) == 16


def test_record_key_order_and_text_joined_by_blank_lines():
    doc = Document("s.txt", "text", title="T", paragraphs=["One.", "Two."], language="en", language_score=0.99)
    record = doc.to_record()
    assert list(record) == ["id", "source", "source_id", "url", "published", "title", "text", "language", "language_score", "removed"]
    assert record["text"] == "One.\n\nTwo."


def test_reject_record():
    assert Reject("f.jsonl#3", "malformed_json", "bad").to_record() == {
        "id": document_id("f.jsonl#3"), "source": "f.jsonl#3", "reason": "malformed_json", "detail": "bad"}
