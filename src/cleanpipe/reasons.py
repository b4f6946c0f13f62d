"""The fixed set of reject reason codes: stable strings that users filter and count on."""

BINARY = "binary"  # NUL bytes or control characters: not text
UNDECODABLE = "undecodable"  # no character encoding fits the bytes
EMPTY = "empty"  # nothing but whitespace in the input
TOO_SHORT = "too_short"  # cleaned body under Config.min_chars
BOILERPLATE_ONLY = "boilerplate_only"  # cleaning removed everything, or left no sentence (links, buttons)
TOO_LARGE = "too_large"  # file or record over Config.max_file_bytes / max_record_bytes
TRUNCATED = "truncated"  # a gzip stream that ends early
CORRUPT = "corrupt"  # a gzip stream that is not gzip at all
MALFORMED_JSON = "malformed_json"  # a JSONL line that does not parse to an object
MISSING_TEXT = "missing_text"  # a JSONL object with neither `text` nor `html`
NO_CONTENT = "no_content"  # HTML in which trafilatura finds no main text
EXTRACT_TIMEOUT = "extract_timeout"  # HTML whose extraction overran Config.extract_timeout_seconds
UNSUPPORTED = "unsupported"  # a file whose extension cleanpipe does not read
UNREADABLE = "unreadable"  # the file could not be read (permissions, vanished)
INTERNAL_ERROR = "internal_error"  # a bug in cleanpipe: reported, never stops the batch
UNWANTED_LANGUAGE = "unwanted_language"  # detected language excluded by keep_/drop_languages
DUPLICATE = "duplicate"  # the same story as an article kept before (detail: exact or near)

REJECT_REASONS = (
    BINARY,
    UNDECODABLE,
    EMPTY,
    TOO_SHORT,
    BOILERPLATE_ONLY,
    TOO_LARGE,
    TRUNCATED,
    CORRUPT,
    MALFORMED_JSON,
    MISSING_TEXT,
    NO_CONTENT,
    EXTRACT_TIMEOUT,
    UNSUPPORTED,
    UNREADABLE,
    INTERNAL_ERROR,
    UNWANTED_LANGUAGE,
    DUPLICATE,
)
