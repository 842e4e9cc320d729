"""Every command of the README runs as written (issue 10), in a fresh copy of the checkout
with kggraph installed from it into a new venv — the README's own first command.

Commands come from the README's ``sh`` blocks and the ``$ …`` lines of its example
blocks, run in order in one folder (later ones use what earlier ones wrote, as a reader
would); each must exit 0, and an example's first output line (its table header or first
build line) must be what the command prints first. Not run: the README's test command
(it is this suite) and `kggraph serve`, a server that runs until stopped (its own tests
start and stop it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def commands() -> list[tuple[str, str | None]]:
    """(command, first output line shown or None), in README order."""
    out: list[tuple[str, str | None]] = []
    for lang, body in BLOCK.findall(README.read_text(encoding="utf-8")):
        lines = body.splitlines()
        if lang == "sh":
            out += [(re.sub(r"\s+#.*$", "", line).strip(), None) for line in lines if line.strip()]
        for i, line in enumerate(lines):
            if not lang and line.startswith("$ "):
                shown = lines[i + 1] if i + 1 < len(lines) else None
                out.append((line[2:].strip(), shown if shown and shown != "…" else None))
    return out


def runnable(command: str) -> bool:
    return "pytest" not in command and "kggraph serve" not in command


def test_the_readme_lists_the_commands_it_promises() -> None:
    found = [c for c, _ in commands()]
    assert found[0].startswith("python3 -m venv .venv && .venv/bin/pip install -q . && ")
    assert "kggraph query askers out/example.trig --param doc=ah-tk-20232024-1999" in found
    assert "kggraph network --store out/store --kind sources --top 4" in found
    assert "kggraph eval tests/golden" in found
    assert "kggraph describe --store out/store -o out/dataset.ttl" in found


def _copy_checkout(dest: Path) -> None:
    skip = {".venv", ".git", "out", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
    shutil.copytree(ROOT, dest, ignore=lambda _d, names: [n for n in names if n in skip])


def test_every_readme_command_runs_as_written(tmp_path: Path) -> None:
    work = tmp_path / "kggraph"
    _copy_checkout(work)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = f"{work / '.venv' / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    ran = []
    for command, shown in commands():
        if not runnable(command):
            continue
        proc = subprocess.run(
            command, shell=True, cwd=work, env=env, capture_output=True, text=True, timeout=900
        )
        assert proc.returncode == 0, f"{command}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        if shown is not None:
            assert proc.stdout.splitlines()[0].rstrip() == shown.rstrip(), command
        ran.append(command)
    assert len(ran) >= 8
    assert (work / "out" / "example.trig").stat().st_size > 10_000
    assert (work / "out" / "kamerstukken.html").is_file()
