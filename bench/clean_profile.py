"""What writing one clean copy costs in-process, per file: CPU ms median/p90 by format, and where it goes.

`python -m bench.clean_profile [--formats jpg,png,...] [--min-mb M] [--repeat N] [--profile FILE]
[--hashes OUT.json]`. Each corpus file of those formats (of at least M MB) gets `clean_file` N times, its
fastest counting (the original's record is given, as the pipeline gives it, so only the copy and its
read-back are timed); `--profile` prints cProfile's top functions for 20 copies of one file; `--hashes`
writes the sha256 of every clean copy (or its error code), to prove a change leaves the copies
byte-identical. A/B against another tree: `PYTHONPATH=/that/tree python bench/clean_profile.py`.
"""

import argparse
import cProfile
import hashlib
import json
import os
import pstats
import statistics
import tempfile
import time
from pathlib import Path

from extraction.pipeline.clean import clean_file
from extraction.pipeline.errors import PipelineError
from extraction.pipeline.extract import extract_file

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "images"


def one_copy(source: Path, workdir: str, original: dict) -> tuple[float, str]:
    """CPU seconds to write and verify one copy, and the copy's sha256 (or the error code)."""
    target = os.path.join(workdir, "copy")
    start = time.process_time()
    try:
        clean_file(str(source), target, original=original)
    except PipelineError as exc:
        return time.process_time() - start, f"error:{exc.code}"
    spent = time.process_time() - start
    with open(target, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    os.remove(target)
    return spent, digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--formats", default="jpg")
    parser.add_argument("--min-mb", type=float, default=0.0, help="only files of at least this size")
    parser.add_argument("--repeat", type=int, default=3, help="copies per file; its fastest counts")
    parser.add_argument("--profile", help="a file to run under cProfile (20 copies)")
    parser.add_argument("--hashes", help="write {file: sha256 or error} as JSON here")
    args = parser.parse_args()
    hashes: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as workdir:
        if args.profile:
            source = Path(args.profile)
            original = extract_file(str(source))
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(20):
                one_copy(source, workdir, original)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
            return
        print(f"{'format':<6} {'files':>5} {'CPU ms/copy median':>19} {'p90':>7} {'max':>7} {'total s':>8}")
        for fmt in args.formats.split(","):
            files = sorted(p for p in (CORPUS / fmt).iterdir()
                           if p.is_file() and p.stat().st_size >= args.min_mb * 1e6)
            per_file = []
            for source in files:
                original = extract_file(str(source))
                times = []
                for _ in range(args.repeat):
                    spent, digest = one_copy(source, workdir, original)
                    times.append(spent)
                per_file.append(min(times) * 1000)
                hashes[f"{fmt}/{source.name}"] = digest
            if not per_file:
                continue
            ordered = sorted(per_file)
            p90 = ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]
            print(f"{fmt:<6} {len(ordered):>5} {statistics.median(ordered):>19.2f} {p90:>7.2f} {ordered[-1]:>7.2f}"
                  f" {sum(ordered) / 1000:>8.2f}")
    if args.hashes:
        Path(args.hashes).write_text(json.dumps(hashes, indent=1, sort_keys=True))


if __name__ == "__main__":
    main()
