"""A run summary as Markdown, for Prefect artifacts and people."""


def summary_markdown(summary: dict) -> str:
    """Render a run summary (from :func:`cleanpipe.ingest.commit_run`) as Markdown tables.

    Args:
        summary: the run summary dict.

    Returns:
        Markdown: outcomes that add up to the inputs seen, then rejects by reason,
        removals by family, languages, throughput and the parts written.
    """
    lines = [
        f"# cleanpipe run {summary['run_id']}",
        "",
        "| outcome | inputs |",
        "|---|---:|",
        f"| articles | {summary['articles']} |",
        f"| rejected | {summary['rejected']} |",
        f"| duplicates | {summary['duplicates']} |",
        f"| skipped (unchanged) | {summary['skipped_unchanged']} |",
        f"| **inputs seen** | **{summary['inputs_seen']}** |",
    ]
    for title, key in (("reject reason", "rejects"), ("removal family", "removals_by_family"), ("language", "languages")):
        if summary.get(key):
            lines += ["", f"| {title} | count |", "|---|---:|"]
            lines += [f"| {name} | {count} |" for name, count in summary[key].items()]
    rate = summary.get("docs_per_second")
    lines += ["", f"Generation {summary['generation']}, {summary['seconds']} s"
              + (f", {rate} inputs/s" if rate else "") + f", {summary['bytes_in']} bytes read."]
    if summary["parts"]:
        lines += ["", "Parts written:", ""] + [f"- `{part}`" for part in summary["parts"]]
    return "\n".join(lines) + "\n"
