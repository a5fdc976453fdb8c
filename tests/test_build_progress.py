"""`policy-site build`'s progress lines say plainly what happened to each school."""
from __future__ import annotations

import io

from generator.cli.build import Outcome, progress_printer


def test_a_school_not_rebuilt_reads_unchanged_skipped():
    stream = io.StringIO()
    show = progress_printer(stream)
    show(Outcome("broomwood", 0.0, cached=True), 1, 2)
    show(Outcome("fawood", 1.5), 2, 2)
    assert stream.getvalue().splitlines() == ["broomwood unchanged, skipped [1/2]", "built fawood (1.5 s) [2/2]"]
