"""Lines of Python per top-level package, for the shape of the code base (issue 11: "Report lines per
package before and after").

Two counts per package: `lines`, the non-blank lines of its .py files, and `code`, those lines
that hold code (comments and docstrings left out). Read from the working tree, or from a commit
with --rev (through git, no checkout), so figures before and after a change come from one command.
`ruff format` (6cc94b5) added ~2,300 lines by layout alone; --formatted lays every file out with
today's ruff settings before counting, so revisions on either side of it compare.

    python bench/lines.py                     # the working tree
    python bench/lines.py --rev 3f5c924^ --rev HEAD [--formatted] [--json]
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("core", "proposal", "bot", "ingest", "finetune", "rfp")
NOT_CODE = {
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENCODING,
    tokenize.ENDMARKER,
}


def docstring_lines(tree: ast.AST) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return lines


def count(source: str) -> tuple[int, int]:
    """(non-blank lines, code lines) of one file."""
    non_blank = sum(1 for line in source.splitlines() if line.strip())
    try:
        docstrings = docstring_lines(ast.parse(source))
        code: set[int] = set()
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type not in NOT_CODE:
                code.update(range(tok.start[0], tok.end[0] + 1))
    except (SyntaxError, tokenize.TokenError):  # count what can be counted
        return non_blank, non_blank
    return non_blank, len(code - docstrings)


def files(rev: str | None) -> dict[str, str]:
    """Path -> source of every .py file under the packages, in the working tree or at a commit."""
    if rev is None:
        return {
            str(p.relative_to(ROOT)): p.read_text(encoding="utf-8", errors="replace")
            for package in PACKAGES
            for p in sorted((ROOT / package).rglob("*.py"))
            if "__pycache__" not in p.parts
        }

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, check=True, capture_output=True, text=True).stdout

    names = git("ls-tree", "-r", "--name-only", rev, "--", *PACKAGES).split()
    return {name: git("show", f"{rev}:{name}") for name in names if name.endswith(".py")}


def formatted(path: str, source: str) -> str:
    """The file as `ruff format` with this repository's settings lays it out (unchanged if it cannot)."""
    ruff = Path(sys.executable).with_name("ruff")
    done = subprocess.run(
        [str(ruff if ruff.exists() else "ruff"), "format", "--stdin-filename", path, "-"],
        cwd=ROOT,
        input=source,
        capture_output=True,
        text=True,
    )
    return done.stdout if done.returncode == 0 else source


def tally(rev: str | None, layout: bool = False) -> dict[str, dict[str, int]]:
    out = {package: {"files": 0, "lines": 0, "code": 0} for package in PACKAGES}
    for path, source in files(rev).items():
        if layout:
            source = formatted(path, source)
        package = path.split("/", 1)[0]
        lines, code = count(source)
        out[package]["files"] += 1
        out[package]["lines"] += lines
        out[package]["code"] += code
    return out


def table(label: str, figures: dict[str, dict[str, int]]) -> str:
    total_lines = sum(f["lines"] for f in figures.values()) or 1
    total_code = sum(f["code"] for f in figures.values()) or 1
    rows = [f"{label}", f"  {'package':<10}{'files':>7}{'lines':>9}{'code':>9}{'share':>8}"]
    for package, f in figures.items():
        rows.append(
            f"  {package:<10}{f['files']:>7}{f['lines']:>9}{f['code']:>9}{f['code'] / total_code:>8.0%}"
        )
    files_total = sum(f["files"] for f in figures.values())
    rows.append(f"  {'total':<10}{files_total:>7}{total_lines:>9}{total_code:>9}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--rev", action="append", help="a commit to count (repeatable); default the working tree"
    )
    parser.add_argument("--formatted", action="store_true", help="count as ruff format lays the files out")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    revs: list[str | None] = list(args.rev) if args.rev else [None]
    results = {rev or "working tree": tally(rev, args.formatted) for rev in revs}
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print("\n\n".join(table(label, figures) for label, figures in results.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
