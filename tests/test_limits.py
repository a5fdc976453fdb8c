"""No single source can stall or crash check/build: the heavy cases of the bad-input corpus run
in a subprocess under an address-space limit and a timeout (safety nets that fail the test), and
the child's peak memory is read back. The bounds on text and tables, and the refusals of YAML
anchors, duplicate keys, control characters and symlinks, are checked directly too."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from factories import checked, project
from generator.sources.limits import MAX_NESTING, limits, nesting, open_brackets
from generator.core.validate import Text
from helpers import copy_site_config
from test_bad_inputs import CORPUS, HEAVY, apply, problem_lines

ADDRESS_SPACE = 1024**3
MAX_RSS_KB = 500 * 1024
RUN_AND_MEASURE = """\
import resource, subprocess, sys
limit = int(sys.argv[1])
done = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=60,
    preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)))
sys.stdout.write(done.stdout + done.stderr)
print(f"maxrss-kb {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}")
sys.exit(done.returncode)
"""


def _run_limited(root: Path, command: str) -> tuple[int, str, int]:
    exe = str(Path(sys.executable).with_name("policy-site"))
    done = subprocess.run([sys.executable, "-c", RUN_AND_MEASURE, str(ADDRESS_SPACE), exe, "--root", str(root), command],
                          capture_output=True, text=True, timeout=90)
    *lines, last = done.stdout.rstrip("\n").split("\n")
    assert last.startswith("maxrss-kb "), done.stdout + done.stderr
    return done.returncode, "\n".join(lines) + done.stderr, int(last.split()[1])


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("case", HEAVY)
def test_heavy_input_ends_quickly_with_a_clear_message(tmp_path, case, command):
    root = copy_site_config(project(tmp_path / "project"))
    apply(CORPUS / case, root)
    code, output, maxrss_kb = _run_limited(root, command)
    assert code == 1, output
    assert "Traceback" not in output and "internal error" not in output and "TimeoutExpired" not in output, output
    assert len(problem_lines(output, case)) == 1, output
    assert maxrss_kb < MAX_RSS_KB, f"peak memory {maxrss_kb // 1024} MB"


def _texts(body: str) -> list[Text]:
    return [Text(body, "policies/model/clauses/x.md", 5)]


@pytest.mark.parametrize("line, depth", [("plain", 0), ("- item", 1), ("    - item", 2), ("> > quote", 2), (">>> - 1. x", 5), ("- - -", 2), ("\t\t- x", 3)])
def test_nesting_counts_indents_quotes_and_markers(line, depth):
    assert nesting(line) == depth


@pytest.mark.parametrize("text, count", [("[a](b) and [[xref]]", 2), ("[" * 5, 10), ("[x](" * 3, 6), ("(a [b] c)", 2), (":( sad", 2)])
def test_open_brackets_counts_nesting_and_unclosed(text, count):
    assert open_brackets(text) == count


def test_limits_pass_an_ordinary_clause():
    body = "Staff must:\n\n- read [the policy](https://example.org) and [[intro-b]];\n    - sign it (see 4.1).\n\n> Quoted guidance.\n"
    assert limits(_texts(body)) == []


def test_limits_report_the_first_line_too_deep():
    body = "Intro.\n" + "".join("    " * i + "- x\n" for i in range(MAX_NESTING + 3))
    [problem] = limits(_texts(body))
    assert problem.line == 5 + 1 + MAX_NESTING
    assert f"at most {MAX_NESTING} levels" in problem.message


def test_limits_refuse_unclosed_html_tags_but_not_closed_ones():
    assert limits(_texts("<abbr title='x'>DSL</abbr> " * 40)) == []
    [problem] = limits(_texts("Intro.\n\n" + "<a" * 40))
    assert problem.line == 7 and "never closed with '>'" in problem.message


def test_limits_refuse_a_long_text_with_its_length():
    [problem] = limits(_texts("word " * 2_001))
    assert "text is 10,005 characters; expected at most 10,000" in problem.message


ALIASES = "YAML anchors and aliases (&name / *name) are not allowed in sources; write the value out"
SCHOOL = "id: alpha\nname: Alpha School\nshort_name: Alpha\npolicies:\n  model:\n    variables: {lead_name: Ann Lee}\n"


def _errors(tmp_path: Path, changes: dict[str, str]) -> list[str]:
    return [str(p) for p in checked(project(tmp_path, changes)).problems if p.severity == "error"]


@pytest.mark.parametrize("path, text, line", [
    ("policies/model/dos-donts.yml", "items:\n  - id: a\n    kind: do\n    text: &t lock your screen\n    topic: *t\n", 4),
    ("policies/model/clauses/intro-a.md", "---\nid: &i intro-a\ntitle: Purpose\n---\nText.\n", 2),
    ("policies/schools/alpha.yml", SCHOOL + "metadata:\n  <<: *base\n", 8),
])
def test_anchors_aliases_and_merges_are_refused_everywhere(tmp_path, path, text, line):
    assert f"{path}:{line}: {ALIASES}" in _errors(tmp_path, {path: text})


def test_duplicate_key_in_a_form_names_both_lines(tmp_path):
    form = "id: log\ntitle: Incident log\ntitle: Log\nrequired_by: [intro-b]\n"
    assert any(e.startswith("policies/model/forms/log.yml:3: duplicate key 'title' (first on line 2)") for e in _errors(tmp_path, {"policies/model/forms/log.yml": form}))


def test_a_bom_is_stripped_silently(tmp_path):
    from factories import POLICY

    assert _errors(tmp_path, {"policies/model/policy.yml": "\ufeff" + POLICY, "policies/schools/alpha.yml": "\ufeff" + SCHOOL}) == []


def test_a_control_character_written_as_a_yaml_escape_is_refused(tmp_path):
    school = SCHOOL + '    replace:\n      intro-a: "Our text\\0 with a NUL."\n'
    assert any(e.startswith("policies/schools/alpha.yml:8: NUL U+0000 in the text") for e in _errors(tmp_path, {"policies/schools/alpha.yml": school}))


def test_a_symlink_inside_the_project_is_read(tmp_path):
    root = project(tmp_path)
    (root / "shared").mkdir()
    clause = root / "policies/model/clauses/intro-a.md"
    clause.rename(root / "shared/intro-a.md")
    clause.symlink_to(root / "shared/intro-a.md")
    assert "intro-a" in checked(root).project.policies["model"].clauses


def test_text_over_a_limit_is_never_handed_to_a_renderer(tmp_path):
    """check() is also how history and diffs load old revisions: nothing over a limit may resolve."""
    deep = "---\nid: intro-a\ntitle: Purpose\n---\n" + "> " * 100 + "x\n"
    result = checked(project(tmp_path / "a", {"policies/model/clauses/intro-a.md": deep}))
    assert result.schools == {} and [p.line for p in result.problems if p.severity == "error"] == [5]
    school = SCHOOL + "replace:\n  intro-a: " + "\"" + "[" * 40 + "\"\n"
    result = checked(project(tmp_path / "b", {"policies/schools/alpha.yml": school}))
    assert set(result.schools) == {"beta"}


@pytest.mark.parametrize("table, message", [
    ("columns: [Date, Note]\n    rows: 100000000", "policies/model/forms/log.yml:6: table 'entries' has 100,000,000 rows; expected 0 to 500"),
    ("columns: [Date, Note]\n    rows: -3", "policies/model/forms/log.yml:6: table 'entries' has -3 rows; expected 0 to 500"),
    ("columns: [" + ", ".join(["c"] * 21) + "]", "policies/model/forms/log.yml:5: table 'entries' has 21 columns; expected at most 20"),
])
def test_a_form_table_is_bounded(tmp_path, table, message):
    form = f"id: log\ntitle: Incident log\ntables:\n  - id: entries\n    {table}\nrequired_by: [intro-b]\n"
    result = checked(project(tmp_path, {"policies/model/forms/log.yml": form}))
    assert any(str(p).startswith(message) for p in result.problems) and result.schools == {}


@pytest.mark.parametrize("value, uses, message", [
    ("[" * 20, 2, "paragraph has more than 32 unclosed or nested '[' and '(' brackets"),
    ("x" * 900, 20, "text is more than 10,000 characters"),
])
def test_bounds_hold_once_a_school_fills_in_its_values(tmp_path, value, uses, message):
    clause = "---\nid: intro-a\ntitle: Purpose\n---\n" + "{{ lead_name }} " * uses + "\n"
    school = SCHOOL.replace("Ann Lee", f"'{value}'")
    result = checked(project(tmp_path, {"policies/model/clauses/intro-a.md": clause, "policies/schools/alpha.yml": school}))
    errors = [str(p) for p in result.problems if p.severity == "error"]
    assert any(e.startswith(f"policies/model/clauses/intro-a.md:5: with school 'alpha' variables filled in, {message}") for e in errors), errors
    assert set(result.schools) == {"beta"}


def test_html_nesting_is_bounded_and_void_elements_do_not_nest():
    assert limits(_texts("<p>a<br>b<img src='x.png'><br/></p>" * 40 + "<span>" * MAX_NESTING)) == []
    [problem] = limits(_texts("Intro.\n" + "<b>" * (MAX_NESTING + 1) + "x"))
    assert problem.line == 6 and f"HTML elements nested more than {MAX_NESTING} levels deep" in problem.message


def test_a_table_is_at_most_twenty_columns_wide():
    ok = "|" + "a|" * 20 + "\n|" + "-|" * 20 + "\n"
    assert limits(_texts(ok)) == []
    [problem] = limits(_texts(ok.replace("a|", "a|a|", 1)))
    assert problem.line == 5 and "table row has more than 20 columns" in problem.message


@pytest.mark.parametrize("value, message", [
    ("2021-02-30", "'2021-02-30' is not a real date or time; expected a date such as 2024-09-01"),
    ("9" * 5_000, "number is 5,000 characters long; expected at most 50 (put it in quotes if it is text)"),
    ("0b" + "1" * 100, "number is 102 characters long"),
])
def test_a_value_the_yaml_library_cannot_build_is_a_clear_problem(tmp_path, value, message):
    from factories import POLICY

    policy = POLICY.replace("review_due: Summer 2021", f"review_due: {value}")
    assert any(e.startswith(f"policies/model/policy.yml:7: {message}") for e in _errors(tmp_path, {"policies/model/policy.yml": policy}))


@pytest.mark.parametrize("extra, message", [
    ("? [a, b]\n: x\n", "policies/schools/alpha.yml:7: a key is a list or mapping; expected plain text before the ':'"),
    ("2020-13-01: x\n", "policies/schools/alpha.yml:7: '2020-13-01' is not a real date or time"),
    ('"a\\0": x\n', "policies/schools/alpha.yml:7: NUL U+0000 in the text"),
    ('name2: "\\ud800"\n', "policies/schools/alpha.yml:7: \\uD800 is half of a character (an unpaired surrogate)"),
])
def test_keys_and_escapes_that_would_break_later_are_refused(tmp_path, extra, message):
    assert any(e.startswith(message) for e in _errors(tmp_path, {"policies/schools/alpha.yml": SCHOOL + extra}))


def test_a_list_or_mapping_has_at_most_a_thousand_entries(tmp_path):
    school = "id: alpha\npolicies:\n  model:\n    omit: [" + "x, " * 1_000 + "x]\n"
    assert _errors(tmp_path, {"policies/schools/alpha.yml": school}) == [
        "policies/schools/alpha.yml:4: more than 1,000 entries in one list or mapping; expected at most 1,000 (split it up)"]


def test_a_file_lists_at_most_twenty_five_problems_then_a_count(tmp_path):
    dos = "items: [" + ", ".join(["a"] * 40) + "]\n"
    errors = _errors(tmp_path, {"policies/model/dos-donts.yml": dos})
    assert len(errors) == 26 and any(e.endswith("15 more problems in this file, not listed; expected the ones above fixed first, then check again") for e in errors)
