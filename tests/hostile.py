"""The hostile corpus (issue 10): what an attacker or a careless editor writes in sources.

Two families, shared by tests/test_hostile.py (built HTML, parsed) and tests/browser/test_hostile.py
(the same pages opened in Chromium):

- FIELDS: plain-text fields (names, titles, topics, signatories, columns, variable values). A build
  succeeds and each shows literally; no markup in them takes effect.
- BODIES: Markdown and HTML in clause bodies. `check` refuses each at path:line; written into a
  page that `check` does not read (docs/hostile.md), the build's sanitiser removes what it would do.

Every payload that runs sets `window.__pwned` (or opens a dialog), and every request it makes
goes to a host under `.example`, so a browser can tell.
"""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from factories import FORM, POLICY, SCHOOL, minimal_files, write
from helpers import copy_site_config

RUN = "window.__pwned=1"
SCRIPT = f"<script>{RUN}</script>"
ONERROR = f'<img src=x onerror="{RUN}">'


@dataclass(frozen=True)
class Field:
    name: str
    text: str
    """What a reader must see, literally, somewhere in the built site."""


FIELDS = [
    Field("school-name", f'Alpha </title>{SCRIPT} & "Co" <b>'),
    Field("short-name", f"A&B {ONERROR}"),
    Field("policy-title", f"Policy </title>{SCRIPT}"),
    Field("policy-subtitle", f'<svg onload="{RUN}"></svg> for staff'),
    Field("section-title", f"Intro {ONERROR}"),
    Field("clause-title", f"Purpose [x](javascript:{RUN}) {{ onclick=\"{RUN}\" }}"),
    Field("clause-title-script", f"Lead {SCRIPT}"),
    Field("dos-topic", f"Photos {SCRIPT}"),
    Field("policy-lead", f"Head {ONERROR}"),
    Field("approving-committee", f"[Governors](javascript:{RUN})"),
    Field("signatory-name", f"Ann </td>{SCRIPT}"),
    Field("signatory-role", f"Chair <iframe srcdoc='{SCRIPT}'></iframe>"),
    Field("extra-label", f"Owner <a href=javascript:{RUN}>x</a>"),
    Field("extra-value", "Trust ![t](https://tracker.example/v.gif)"),
    Field("form-column", f"Date {ONERROR}"),
    Field("form-table-title", "Log <style>body{background:url(https://tracker.example/s.png)}</style>"),
    Field("form-field-label", "Name <button formaction=https://evil.example/>go</button>"),
    Field("variable-value", f"Ann {ONERROR}"),
    Field("variable-default", f"Head {SCRIPT}"),
]


@dataclass(frozen=True)
class Body:
    name: str
    markdown: str


BODIES = [
    Body("entity-colon", f"[a](javascript&#58;{RUN})"),
    Body("named-colon", f"[a](javascript&colon;{RUN})"),
    Body("tab-in-scheme", f"[a](java&#x09;script:{RUN})"),
    Body("entity-html-link", f'<a href="&#106;avascript:{RUN}">a</a>'),
    Body("entity-letter", f"[a](jav&#x61;script:{RUN})"),
    Body("attr-list-href", f'[a](#top){{ href="java&#115;cript:{RUN}" }}'),
    Body("svg-link", f'<svg><a href="&#x6a;avascript:{RUN}"><text y="20">a</text></a></svg>'),
    Body("tracker-image", "![a](https://tracker.example/pixel.gif)"),
    Body("style-url", '<p style="background:url(https://tracker.example/bg.png)">a</p>'),
    Body("button-formaction", "<form><button formaction=https://evil.example/>a</button></form>"),
    Body("protocol-relative-image", '<img src="//tracker.example/p.gif" alt="">'),
    Body("reference-link", f"[a][r]\n\n[r]: javascript:{RUN}"),
    Body("mixed-case", f'<a href="JaVaScRiPt:{RUN}">a</a>'),
    Body("vbscript", "[a](vbscript:msgbox(1))"),
    Body("data-html", "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    Body("iframe-srcdoc", f'<iframe srcdoc="&lt;script&gt;{RUN}&lt;/script&gt;"></iframe>'),
    Body("attr-list-onclick", f'a\n{{: onclick="{RUN}" }}'),
    Body("details-ontoggle", f"<details open ontoggle={RUN}><summary>a</summary></details>"),
    Body("reference-image", "![a][p]\n\n[p]: https://tracker.example/p.gif"),
    Body("newline-in-scheme", f'<a href="java\nscript:{RUN}">a</a>'),
    Body("base-tag", '<base href="https://evil.example/">'),
    Body("video-poster", '<video poster="https://tracker.example/p.png"></video>'),
    Body("script-tag", SCRIPT),
    Body("onerror", ONERROR),
    Body("object", '<object data="https://evil.example/x.swf"></object>'),
    Body("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
    Body("link-stylesheet", '<link rel="stylesheet" href="https://tracker.example/s.css">'),
    Body("srcset", '<img src="a.png" srcset="https://tracker.example/p.png 2x" alt="">'),
    Body("input-autofocus", f'<input autofocus onfocus="{RUN}">'),
    Body("math-mglyph", f'<math><mtext><table><mglyph><style><img src=x onerror="{RUN}"></style></mglyph></table></mtext></math>'),
]


def _policy() -> dict:
    policy = yaml.safe_load(POLICY)
    text = {f.name: f.text for f in FIELDS}
    policy["title"] = text["policy-title"]
    policy["subtitle"] = text["policy-subtitle"]
    policy["sections"][0]["title"] = text["section-title"]
    policy["variables"]["head_title"]["default"] = text["variable-default"]
    policy["metadata"].update({
        "policy_lead": text["policy-lead"],
        "approving_committee": text["approving-committee"],
        "signatories": [{"role": text["signatory-role"], "name": text["signatory-name"]}],
        "extra": [{"label": text["extra-label"], "value": text["extra-value"]}],
    })
    return policy


def _form() -> dict:
    form = yaml.safe_load(FORM)
    text = {f.name: f.text for f in FIELDS}
    form["tables"][0]["columns"][0] = text["form-column"]
    form["tables"][0]["title"] = text["form-table-title"]
    form["fields"] = [{"id": "who", "label": text["form-field-label"]}]
    return form


def hostile_files() -> dict[str, str]:
    """A small project whose every plain-text field is hostile, and a docs page of hostile bodies."""
    text = {f.name: f.text for f in FIELDS}
    files = minimal_files()
    files["policies/model/policy.yml"] = yaml.safe_dump(_policy(), sort_keys=False, allow_unicode=True)
    files["policies/model/forms/log.yml"] = yaml.safe_dump(_form(), sort_keys=False, allow_unicode=True)
    files["policies/model/clauses/intro-a.md"] = "---\n" + yaml.safe_dump({"id": "intro-a", "title": text["clause-title"]}, allow_unicode=True) + "---\nThis policy applies to {{ school_name }}.\n"
    files["policies/model/clauses/intro-b.md"] = "---\n" + yaml.safe_dump({"id": "intro-b", "title": text["clause-title-script"]}, allow_unicode=True) + "---\nThe {{ head_title }} appoints {{ lead_name }}.\n"
    files["policies/model/dos-donts.yml"] = files["policies/model/dos-donts.yml"].replace("topic: photos", "topic: " + yaml.safe_dump(text["dos-topic"]).splitlines()[0])
    school = yaml.safe_load(SCHOOL.format(id="alpha", adopts="model", name="x", short="x", lead="x"))
    school.update({"name": text["school-name"], "short_name": text["short-name"], "policies": {"model": {"variables": {"lead_name": text["variable-value"]}}}})
    files["policies/schools/alpha.yml"] = yaml.safe_dump(school, sort_keys=False, allow_unicode=True)
    files.pop("policies/schools/beta.yml")
    files["docs/hostile.md"] = f"# Hostile &lt;img src=x onerror={RUN}&gt; bodies {ONERROR}\n\n" + "\n\n".join(f"## {b.name}\n\n{b.markdown}\n" for b in BODIES)
    return files


def hostile_project(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    copy_site_config(root)
    return write(root, hostile_files())


def build(root: Path, site: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("policy-site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([str(exe), "--root", str(root), "build", "--site-dir", str(site), "-j", "1"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=600)
