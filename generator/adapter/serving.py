"""What `policy-site serve` adds to a live preview: a page listing the problems that stop the
school's site from building, and a short log that says where to look."""
from __future__ import annotations

import errno
import html
import logging
import re
import socket
from pathlib import Path
from typing import Iterable

from generator.errors import Problem

ERROR_TITLE = "The handbook could not be built"
_STYLE = (
    "body{font:1rem/1.5 system-ui,sans-serif;margin:0;color:#1d1d1d;background:#fafafa}"
    "main{max-width:60rem;margin:2rem auto;padding:0 1rem}"
    "h1{color:#b00020;font-size:1.6rem}"
    "li{margin:.5rem 0;padding:.5rem .75rem;background:#fff;border-left:4px solid #b00020;list-style:none}"
    "li.warning{border-color:#b26a00}"
    "ul{padding:0}code{font:.95em ui-monospace,monospace;overflow-wrap:anywhere}"
)


def problem_lines(problems: Iterable[Problem]) -> list[tuple[str, str]]:
    """Each problem as (severity, 'path:line: message'), errors first."""
    ordered = sorted(problems, key=lambda p: (p.severity != "error", p))
    return [(p.severity, str(p)) for p in ordered]


def failure_line(exc: BaseException, root: Path) -> str:
    """A build that stopped, in one line: 'path:line: message' where the error knows its place
    (a template's syntax error does)."""
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if not (filename and line):
        return f"the site could not be built: {message} (details in the terminal running 'policy-site serve')"
    path = Path(filename)
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return f"{shown}:{line}: {message}"


def error_page(school: str, lines: list[tuple[str, str]], refresh: bool = False) -> str:
    """A self-contained page listing `lines` ((severity, text) pairs), every text escaped.

    `refresh`: reload every two seconds, for responses the server sends without its live-reload
    script (a path the last good build did not have)."""
    items = "\n".join(f'    <li class="{html.escape(severity)}"><code>{html.escape(text)}</code></li>' for severity, text in lines)
    meta = '<meta http-equiv="refresh" content="2">\n' if refresh else ""
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{meta}<title>{ERROR_TITLE}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
  <h1>{ERROR_TITLE}</h1>
  <p>The preview of {html.escape(school)}'s handbook is back as soon as these are fixed: this page
  reloads by itself when a file is saved.</p>
  <ul>
{items}
  </ul>
</main>
</body>
</html>
"""


def address_taken(address: str) -> bool:
    """Something already listens on `address` ('host:port'), so the server could not start; known
    before the first build rather than after it. Bound as the server binds (address reuse on)."""
    host, _, port = address.rpartition(":")
    host = host.strip("[]")
    if not (host and port.isdigit()):
        return False  # MkDocs reports a malformed address itself
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


_QUIET = re.compile(r"Watching paths for changes|Cleaning site directory")
_SERVING = re.compile(r"Serving on (\S+)")


class ServeLog(logging.Filter):
    """MkDocs' serve log without its noise, and one clear line saying which address to open."""

    def __init__(self, school: str, edition: str) -> None:
        super().__init__()
        self.school, self.edition = school, edition

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if _QUIET.search(message):
            return False
        found = _SERVING.search(message)
        if found:
            record.msg, record.args = f"Open {found[1]} in a browser to preview {self.school} ({self.edition} edition); Ctrl+C stops", ()
        return True
