"""A school's branding checked before it reaches a page: readable colour, a real image for a logo."""
from __future__ import annotations

from pathlib import PurePosixPath
from subprocess import CalledProcessError

from generator.errors import Problem
from generator.sources.load import Located
from generator.sources.model import School
from generator.core.sanitize import svg_problems
from generator.sources.reading import OutsideProject, Reader

MIN_CONTRAST = 4.5
IMAGE_MAGIC = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg", b"GIF8": "gif", b"RIFF": "webp"}


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def check_branding(school: Located[School], reader: Reader) -> list[Problem]:
    branding = school.model.branding
    if branding is None:
        return []
    problems = []
    ratio = contrast(branding.primary_color, "#ffffff")
    if ratio < MIN_CONTRAST:
        problems.append(Problem(school.path, school.doc.line(("branding", "primary_color")), f"school '{school.model.id}': primary colour {branding.primary_color} has contrast {ratio:.2f}:1 with the white header text; expected at least {MIN_CONTRAST}:1 (choose a darker colour)"))
    if branding.logo:
        problems += _check_logo(school, branding.logo, reader)
    return problems


def _check_logo(school: Located[School], logo: str, reader: Reader) -> list[Problem]:
    line = school.doc.line(("branding", "logo"))
    path = PurePosixPath(logo)
    if path.is_absolute() or ".." in path.parts or "://" in logo:
        return [Problem(school.path, line, f"logo '{logo}' is outside docs/; expected a path inside docs/, e.g. assets/logos/school.png")]
    try:
        data = reader.read(f"docs/{logo}")
    except OutsideProject:
        return [Problem(school.path, line, f"logo 'docs/{logo}' is a symlink to a file outside the project; expected an image file inside docs/ (copy it in)")]
    except (OSError, CalledProcessError):
        return [Problem(school.path, line, f"logo 'docs/{logo}' does not exist; expected an image file under docs/")]
    head = data[:512]
    if not (any(head.startswith(magic) for magic in IMAGE_MAGIC) or (path.suffix == ".svg" and b"<svg" in head)):
        return [Problem(school.path, line, f"logo 'docs/{logo}' is not a PNG, JPEG, GIF, WebP or SVG image; expected an image file")]
    if path.suffix == ".svg":
        return [Problem(f"docs/{logo}", at, f"logo of school '{school.model.id}' has {what}, which a published SVG may not contain; expected a plain SVG image (shapes, text, gradients; no script, links, styles or files from elsewhere), or a PNG") for at, what in svg_problems(data)]
    return []
