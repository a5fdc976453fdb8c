"""The one place the generator talks to git: revisions read as sources, adoption tags, and the commands behind them."""
from __future__ import annotations
import subprocess
from pathlib import Path
from typing import Sequence
from generator.sources.reading import Reader


WORKTREE = "WORKTREE"


class GitError(Exception):
    """A revision that does not exist, or a folder that is not a git repository."""


def git(repo: Path, *args: str, input: bytes | None = None) -> bytes:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, input=input)
    if result.returncode != 0:
        raise GitError(result.stderr.decode(errors="replace").strip() or f"git {' '.join(args)} failed")
    return result.stdout


def commit_of(repo: Path, rev: str) -> str:
    """The full commit ID of a revision (branch, tag, abbreviated ID, HEAD~2 …)."""
    try:
        return git(repo, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").decode().strip()
    except GitError:
        raise GitError(f"'{rev}' is not a commit in {repo}; expected a branch, tag or commit ID") from None


class TreeReader:
    """The files under `policies/` at a commit: listed once, read in one `git cat-file --batch`.

    A `Reader` of a revision, fast over many revisions: blobs are
    shared through `blobs`, so a file unchanged between two commits is read once. `only` keeps
    just the paths under the given folders (e.g. one policy and the schools), so resolving one
    school at an old commit does not parse every other policy.
    """

    def __init__(self, repo: Path, rev: str, blobs: dict[str, bytes] | None = None, only: tuple[str, ...] = ()) -> None:
        self.repo, self.rev = repo, rev
        self.blobs = {} if blobs is None else blobs
        listing = git(repo, "ls-tree", "-r", "-z", rev, "--", "policies").decode()
        self.files: dict[str, str] = {}
        for entry in filter(None, listing.split("\0")):
            meta, path = entry.split("\t", 1)
            kind, sha = meta.split()[1:3]
            if kind == "blob" and (not only or any(path.startswith(f"{folder.rstrip('/')}/") for folder in only)):
                self.files[path] = sha

    def list(self, folder: str) -> list[str]:
        prefix = f"{folder.rstrip('/')}/"
        return sorted(p for p in self.files if p.startswith(prefix))

    def read(self, path: str) -> bytes:
        if path not in self.files:
            raise FileNotFoundError(f"{path} is not in {self.rev}")
        sha = self.files[path]
        if sha not in self.blobs:
            self._fetch([s for s in set(self.files.values()) if s not in self.blobs])
        return self.blobs[sha]

    def _fetch(self, shas: Sequence[str]) -> None:
        out = git(self.repo, "cat-file", "--batch", input="".join(f"{s}\n" for s in shas).encode())
        at = 0
        while at < len(out):
            header_end = out.index(b"\n", at)
            sha, _, size = out[at:header_end].decode().split()
            start = header_end + 1
            self.blobs[sha] = out[start : start + int(size)]
            at = start + int(size) + 1


def reader_at(repo: Path, rev: str, blobs: dict[str, bytes] | None = None, only: tuple[str, ...] = ()) -> Reader:
    """A reader of the sources at `rev`; `WORKTREE` means the files on disk."""
    if rev == WORKTREE:
        from generator.sources.reading import FolderReader

        return FolderReader(repo)
    return TreeReader(repo, commit_of(repo, rev), blobs, only)


def policy_history(root: Path) -> tuple[dict[str, int], list[str], str]:
    """For `policies/`: each path's newest commit (as an index into the commits, newest first),
    the commits, and the adoption tags. A site's 'last changed' dates and 'What's changed' page
    are made from these, so committing or tagging changes the site without changing a file."""
    try:
        log = git(root, "log", "--relative", "--format=%x01%H", "--name-only", "--", "policies").decode()
        tags = git(root, "for-each-ref", "--format=%(refname) %(objectname)", "refs/tags/adopted/").decode()
    except (OSError, GitError):
        return {}, [], ""
    newest: dict[str, int] = {}
    commits: list[str] = []
    for record in filter(None, log.split("\x01")):
        sha, *paths = record.strip("\n").split("\n")
        for path in filter(None, paths):
            newest.setdefault(path, len(commits))
        commits.append(sha)
    return newest, commits, tags
