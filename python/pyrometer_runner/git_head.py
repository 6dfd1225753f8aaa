"""The git commit a directory is checked out at, read from the repository's files (no git process, no shell).

Handles plain repositories, worktrees and submodules (``.git`` is a file ``gitdir: PATH``, with ``commondir``
naming the shared directory that holds the refs) and packed refs. Anything unreadable gives None: a profile
without a commit is still a profile.
"""
import os


def _read(path):
    try:
        with open(path, "r", encoding="utf-8", errors="replace") as stream:
            return stream.read()
    except OSError:
        return None


def _git_dir(start):
    """(worktree root, git dir) of the repository holding START, or (None, None)."""
    current = os.path.abspath(start)
    while True:
        dot_git = os.path.join(current, ".git")
        if os.path.isdir(dot_git):
            return current, dot_git
        if os.path.isfile(dot_git):
            text = (_read(dot_git) or "").strip()
            if text.startswith("gitdir:"):
                target = text[len("gitdir:"):].strip()
                return current, os.path.normpath(os.path.join(current, target))
            return None, None
        parent = os.path.dirname(current)
        if parent == current:
            return None, None
        current = parent


def _is_sha(text):
    return len(text) in (40, 64) and all(c in "0123456789abcdef" for c in text)


def _resolve_ref(ref, git_dir, common_dir):
    for base in (git_dir, common_dir):
        found = _read(os.path.join(base, *ref.split("/")))
        if found is not None and _is_sha(found.strip()):
            return found.strip()
    packed = _read(os.path.join(common_dir, "packed-refs")) or ""
    for line in packed.splitlines():
        parts = line.strip().split(" ")
        if len(parts) == 2 and parts[1] == ref and _is_sha(parts[0]):
            return parts[0]
    return None


def git_head(start):
    """{"commit", "branch", "root"} for the repository holding START (branch None when detached); None outside one."""
    root, git_dir = _git_dir(start)
    if git_dir is None:
        return None
    head = (_read(os.path.join(git_dir, "HEAD")) or "").strip()
    common = (_read(os.path.join(git_dir, "commondir")) or "").strip()
    common_dir = os.path.normpath(os.path.join(git_dir, common)) if common else git_dir
    if head.startswith("ref:"):
        ref = head[len("ref:"):].strip()
        commit = _resolve_ref(ref, git_dir, common_dir)
        branch = ref[len("refs/heads/"):] if ref.startswith("refs/heads/") else ref
    elif _is_sha(head):
        commit, branch = head, None
    else:
        return None
    if commit is None:  # a branch with no commit yet
        return None
    return {"commit": commit, "branch": branch, "root": root}
