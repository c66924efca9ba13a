"""One bad file never costs the run: each one gets its line and reason, the good files beside it are
ingested, and files that would expand to gigabytes are refused before they do (issue 15, part 3).

Every bad file is built here, in a temporary folder, the way it arrives in a real drop folder."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from core.store import Match, Where, scroll_all
from tests.conftest import make_services

ROOT = Path(__file__).resolve().parents[1]
LIVE = Where.of(Match("state", "live"))
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def ingested(services, collection="public") -> set[str]:
    return {Path(h.payload["path"]).name for h in scroll_all(services.store, collection, LIVE)}


# --- building the files -----------------------------------------------------------------------------
def docx_file(path: Path, text: str) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    document.save(str(path))


def replace_member(package: Path, out: Path, member: str, write) -> None:
    """A copy of a real DOCX/XLSX with one member rewritten by `write(file)`, streamed, deflated."""
    with (
        zipfile.ZipFile(package) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z,
    ):
        for info in source.infolist():
            if info.filename != member:
                z.writestr(info.filename, source.read(info.filename))
        with z.open(member, "w", force_zip64=True) as f:
            write(f)


def spaces(f, n: int) -> None:
    block = b" " * (1 << 24)
    while n > 0:
        f.write(block[: min(n, len(block))])
        n -= len(block)


def docx_bomb(path: Path, expanded: int) -> None:
    """A DOCX whose word/document.xml is `expanded` bytes of one paragraph of spaces."""
    base = path.with_suffix(".base.docx")
    docx_file(base, "x")

    def write(f):
        f.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>Quotes are due March 16.'.encode())
        spaces(f, expanded)
        f.write(b"</w:t></w:r></w:p></w:body></w:document>")

    replace_member(base, path, "word/document.xml", write)
    base.unlink()


def xlsx_bomb(path: Path, expanded: int) -> None:
    import openpyxl

    base = path.with_suffix(".base.xlsx")
    workbook = openpyxl.Workbook()
    workbook.active.append(["Labor category", "Rate"])
    workbook.save(base)

    def write(f):
        f.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
        spaces(f, expanded)
        f.write(b"</sheetData></worksheet>")

    replace_member(base, path, "xl/worksheets/sheet1.xml", write)
    base.unlink()


def corrupt_xml_docx(path: Path) -> None:
    base = path.with_suffix(".base.docx")
    docx_file(base, "x")
    replace_member(
        base,
        path,
        "word/document.xml",
        lambda f: f.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>cut off'.encode()),
    )
    base.unlink()


def pdf_bomb(path: Path, expanded: int) -> None:
    """A one-page PDF whose content stream is a line of text and then `expanded` bytes of spaces,
    deflated (about 1,000 to 1)."""
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, EncodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(612, 792)
    squeeze = zlib.compressobj(9)
    parts = [squeeze.compress(b"BT /F1 12 Tf 72 700 Td (Quotes are due March 16.) Tj ET\n")]
    block = b" " * (1 << 24)
    for start in range(0, expanded, len(block)):
        parts.append(squeeze.compress(block[: min(len(block), expanded - start)]))
    parts.append(squeeze.flush())
    stream = EncodedStreamObject()
    stream._data = b"".join(parts)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(stream)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    with open(path, "wb") as f:
        writer.write(f)


def long_field_csv(path: Path, chars: int) -> None:
    path.write_text(
        'Labor category,Description\nAnalyst,"' + "Analyzes requirements. " * (chars // 23) + '"\n'
    )


def good_files(folder: Path, data_root: Path) -> set[str]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "good.md").write_text("# RFQ\n\nQuotes are due by 2:00 PM on March 16, 2026.\n")
    docx_file(folder / "good.docx", "The period of performance is one base year and four option years.")
    (folder / "good.csv").write_text("Labor category,Rate\nSenior Developer,150.00\n")
    shutil.copy(
        data_root / "rfp/gsa-tts-incident-response-saas-2018/Amendment_001_SF30_with_QA.pdf",
        folder / "good.pdf",
    )
    return {"good.md", "good.docx", "good.csv", "good.pdf"}


def symlink_loop(path: Path) -> None:
    os.symlink(path.name, path)  # a link to itself


def symlink_ring(path: Path) -> None:
    os.symlink("ring_b.md", path)
    os.symlink(path.name, path.with_name("ring_b.md"))


OVER = 2 * 2**20  # past the 1 MB RFP_MAX_EXPANDED_MB these tests set
LIMIT = "decompresses to more than 1 MB (RFP_MAX_EXPANDED_MB)"
# Each bad file: how it is built, and the words its one-line reason must hold.
CASES = {
    "long_field.csv": (lambda p: long_field_csv(p, 200_000), None),  # over csv's 131,072 default: read
    "huge_field.csv": (
        lambda p: long_field_csv(p, OVER),
        "a field on line 2 is longer than 1,048,576 characters",
    ),
    "loop.md": (symlink_loop, "a symbolic link loop"),
    "ring_a.md": (symlink_ring, "a symbolic link loop"),
    "pipe.txt": (os.mkfifo, "not a regular file"),  # opening it would wait for a writer forever
    "corrupt_xml.docx": (corrupt_xml_docx, "corrupt or unreadable DOCX file (XMLSyntaxError"),
    "bomb.docx": (lambda p: docx_bomb(p, OVER), f"{LIMIT}: word/document.xml alone is 2 MB"),
    "bomb.xlsx": (lambda p: xlsx_bomb(p, OVER), f"{LIMIT}: xl/worksheets/sheet1.xml alone is 2 MB"),
    "bomb.pdf": (lambda p: pdf_bomb(p, OVER), f"{LIMIT} (a stream on page 1)"),
}


def failures(report) -> dict[str, str]:
    return {Path(r.path).name: r.reason for r in report.results if r.status == "failed"}


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_file_gets_its_reason_and_the_good_files_go_in(tmp_path, embedder, data_root, name):
    from rich.console import Console

    from ingest.run import ingest_paths

    folder = tmp_path / "inbox"
    good = good_files(folder, data_root)
    build, reason = CASES[name]
    build(folder / name)
    services = make_services(tmp_path / "data", embedder, ingest_workers=0, max_expanded_mb=1)
    out = io.StringIO()
    report = ingest_paths(services.indexer, [folder], "public", console=Console(file=out, width=300))
    if reason is None:
        assert failures(report) == {}
        assert ingested(services) == good | {name}
        (record,) = [
            h.payload for h in scroll_all(services.store, "public", LIVE) if h.payload["path"].endswith(name)
        ]
        assert len(record["text"]) > 131_072  # the whole field, quoted as the file has it
    else:
        failed = failures(report)
        assert set(failed) == ({name, "ring_b.md"} if name == "ring_a.md" else {name}), failed
        assert reason in failed[name], failed
        assert f"failed {folder / name}: {failed[name]}" in out.getvalue()  # its one line
        assert ingested(services) == good
    services.close()


def test_all_of_them_at_once_in_the_parser_process(tmp_path, embedder, data_root):
    """The same files in one run, parsed in a worker process (RFP_INGEST_WORKERS=1)."""
    from rich.console import Console

    from ingest.run import ingest_paths

    folder = tmp_path / "inbox"
    good = good_files(folder, data_root)
    for name, (build, _) in CASES.items():
        build(folder / name)
    services = make_services(tmp_path / "data", embedder, ingest_workers=1, max_expanded_mb=1)
    report = ingest_paths(services.indexer, [folder], "public", console=Console(file=io.StringIO()))
    expected = {name: reason for name, (_, reason) in CASES.items() if reason is not None}
    expected["ring_b.md"] = "a symbolic link loop"
    failed = failures(report)
    assert set(failed) == set(expected)
    for name, reason in expected.items():
        assert reason in failed[name], (name, failed[name])
    assert ingested(services) == good | {"long_field.csv"}
    services.close()


def test_an_unreadable_folder_gets_a_line_and_the_rest_goes_in(tmp_path):
    folder = tmp_path / "inbox"
    (folder / "locked").mkdir(parents=True)
    (folder / "locked" / "secret.md").write_text("# Secret\n\nNot readable by this user.\n")
    (folder / "ok.md").write_text("# RFQ\n\nQuotes are due March 16, 2026.\n")
    (folder / "locked").chmod(0)
    try:
        result = run_rfp(tmp_path, "ingest", str(folder))
    finally:
        (folder / "locked").chmod(0o755)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [
        " ".join(line.split())
        for line in (result.stdout + result.stderr).splitlines()
        if line.startswith("failed")
    ]
    assert lines == [f"failed {folder / 'locked'}: folder not read: cannot read: Permission denied"]
    found = run_rfp(tmp_path, "search", "When are quotes due?", "--json")
    assert found.returncode == 0 and "ok.md" in found.stdout and "secret.md" not in found.stdout


def run_rfp(tmp_path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real entry point, as a user without root's power to read every folder."""
    command = [sys.executable, "-m", "rfp", "--data-dir", str(tmp_path / "data"), *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: root reads every folder")
        drop = "-dac_override,-dac_read_search"
        command = [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}", *command]
    return subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT), **(env or {})},
    )


# --- bombs at full size, in a real run, with the memory measured ------------------------------------
@pytest.fixture(scope="module")
def bombs(tmp_path_factory) -> Path:
    """A DOCX, an XLSX and a PDF of about 1 MB each on disk that expand to 1 GB."""
    folder = tmp_path_factory.mktemp("bombs")
    docx_bomb(folder / "bomb.docx", 2**30)
    xlsx_bomb(folder / "bomb.xlsx", 2**30)
    pdf_bomb(folder / "bomb.pdf", 2**30)
    for bomb in folder.iterdir():
        assert bomb.stat().st_size < 3 * 2**20, bomb
    return folder


MEASURED = """
import resource, subprocess, sys, time
from pathlib import Path

def tree_rss(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmRSS")))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, StopIteration):
            pass
    return total

child = subprocess.Popen(sys.argv[1:])
peak_tree = 0
while child.poll() is None:
    peak_tree = max(peak_tree, tree_rss(child.pid))
    time.sleep(0.05)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"PEAK {peak} {peak_tree}", file=sys.stderr)
sys.exit(child.returncode)
"""


@pytest.mark.parametrize("workers", ["0", "1"], ids=["in-process", "worker-process"])
def test_gigabyte_bombs_are_refused_before_they_inflate(tmp_path, bombs, workers):
    folder = tmp_path / "inbox"
    folder.mkdir()
    for bomb in bombs.iterdir():
        os.link(bomb, folder / bomb.name)
    (folder / "good.md").write_text("# RFQ\n\nQuotes are due by 2:00 PM on March 16, 2026.\n")
    (folder / "notes.md").write_text("# Notes\n\nThe incumbent is Northwind.\n")
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            MEASURED,
            sys.executable,
            "-m",
            "rfp",
            "--data-dir",
            str(tmp_path / "data"),
            "ingest",
            str(folder),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        env={
            "PATH": "/usr/bin:/bin",
            "HF_HUB_OFFLINE": "1",
            "PYTHONPATH": str(ROOT),
            "RFP_INGEST_WORKERS": workers,
        },
    )
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    lines = [" ".join(line.split()) for line in output.splitlines() if line.startswith("failed")]
    limit = "decompresses to more than 100 MB (RFP_MAX_EXPANDED_MB)"
    assert sorted(lines) == sorted(
        [
            f"failed {folder / 'bomb.docx'}: {limit}: word/document.xml alone is 1,024 MB (read from the zip directory)",
            f"failed {folder / 'bomb.pdf'}: {limit} (a stream on page 1)",
            f"failed {folder / 'bomb.xlsx'}: {limit}: xl/worksheets/sheet1.xml alone is 1,024 MB "
            "(read from the zip directory)",
        ]
    ), output
    peak_kb, tree_kb = (int(x) for x in output.split("PEAK ")[1].split()[:2])
    print(
        f"workers={workers}: {seconds:.1f} s, peak process {peak_kb / 1024:.0f} MB, "
        f"peak of the process tree {tree_kb / 1024:.0f} MB"
    )
    assert peak_kb < 2**20 and tree_kb < 2**20, (peak_kb, tree_kb)
    found = run_rfp(tmp_path, "search", "Who is the incumbent?", "--json")
    assert found.returncode == 0 and "notes.md" in found.stdout and "good.md" in found.stdout, found.stderr


# --- a parser process that dies ---------------------------------------------------------------------
def test_a_parser_process_that_dies_fails_only_its_file(tmp_path, embedder):
    """The kernel's OOM killer, or a crash in a C library, ends a parser process: every worker
    process is killed while `b_slow.txt` is being read, its retry alone too. That file fails with
    the reason; the files before and after it are ingested."""
    import multiprocessing

    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.md").write_text("# A\n\nThe first file is read before the parser dies.\n")
    paragraph = "The contractor shall deliver monthly status reports to the contracting officer. "
    (folder / "b_slow.txt").write_text((paragraph * 8 + "\n\n") * 40_000)  # 26 MB: about 20 s of chunking
    for name in ("c.md", "d.md", "e.md"):
        (folder / name).write_text(f"# {name}\n\nThis file comes after the parser died.\n")
    services = make_services(tmp_path / "data", embedder, ingest_workers=1)
    embedder.embed(["warm up"])  # a.md's result must come back while b_slow.txt is still being read
    killing, stop, lock, killed = threading.Event(), threading.Event(), threading.Lock(), []

    def killer():
        killing.wait()
        while not stop.is_set():
            with lock:  # never after b_slow.txt's result is in
                if stop.is_set():
                    break
                for child in multiprocessing.active_children():
                    os.kill(child.pid, signal.SIGKILL)
                    killed.append(child.pid)
            time.sleep(0.02)

    def on_result(result):
        name = Path(result.path).name
        if name == "a.md":
            killing.set()
        if name == "b_slow.txt":
            with lock:
                stop.set()

    from core.indexing import walk

    files, _ = walk([folder])
    thread = threading.Thread(target=killer, daemon=True)
    thread.start()
    try:
        results = services.indexer.index_files(files, "public", batch_chunks=1, on_result=on_result)
    finally:
        stop.set()
        killing.set()
        thread.join(timeout=10)
    by_name = {Path(r.path).name: r for r in results}
    assert [Path(r.path).name for r in results] == ["a.md", "b_slow.txt", "c.md", "d.md", "e.md"]
    assert len(killed) >= 2, "the worker and the retry were killed"
    assert by_name["b_slow.txt"].status == "failed"
    assert by_name["b_slow.txt"].reason.startswith("the parser process died while reading it")
    assert all(by_name[n].status == "new" for n in ("a.md", "c.md", "d.md", "e.md")), results
    assert ingested(services) == {"a.md", "c.md", "d.md", "e.md"}
    services.close()
