"""What a preview costs: CPU per preview, per format, over the corpus, this tree's make_preview against a git ref's.

`python -m bench.preview_cost [--ref main] [--rounds 3] [--budget 0.05] [--corpus DIR]`. In one process,
rounds alternate the two versions file by file (the ref's extraction/pipeline/preview.py is loaded from
git beside this one); each measure repeats one file's preview until `budget` CPU seconds have passed. Prints,
per format, the files that got a preview, the median and the largest CPU ms per preview (each file's median
over the rounds), for both versions, and what the largest preview came out as. `--ref ''` measures this tree alone.

`python -m bench.preview_cost --sessions N [--rounds R]`: what a preview adds to a whole session instead. Two
daphne deployments of this tree (PREVIEWS=1 and 0, clean copies on in both) take turns, round by round; each
round sends N watched uploads of one JPEG, then of one HEIC, and reads the server's CPU seconds around them.
"""

import argparse
import importlib.util
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "images"
FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WebP", ".gif": "GIF", ".heic": "HEIC",
           ".heif": "HEIC", ".avif": "AVIF", ".tif": "TIFF", ".tiff": "TIFF", ".dng": "DNG", ".nef": "NEF",
           ".rw2": "RW2", ".bmp": "BMP"}


def load_ref(ref: str):
    """The make_preview of `ref`, loaded as a sibling module so its relative imports resolve."""
    source = subprocess.run(["git", "show", f"{ref}:extraction/pipeline/preview.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    name = "extraction.pipeline._preview_ref"
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    module.__package__ = "extraction.pipeline"
    exec(compile(source, f"{ref}:extraction/pipeline/preview.py", "exec"), module.__dict__)
    sys.modules[name] = module
    return module.make_preview


def cpu_ms(make_preview, data: bytes, budget: float) -> tuple[float, bytes | None]:
    """CPU ms per preview of `data`, repeated until `budget` CPU seconds (at least once)."""
    count, start = 0, time.process_time()
    while True:
        out = make_preview(data)
        count += 1
        spent = time.process_time() - start
        if spent >= budget:
            return spent * 1000 / count, out


def session_cost(count: int, rounds: int) -> None:
    from .clean_cost import PHOTOS, cpu_per_session
    from .servers import MODES, Deployment

    mode = MODES["daphne-memory"]
    with Deployment(mode, "previews-on", PREVIEWS="1") as on, Deployment(mode, "previews-off", PREVIEWS="0") as off:
        print(f"{'format':<6} {'previews':<8} {'CPU ms/session min':>19} {'median':>8} {'max':>8}")
        for label, photo in PHOTOS.items():
            if not photo.is_file():
                print(f"{label}: {photo} not found (needs ../shared/corpus)")
                continue
            for deployment in (on, off):  # warm-up: imports, connections, caches
                cpu_per_session(deployment, photo, 3)
            figures: dict[str, list[float]] = {"on": [], "off": []}
            for _ in range(rounds):
                figures["on"].append(cpu_per_session(on, photo, count) * 1000)
                figures["off"].append(cpu_per_session(off, photo, count) * 1000)
            for state, values in figures.items():
                print(f"{label:<6} {state:<8} {min(values):>19.1f} {statistics.median(values):>8.1f} {max(values):>8.1f}")
            added = sorted(a - b for a, b in zip(figures["on"], figures["off"]))
            print(f"{label:<6} on-off   ms per session, round by round: min {added[0]:.1f} median"
                  f" {statistics.median(added):.1f} max {added[-1]:.1f} ({photo.name})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="git ref to compare against ('' for none)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--budget", type=float, default=0.05, help="CPU seconds per measure")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sessions", type=int, default=0, help="measure whole sessions instead (N per round)")
    args = parser.parse_args()
    if args.sessions:
        session_cost(args.sessions, args.rounds)
        return
    sys.path.insert(0, str(ROOT))
    from extraction.pipeline.preview import make_preview

    versions = {"now": make_preview}
    if args.ref:
        versions = {args.ref: load_ref(args.ref), **versions}
    files = sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
    if not files:
        sys.exit(f"no images under {args.corpus} (needs ../shared/corpus)")
    blobs = {path: path.read_bytes() for path in files}
    for version in versions.values():  # warm-up: plugins, pillow-heif, encoder tables
        for path in files[:: max(1, len(files) // 20)]:
            version(blobs[path])
    times: dict[str, dict[Path, list[float]]] = {name: {path: [] for path in files} for name in versions}
    sizes: dict[str, dict[Path, tuple[int, int] | None]] = {name: {} for name in versions}
    for _ in range(args.rounds):
        for path in files:
            for name, version in versions.items():
                ms, out = cpu_ms(version, blobs[path], args.budget)
                times[name][path].append(ms)
                sizes[name][path] = Image.open(io.BytesIO(out)).size if out else None
    by_format: dict[str, list[Path]] = {}
    for path in files:
        by_format.setdefault(FORMATS[path.suffix.lower()], []).append(path)
    header = f"{'format':<6} {'files':>5}"
    for name in versions:
        header += f" | {name[:10]:>10}: {'made':>4} {'median':>7} {'max':>7}"
    print(header + " | slowest file now (size -> preview)")
    for label, paths in by_format.items():
        row = f"{label:<6} {len(paths):>5}"
        for name in versions:
            made = [path for path in paths if sizes[name][path]]
            per_file = [statistics.median(times[name][path]) for path in made]
            median = statistics.median(per_file) if per_file else float("nan")
            row += f" | {'':>10}  {len(made):>4} {median:>7.1f} {max(per_file, default=float('nan')):>7.1f}"
        made_now = [path for path in paths if sizes["now"][path]]
        if made_now:
            slowest = max(made_now, key=lambda path: statistics.median(times["now"][path]))
            try:
                original = Image.open(slowest).size
            except Exception:
                original = "?"
            row += f" | {slowest.name[:28]} {original} -> {sizes['now'][slowest]}"
        print(row)
    print(f"CPU ms per preview (time.process_time), median over {args.rounds} rounds per file, then median and max"
          f" over a format's files; corpus {args.corpus}")


if __name__ == "__main__":
    main()
