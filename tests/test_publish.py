"""Publishing a site: refused folders, nothing to publish, permissions, stale staging, one
build at a time, no write access, a swap a kill interrupted, and serve's temporary folders."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factories import project
from generator.cli import publish
from helpers import copy_site_config, policy_site


def _listing(folder: Path) -> dict[str, bytes | None]:
    """Every folder and file under `folder`, with each file's bytes."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes() for p in folder.rglob("*")}


def _git_init(root: Path) -> None:
    subprocess.run(["git", "init", "-q", str(root)], check=True)


@pytest.fixture
def root(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "notes").mkdir(parents=True)
    (tmp_path / "home" / "notes" / "todo.txt").write_text("mine\n", encoding="utf-8")
    (tmp_path / "other" / "keep").mkdir(parents=True)
    (tmp_path / "other" / "keep" / "photo.txt").write_text("not a site\n", encoding="utf-8")
    root = copy_site_config(project(tmp_path / "project"))
    _git_init(root)
    return root


def _build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return policy_site("--root", str(root), "build", "--jobs", "1", *args)


@pytest.mark.parametrize("site_dir, says", [
    (".", "is the project folder"),
    ("docs", "is the project's docs/"),
    ("policies", "is the project's policies/"),
    ("policies/model/clauses", "is inside the project's policies/"),
    (".git", "is the project's .git/"),
    ("overrides", "is the project's overrides/"),
    ("..", "contains the project folder"),
    ("../home", "is the home folder"),
    ("../home/notes", "was not made by policy-site build"),
    ("../other", "was not made by policy-site build"),
    ("/", "is the root folder"),
])
def test_a_site_folder_that_would_replace_something_else_is_refused(root, site_dir, says):
    before = _listing(root.parent)
    result = policy_site("--root", str(root), "build", "--site-dir", site_dir, cwd=root)
    assert result.returncode == 1, result.stdout
    assert "build refused: " in result.stderr and says in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert _listing(root.parent) == before


def test_an_empty_or_missing_policies_folder_fails_and_keeps_the_previous_site(root):
    assert _build(root).returncode == 0
    before = _listing(root / "site")
    shutil.rmtree(root / "policies")
    (root / "policies").mkdir()
    empty = _build(root)
    assert empty.returncode == 1
    assert "policies:1: no policy found; expected a folder policies/<policy-id>/ holding a policy.yml" in empty.stderr
    (root / "policies").rmdir()
    missing = _build(root)
    assert missing.returncode == 1 and "no policy found" in missing.stderr
    assert _listing(root / "site") == before


def test_no_school_fails_and_keeps_the_previous_site(root):
    assert _build(root).returncode == 0
    before = _listing(root / "site")
    shutil.rmtree(root / "policies/schools")
    result = _build(root)
    assert result.returncode == 1
    assert "policies/schools:1: no school found" in result.stderr
    assert _listing(root / "site") == before


def _modes(folder: Path) -> set[tuple[str, int]]:
    return {("folder" if p.is_dir() else "file", stat.S_IMODE(p.stat().st_mode)) for p in [folder, *folder.rglob("*")]}


@pytest.mark.parametrize("offline", [False, True])
def test_published_folders_are_world_readable(root, offline):
    site = root / ("site-offline" if offline else "site")
    site.mkdir()  # an existing empty folder may be used
    old = os.umask(0o022)
    try:
        result = _build(root, *(["--offline"] if offline else []))
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert _modes(site) == {("folder", 0o755), ("file", 0o644)}
    assert (site / "alpha-offline.zip").is_file() == offline
    assert (site / publish.MARKER).is_file()


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    return int(child.stdout)


def test_stale_staging_folders_of_dead_builds_are_cleaned(root):
    stale = root / f".building-{_dead_pid()}-site-abcd1234"
    (stale / "alpha").mkdir(parents=True)
    (stale / "alpha" / "index.html").write_text("half-built\n", encoding="utf-8")
    live = root / f".building-{os.getpid()}-site-efgh5678"
    live.mkdir()
    result = _build(root)
    assert result.returncode == 0, result.stderr
    assert not stale.exists()
    assert live.is_dir(), "a staging folder whose builder is alive is left alone"


def test_a_second_build_is_told_another_is_running(root):
    with publish.lock(root / "site"):
        result = _build(root)
    assert result.returncode == 1
    assert f"build refused: another build is running (pid {os.getpid()})" in result.stderr
    assert not (root / "site").exists()
    assert _build(root).returncode == 0, "the lock is released with its holder"


# root writes anywhere: it is run without the capabilities that let it
AS_A_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"] if os.geteuid() == 0 else []


@pytest.mark.parametrize("read_only", ["", "site"])
def test_a_site_folder_the_user_cannot_write_is_refused_plainly(root, read_only):
    www = root.parent / "www"
    (www / "site").mkdir(parents=True)
    publish.mark(www / "site")
    before = _listing(www)
    (www / read_only).chmod(0o555)
    try:
        exe = Path(sys.executable).with_name("policy-site")
        result = subprocess.run([*AS_A_USER, str(exe), "--root", str(root), "build", "--site-dir", str(www / "site")],
                                capture_output=True, text=True, timeout=600)
    finally:
        (www / read_only).chmod(0o755)
    assert result.returncode == 1, result.stderr
    assert f"build refused: cannot write {www / read_only} (permission denied); the site is untouched" in result.stderr
    assert _listing(www) == before


def _fake_site(folder: Path, text: str) -> Path:
    (folder / "alpha").mkdir(parents=True)
    (folder / "alpha" / "index.html").write_text(text, encoding="utf-8")
    (folder / ".build-cache.json").write_text('{"alpha": "%s"}' % text.strip(), encoding="utf-8")
    publish.mark(folder)
    return folder


def _stop_after(step: str, swap: publish.Swap) -> None:
    """The steps of a swap, as far as a kill let them run: one exchange of the two folders, or,
    where the system cannot exchange, two renames."""
    if step == "exchanged":
        assert publish._exchange(swap.new, swap.target)
    if step in ("renamed aside", "renamed in"):
        os.rename(swap.target, swap.old)
    if step == "renamed in":
        os.rename(swap.new, swap.target)


@pytest.mark.parametrize("step", ["journal", "renamed aside", "exchanged", "renamed in"])
def test_a_swap_a_kill_interrupted_is_completed_by_the_next_build(tmp_path, step):
    site = _fake_site(tmp_path / "site", "previous\n")
    staged = _fake_site(publish.staging(site), "new\n")
    expected = _listing(staged)
    swap = publish.Swap.of(staged, site)
    publish.write_journal(site, [swap])
    _stop_after(step, swap)
    publish.recover(site)
    assert _listing(site) == expected, "the finished build is published, cache file and all"
    assert not publish.journal_path(site).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_build_after_a_kill_between_the_renames_completes(root):
    assert _build(root).returncode == 0
    site = root / "site"
    staged = publish.staging(site)
    shutil.copytree(site, staged, dirs_exist_ok=True)
    swap = publish.Swap.of(staged, site)
    publish.write_journal(site, [swap])
    os.rename(site, swap.old)
    result = _build(root)
    assert result.returncode == 0, result.stderr
    assert "0 built, 2 unchanged" in result.stdout, "the cache file came through the interrupted swap"
    assert (site / "alpha" / "index.html").is_file() and (site / "index.html").is_file()
    assert not list(root.glob(".building-*")) and not publish.journal_path(site).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_stopped_with_sigterm_leaves_no_temporary_folder(root, tmp_path):
    temp = tmp_path / "temp"
    temp.mkdir()
    exe = Path(sys.executable).with_name("policy-site")
    server = subprocess.Popen([str(exe), "--root", str(root), "serve", "--school", "alpha", "--dev-addr", f"127.0.0.1:{_free_port()}"],
                              env={**os.environ, "TMPDIR": str(temp)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while not list(temp.glob("policy-site-documents-*")) and server.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        made = sorted(p.name for p in temp.iterdir())
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    finally:
        if server.poll() is None:
            server.kill()
    assert any(name.startswith("policy-site-documents-") for name in made), server.stderr.read()
    assert list(temp.iterdir()) == []


def test_where_folders_cannot_be_exchanged_two_renames_swap_them(tmp_path, monkeypatch):
    monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    site = _fake_site(tmp_path / "site", "previous\n")
    staged = _fake_site(publish.staging(site), "new\n")
    expected = _listing(staged)
    publish.publish([publish.Swap.of(staged, site)], site)
    assert _listing(site) == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_site_moved_aside_by_an_older_build_is_put_back(tmp_path):
    old = _fake_site(tmp_path / ".old-site", "previous\n")
    expected = _listing(old)
    publish.clean_stale(tmp_path / "site")
    assert _listing(tmp_path / "site") == expected and not old.exists()


def test_a_site_an_older_build_made_is_still_rebuilt_and_opened_up(root):
    site = root / "site"
    assert _build(root).returncode == 0
    (site / publish.MARKER).unlink()  # as builds before markers left it: the cache file only, mode 0700
    site.chmod(0o700)
    old = os.umask(0o022)
    try:
        result = _build(root, "--school", "alpha", "--force")
    finally:
        os.umask(old)
    assert result.returncode == 0, result.stderr
    assert "1 built, 0 unchanged" in result.stdout
    assert stat.S_IMODE(site.stat().st_mode) == 0o755 and (site / publish.MARKER).is_file()
    assert (site / "beta" / "index.html").is_file(), "the other school is left in place"
