"""What a preview costs: CPU per preview, per format, over the corpus, this tree's make_preview against a git ref's.

`python -m bench.preview_cost [--ref main] [--rounds 3] [--budget 0.05] [--corpus DIR]`. In one process,
rounds alternate the two versions file by file (the ref's extraction/pipeline/preview.py is loaded from
git beside this one); each measure repeats one file's preview until `budget` CPU seconds have passed. Prints,
per format, the files that got a preview, the median and the largest CPU ms per preview (each file's median
over the rounds), for both versions, and what the largest preview came out as. `--ref ''` measures this tree alone.
`--synthetic` adds files the corpus lacks, made from one corpus photo scaled up (marked `*`): a 12 MP HEIC with
and without a 320 px thumbnail item, a 24 MP JPEG with and without an MPF large thumbnail.

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


def synthetic(corpus: Path) -> dict[str, tuple[str, bytes]]:
    """Files the corpus lacks, made from one of its photos scaled up: name -> (format label, bytes)."""
    import struct

    import pillow_heif

    pillow_heif.register_heif_opener()
    photo = Image.open(corpus / "jpg" / "Samsung SM-J327T1.jpg").convert("RGB")
    photo.info.pop("exif", None)  # its orientation 6 would turn the copies: they stay landscape as named
    made: dict[str, tuple[str, bytes]] = {}
    twelve = photo.resize((4032, 3024), Image.Resampling.BICUBIC)
    for thumbnails in ([320], []):
        buffer = io.BytesIO()
        twelve.save(buffer, "HEIF", quality=80, thumbnails=thumbnails)
        made[f"4032x3024 {'with a 320 px thumbnail' if thumbnails else 'no thumbnail'}.heic"] = ("HEIC*", buffer.getvalue())
    big = photo.resize((6000, 4000), Image.Resampling.BICUBIC)
    plain = io.BytesIO()
    big.save(plain, "JPEG", quality=90)
    made["6000x4000.jpg"] = ("JPEG*", plain.getvalue())
    buffer = io.BytesIO()
    big.save(buffer, "MPO", save_all=True, append_images=[big.resize((1920, 1280))], quality=90)
    data = bytearray(buffer.getvalue())
    tiff = data.index(b"MPF\x00") + 4
    (count,) = struct.unpack_from("<H", data, tiff + 8)
    for number in range(count):
        tag, _, _, value = struct.unpack_from("<HHII", data, tiff + 10 + 12 * number)
        if tag == 0xB002:  # the second image's MP type: Large Thumbnail (Full HD Equivalent)
            struct.pack_into("<L", data, tiff + value + 16, 0x010002)
    made["6000x4000 with a 1920 px MPF large thumbnail.jpg"] = ("JPEG*", bytes(data))
    return made


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
    parser.add_argument("--synthetic", action="store_true", help="add files the corpus lacks (marked *)")
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
    found = sorted(p for p in args.corpus.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS)
    if not found:
        sys.exit(f"no images under {args.corpus} (needs ../shared/corpus)")
    blobs = {path.name: path.read_bytes() for path in found}  # corpus names are unique across its folders
    labels = {path.name: FORMATS[path.suffix.lower()] for path in found}
    if args.synthetic:
        for name, (label, data) in synthetic(args.corpus).items():
            blobs[name], labels[name] = data, label
    files = list(blobs)
    for version in versions.values():  # warm-up: plugins, pillow-heif, encoder tables
        for name in files[:: max(1, len(files) // 20)]:
            version(blobs[name])
    times: dict[str, dict[str, list[float]]] = {version: {name: [] for name in files} for version in versions}
    sizes: dict[str, dict[str, tuple[int, int] | None]] = {version: {} for version in versions}
    for _ in range(args.rounds):
        for name in files:
            for version, make in versions.items():
                ms, out = cpu_ms(make, blobs[name], args.budget)
                times[version][name].append(ms)
                sizes[version][name] = Image.open(io.BytesIO(out)).size if out else None
    by_format: dict[str, list[str]] = {}
    for name in files:
        by_format.setdefault(labels[name], []).append(name)
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
                original = Image.open(io.BytesIO(blobs[slowest])).size
            except Exception:
                original = "?"
            row += f" | {slowest[:28]} {original} -> {sizes['now'][slowest]}"
        if label.endswith("*"):
            row += "".join(f"\n         {name}: " + ", ".join(
                f"{version} {statistics.median(times[version][name]):.1f} ms" for version in versions)
                for name in paths)
        print(row)
    print(f"CPU ms per preview (time.process_time), median over {args.rounds} rounds per file, then median and max"
          f" over a format's files; corpus {args.corpus}" + ("; * made from a corpus photo" if args.synthetic else ""))


if __name__ == "__main__":
    main()
