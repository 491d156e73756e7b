"""Benchmark (not a test): our extractor's files/s over the corpus against ExifTool's batch mode, and peak memory.

Run: python bench/bench_extraction.py [--corpus DIR] [--rounds N]
Prints a table and writes bench/results/extraction.json.
"""

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extraction.pipeline import extract_file  # noqa: E402

RESULTS = REPO / "bench" / "results" / "extraction.json"


def corpus_files(corpus: Path) -> list[str]:
    return sorted(str(p) for p in (corpus / "images").rglob("*") if p.is_file())


def run_child(argv: list[str], env: dict | None = None, ok: tuple[int, ...] = (0,)) -> tuple[float, int, bytes]:
    """Run a process to the end; return wall seconds, its own peak RSS in bytes, and its stdout."""
    started = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=REPO)
    out = child.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in ok:
        raise SystemExit(f"{argv[0]} exited {child.returncode}")
    return elapsed, usage.ru_maxrss * 1024, out


def bench_in_process(files: list[str], rounds: int) -> dict:
    for path in files:  # warm the page cache and imports
        extract_file(path)
    started = time.perf_counter()
    for _ in range(rounds):
        for path in files:
            extract_file(path)
    elapsed = time.perf_counter() - started
    return {"files": len(files) * rounds, "seconds": elapsed, "files_per_s": len(files) * rounds / elapsed,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def bench_command(files: list[str]) -> dict:
    env = {**os.environ, "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "1")}
    argv = [sys.executable, "manage.py", "extract_metadata", "--jsonl", *files]
    # Exit 1 says some file could not be read (the corpus holds broken ones); every record is still printed.
    elapsed, rss, out = run_child(argv, env, ok=(0, 1))
    assert len(out.splitlines()) == len(files)
    return {"files": len(files), "seconds": elapsed, "files_per_s": len(files) / elapsed, "peak_rss_mb": rss / 2**20}


def bench_exiftool(files: list[str], exiftool: str) -> dict:
    elapsed, rss, out = run_child([exiftool, "-j", "-n", "-G", "-struct", *files])
    assert len(json.loads(out)) == len(files)
    version = subprocess.run([exiftool, "-ver"], capture_output=True, text=True).stdout.strip()
    return {"files": len(files), "seconds": elapsed, "files_per_s": len(files) / elapsed,
            "peak_rss_mb": rss / 2**20, "version": version}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path,
                        default=Path(os.environ.get("IMGMVP_CORPUS") or REPO.parent / "shared" / "corpus"))
    parser.add_argument("--rounds", type=int, default=5, help="passes over the corpus for the in-process run")
    args = parser.parse_args()
    files = corpus_files(args.corpus)
    if not files:
        raise SystemExit(f"no images under {args.corpus / 'images'}")
    exiftool = shutil.which("exiftool")
    if exiftool is None:
        raise SystemExit("exiftool not found (apt-get install -y libimage-exiftool-perl)")

    ours_cmd = bench_command(files)  # one process, one batch: the same shape as ExifTool's run
    theirs = bench_exiftool(files, exiftool)
    ours = bench_in_process(files, args.rounds)

    rows = [
        ("exiftool -j -n -G -struct (batch)", theirs),
        ("manage.py extract_metadata --jsonl (batch)", ours_cmd),
        (f"extract_file in-process ({args.rounds} rounds)", ours),
    ]
    print(f"corpus: {args.corpus / 'images'} ({len(files)} files), ExifTool {theirs['version']}, "
          f"Python {platform.python_version()}")
    print(f"{'run':<46}{'files':>7}{'seconds':>10}{'files/s':>10}{'vs exiftool':>13}{'peak RSS MB':>13}")
    for label, row in rows:
        ratio = row["files_per_s"] / theirs["files_per_s"]
        print(f"{label:<46}{row['files']:>7}{row['seconds']:>10.3f}{row['files_per_s']:>10.1f}"
              f"{ratio:>12.2f}x{row['peak_rss_mb']:>13.1f}")
    summary = {
        "corpus_files": len(files),
        "exiftool": theirs,
        "extract_metadata_command": ours_cmd | {"ratio_vs_exiftool": ours_cmd["files_per_s"] / theirs["files_per_s"]},
        "extract_file_in_process": ours | {"ratio_vs_exiftool": ours["files_per_s"] / theirs["files_per_s"]},
        "goals": {"ratio_vs_exiftool": 2.0, "peak_rss_mb": 200},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"written: {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
