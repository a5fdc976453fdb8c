"""`site/index.html`: the list of every school's handbook, in the handbooks' look (system
fonts, the schools' colours, no request to any other host), with each policy's review status."""
from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from generator.dates import build_date, display_date, parse_policy_date
from generator.core.edition import for_edition
from generator.core.validate import Checked
from generator.core.resolve import Handbook, Resolved

DEFAULT_COLOUR = "#3f51b5"

STYLE = """
:root { --fg: rgba(0,0,0,.87); --muted: rgba(0,0,0,.62); --header: #263238; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; line-height: 1.6;
  font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 1rem; }
header { background: var(--header); color: #fff; padding: 0.9rem 1.2rem; }
header p { margin: 0; font-weight: 700; font-size: 1.1rem; }
main { max-width: 61rem; margin: 0 auto; padding: 1.2rem; }
h1 { font-weight: 300; font-size: 2rem; margin: 0.6rem 0 1.2rem; }
ul.schools { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.9rem; }
@media (min-width: 45em) { ul.schools { grid-template-columns: 1fr 1fr; } }
.school { border: 1px solid rgba(0,0,0,.12); border-top: 0.3rem solid var(--colour); border-radius: 0.2rem; padding: 0.8rem 1rem; }
.school h2 { font-size: 1.15rem; margin: 0 0 0.2rem; }
.school a { color: var(--colour); text-decoration: underline; }
.school p { margin: 0.2rem 0; color: var(--muted); }
.status { display: inline-block; font-size: 0.85rem; font-weight: 700; border-radius: 0.2rem; padding: 0.05rem 0.5rem; margin-top: 0.3rem; }
.status.adopted { background: #e8f5e9; color: #1b5e20; }
.status.due { background: #e3f2fd; color: #0d47a1; }
.status.overdue { background: #fff4e0; color: #6b3d00; }
.status.draft, .status.undated { background: #eceff1; color: #37474f; }
"""


@dataclass(frozen=True)
class Review:
    kind: str
    """adopted, due, overdue, draft or undated: the CSS class."""
    text: str


def review_status(resolved: Resolved, today: date) -> Review:
    """Draft, review overdue, review due, or simply adopted, in words staff read."""
    meta = resolved.metadata
    if meta.status == "draft":
        return Review("draft", "Draft: not yet adopted")
    due = parse_policy_date(meta.review_due) if meta.review_due else None
    if due is not None and meta.review_due:
        if today > due:
            return Review("overdue", f"Review overdue: was due {display_date(meta.review_due)}")
        return Review("due", f"Review due {display_date(meta.review_due)}")
    if meta.adopted:
        return Review("adopted", f"Adopted {display_date(meta.adopted)}; no review date set")
    return Review("undated", "No adoption or review date given")


def _card(school_id: str, handbook: Handbook, today: date) -> str:
    """A school's handbook: its name, its one policy's status, or how many policies and how many overdue."""
    school = handbook.school.model
    colour = school.branding.primary_color if school.branding else DEFAULT_COLOUR
    reviews = [review_status(r, today) for r in handbook.policies]
    if len(handbook.policies) == 1:
        resolved, review = handbook.policies[0], reviews[0]
        title = resolved.policy.policy.model.title
        adopted = f"<p>Adopted {html.escape(display_date(resolved.metadata.adopted))}</p>" if resolved.metadata.adopted and review.kind != "adopted" else ""
    else:
        late = sum(r.kind == "overdue" for r in reviews)
        title = f"{len(handbook.policies)} policies"
        adopted = ""
        review = Review("overdue", f"{late} overdue for review") if late else Review("adopted", "None overdue for review")
    return (
        f'    <li class="school" style="--colour: {html.escape(colour)}">\n'
        f'      <h2><a href="{html.escape(school_id)}/">{html.escape(school.name or school_id)}</a></h2>\n'
        f"      <p>{html.escape(title)}</p>\n"
        f"      {adopted}\n"
        f'      <span class="status {review.kind}">{html.escape(review.text)}</span>\n'
        "    </li>"
    )


def index_html(checked: Checked, today: date | None = None, edition: str = "staff") -> str:
    """The page that lists every published school's handbook (as the `edition` has it: a
    staff-only policy is not counted in public); review dates judged on `today` (default: the
    build's day, see `generator.dates.build_date`)."""

    day = today or build_date()
    cards = "\n".join(_card(sid, for_edition(h, edition), day) for sid, h in sorted(checked.schools.items()))
    return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>School policy handbooks</title>
<style>{STYLE}</style>
</head>
<body>
<header><p>School policy handbooks</p></header>
<main>
  <h1>Choose your school’s handbook</h1>
  <ul class="schools">
{cards}
  </ul>
</main>
</body>
</html>
"""
