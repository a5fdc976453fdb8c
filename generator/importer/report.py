"""What an import did, for the editor: words in and written, what was removed, and every guess as
a `path:line` note to check. Printed and written beside the sources as IMPORT-REPORT.md."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.importer.inline import words

N = 6


@dataclass
class Report:
    source: str
    policy_id: str = ""
    words_in: int = 0
    words_written: int = 0
    fidelity: float = 0.0
    removed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    """'path:line: what to check' lines."""
    facts: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)


def shingles(text: str) -> set[tuple[str, ...]]:
    toks = words(text)
    return {tuple(toks[i : i + N]) for i in range(len(toks) - N + 1)}


def measure(report: Report, source_text: str, written_text: str) -> None:
    report.words_in = len(words(source_text))
    report.words_written = len(words(written_text))
    wanted = shingles(source_text)
    report.fidelity = len(wanted & shingles(written_text)) / max(1, len(wanted))


def markdown(report: Report) -> str:
    out = [f"# Import report: {report.source}", "", f"Policy `{report.policy_id}`, imported in {report.seconds:.1f} s.", ""]
    out += [f"- Words in the source: {report.words_in}", f"- Words in the sources written: {report.words_written}"]
    out += [f"- Share of the source's 6-word runs found in the sources written: {report.fidelity:.1%}", ""]
    if report.facts:
        out += ["## Recognised into the adoption record", ""] + [f"- {k}: {v}" for k, v in report.facts.items()] + [""]
    out += ["## Removed", ""]
    out += [f"- {kind}: {n}" for kind, n in sorted(report.removed.items())] or ["- nothing"]
    out += ["", "## To check", ""]
    out += [f"- {note}" for note in report.notes] or ["- nothing was guessed"]
    return "\n".join(out) + "\n"


def write(report: Report, folder: Path) -> Path:
    path = folder / "IMPORT-REPORT.md"
    path.write_text(markdown(report), encoding="utf-8")
    return path
