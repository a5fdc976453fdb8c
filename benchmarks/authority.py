"""A synthetic local authority for the benchmark: one model policy of 120 clauses in 12 sections
(or M such models: the handbook case), adopted by N schools, each with a few overlays of its own
to every model it adopts (omit, replace, append, insert).

Deterministic: the same N gives the same files. The project's real mkdocs.yml, docs/ and
overrides/ are copied in, so the sites are built with the real theme set-up.
"""
from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SITE_FILES = ("mkdocs.yml", "docs", "overrides")
POLICY_ID = "model-esafety"
SECTIONS = 12
CLAUSES_PER_SECTION = 10
COLOURS = ("#1a5e20", "#234a6e", "#5b2c6f", "#7b1f1f", "#1f4e79", "#004d40", "#37474f", "#4a148c")
TOPICS = ("email", "social media", "phones", "photos", "passwords", "devices", "reporting")

WORDS = (
    "staff member school pupil parent carer governor device account password network internet email "
    "message image photograph video record policy procedure safeguarding lead report incident concern "
    "data protection personal information professional conduct reputation platform website app "
    "colleague headteacher approval permission consent access filter monitor secure encrypt store "
    "share delete retain review training guidance expectation boundary contact communication online "
    "offline social media school-owned personal appropriate inappropriate immediately promptly "
    "reasonable responsible accountable confidential sensitive public private welfare wellbeing"
).split()
VERBS = "must should may will ensure avoid report consider take keep use check tell seek record".split()


def _sentence(rng: random.Random, words: int) -> str:
    body = [rng.choice(WORDS) for _ in range(words)]
    body.insert(rng.randrange(1, len(body) + 1), rng.choice(VERBS))
    text = " ".join(body)
    return text[0].upper() + text[1:] + "."


def _paragraph(rng: random.Random, words: int) -> str:
    out, left = [], words
    while left > 0:
        n = max(2, min(left, rng.randint(10, 22)))
        out.append(_sentence(rng, n))
        left -= n
    return " ".join(out)


def _clause_ids() -> list[list[str]]:
    return [[f"s{s:02d}-c{c:02d}" for c in range(1, CLAUSES_PER_SECTION + 1)] for s in range(1, SECTIONS + 1)]


def _referenced(sections: list[list[str]]) -> set[str]:
    """Clauses that something cites (Do's & Don'ts, cross-references, forms): never omitted."""
    return {ids[k] for ids in sections for k in (1, 2, 4)}


TITLES = ("E-Safety Policy", "Anti-Bullying Policy", "Behaviour Policy", "Complaints Policy", "Health and Safety Policy",
          "Whistleblowing Policy", "Charging and Remissions Policy", "Attendance Policy")


def model_id(k: int) -> str:
    """The k-th model (0: the one every benchmark has)."""
    return POLICY_ID if k == 0 else f"model-{k + 1:02d}"


def model_files(seed: int = 7, k: int = 0) -> dict[str, str]:
    rng = random.Random(seed + k)
    policy_id = model_id(k)
    sections = _clause_ids()
    files: dict[str, str] = {}
    layout = []
    for s, ids in enumerate(sections, start=1):
        # c01 lead-in (unnumbered), c02..c07 plain, c08 a parent of c09 and c10
        entries: list = ids[:7] + [{ids[7]: [ids[8], ids[9]]}]
        layout.append({"id": f"section-{s:02d}", "title": f"{rng.choice(WORDS).title()} and {rng.choice(WORDS)} ({s})", "clauses": entries})
    layout.append({"id": "appendix-dos-donts", "appendix": "1", "title": "Do's and Don'ts", "dos_donts": True})
    layout.append({"id": "appendix-forms", "appendix": "2", "title": "Forms", "forms": ["staff-declaration", "incident-log"]})
    policy = {
        "id": policy_id,
        "title": TITLES[k % len(TITLES)],
        "subtitle": "Digital safety, social media and acceptable use",
        "metadata": {
            "model_source": "Synthetic County Council",
            "policy_lead": "Business Manager",
            "approving_committee": "Resources",
            "adopted": "Summer 2024",
            "review_due": "Summer 2030",
            "version": "2024",
            "status": "adopted",
        },
        "variables": {
            "esl_name": {"type": "name", "required": True, "description": "Name of the E-Safety Lead"},
            "head_title": {"type": "text", "default": "Headteacher", "description": "Title of the head"},
            "office_phone": {"type": "phone", "required": False, "default": "020 8000 0000", "description": "School office phone"},
        },
        "sections": layout,
    }
    files[f"policies/{policy_id}/policy.yml"] = yaml.safe_dump(policy, sort_keys=False, allow_unicode=True)
    for s, ids in enumerate(sections):
        for c, clause_id in enumerate(ids):
            meta = {"id": clause_id}
            if c == 0:
                meta["numbered"] = False
            else:
                meta["title"] = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).capitalize()
            if c % 3 == 1:
                meta["topics"] = [rng.choice(TOPICS)]
            body = [_paragraph(rng, rng.randint(40, 110))]
            if c % 4 == 2:
                body.append("\n".join(f"- {_sentence(rng, rng.randint(6, 14))}" for _ in range(rng.randint(3, 5))))
            if c == 3:
                body.append("Concerns go to {{ esl_name }}, the E-Safety Lead, or the {{ head_title }} of {{ school_name }}.")
            if c == 5:
                target = sections[(s + 1) % SECTIONS][2]
                body.append(f"See also [[{target}]] and [[appendix-forms]].")
            files[f"policies/{policy_id}/clauses/{clause_id}.md"] = "---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n" + "\n\n".join(body) + "\n"
    items = []
    for s, ids in enumerate(sections):
        for k, clause_id in enumerate((ids[1], ids[4])):
            items.append({
                "id": f"dd-{s + 1:02d}-{k + 1}",
                "kind": "do" if (s + k) % 2 == 0 else "dont",
                "text": _sentence(rng, rng.randint(8, 16)).rstrip(".").lower(),
                "clauses": [clause_id],
                "topic": TOPICS[(s + k) % len(TOPICS)],
            })
    files[f"policies/{policy_id}/dos-donts.yml"] = yaml.safe_dump(
        {"title": "How to stay safe online: Do's and Don'ts", "outro": "More tips are available from the UK Safer Internet Centre.", "items": items},
        sort_keys=False,
    )
    files[f"policies/{policy_id}/forms/staff-declaration.yml"] = yaml.safe_dump({
        "id": "staff-declaration",
        "title": "Staff declaration",
        "intro": "Return this form to {{ esl_name }} once you have read the policy.",
        "fields": [
            {"id": "name", "label": "Name", "type": "text"},
            {"id": "role", "label": "Role", "type": "text"},
            {"id": "signed", "label": "Signed", "type": "signature"},
            {"id": "date", "label": "Date", "type": "date"},
        ],
        "declaration": "I have read and understand the E-Safety Policy of {{ school_name }} and agree to follow it.",
        "required_by": [sections[0][2]],
    }, sort_keys=False)
    files[f"policies/{policy_id}/forms/incident-log.yml"] = yaml.safe_dump({
        "id": "incident-log",
        "title": "Online safety incident report log",
        "tables": [{"id": "log", "columns": ["Date", "Where the incident took place", "Description of the incident", "Action taken"], "rows": 12}],
        "required_by": [sections[1][2]],
    }, sort_keys=False)
    return files


def _overlays(rng: random.Random, i: int, k: int) -> dict:
    sections = _clause_ids()
    referenced = _referenced(sections)
    free = [c for ids in sections for c in ids[3:7] if c not in referenced]
    omit, replace, append, after = rng.sample(free, 4)
    local = f"local-{i:03d}" if k == 0 else f"local-{i:03d}-{k + 1}"
    return {
        "metadata": {"review_due": "Summer 2031"},
        "variables": {"esl_name": f"Alex Example {i}"},
        "omit": [omit],
        "replace": {replace: _paragraph(rng, 60)},
        "append": {append: _paragraph(rng, 30)},
        "insert": [{"after": after, "clause": {"id": local, "title": "Local arrangements", "text": _paragraph(rng, 50)}}],
    }


def school_file(i: int, seed: int = 7, models: int = 1) -> str:
    rng = random.Random(seed * 10_000 + i)
    school = {
        "id": f"school-{i:03d}",
        "name": f"Synthetic Primary School {i:03d}",
        "short_name": f"School {i:03d}",
        "branding": {"primary_color": COLOURS[i % len(COLOURS)]},
        "facts": {"head_title": "Executive Headteacher"},
        "policies": {model_id(k): _overlays(rng, i, k) for k in range(models)},
    }
    return yaml.safe_dump(school, sort_keys=False, allow_unicode=True)


def make_authority(root: Path, schools: int, git: bool = True, models: int = 1) -> Path:
    """Write the authority into `root` (which must not exist); with `git`, as one commit.
    `models`: how many model policies there are, every school adopting each with overlays of its own."""
    root.mkdir(parents=True)
    for name in SITE_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, root / name)
        else:
            shutil.copy2(src, root / name)
    files = {path: text for k in range(models) for path, text in model_files(k=k).items()}
    files.update({f"policies/schools/school-{i:03d}.yml": school_file(i, models=models) for i in range(1, schools + 1)})
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if git:
        run = lambda *a: subprocess.run(["git", "-C", str(root), *a], check=True, capture_output=True)  # noqa: E731
        run("init", "-q")
        run("add", "-A")
        run("-c", "user.name=Benchmark", "-c", "user.email=benchmark@example.invalid", "commit", "-q", "-m", "synthetic authority")
    return root


def shared_clause(root: Path) -> Path:
    """A model clause every school adopts as it is: cited by the Do's & Don'ts and a reference,
    so no school omits or replaces it (`school_file` changes only uncited clauses)."""
    clause_id = _clause_ids()[SECTIONS // 2][2]
    assert clause_id in _referenced(_clause_ids())
    return root / "policies" / POLICY_ID / "clauses" / f"{clause_id}.md"
