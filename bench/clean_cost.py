"""What the clean copy costs: server CPU per session with copies on against off, JPEG and HEIC, in one run.

`python -m bench.clean_cost [--sessions N] [--runs R]`. Two daphne deployments (CLEAN_COPY_SECONDS=3600
and 0; previews off in both, so only the copy differs) take turns, run by run; each run sends N watched uploads of one photo, one after another, and
reads the server's CPU seconds before and after. Prints min/median/max per session and the ratio.
"""

import argparse
import asyncio
import statistics
from pathlib import Path

import httpx

from .servers import MODES, Deployment, cpu_seconds
from .soak import watched_upload

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "images"
PHOTOS = {"JPEG": CORPUS / "jpg" / "Samsung SM-J327T1.jpg", "HEIC": CORPUS / "heic" / "IMG_2927.HEIC"}


async def sessions(deployment: Deployment, name: str, data: bytes, count: int) -> None:
    async with httpx.AsyncClient(base_url=deployment.http, timeout=60) as client:
        for _ in range(count):
            outcome = await watched_upload(client, deployment.ws, name, data, reconnect=False)
            if outcome != "complete":
                raise RuntimeError(f"a session ended {outcome!r}")


def cpu_per_session(deployment: Deployment, photo: Path, count: int) -> float:
    before = cpu_seconds(deployment.pid)
    asyncio.run(sessions(deployment, photo.name, photo.read_bytes(), count))
    return (cpu_seconds(deployment.pid) - before) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    mode = MODES["daphne-memory"]
    with Deployment(mode, "clean-on", CLEAN_COPY_SECONDS="3600", PREVIEWS="0") as on, \
            Deployment(mode, "clean-off", CLEAN_COPY_SECONDS="0", PREVIEWS="0") as off:
        print(f"{'format':<6} {'copies':<7} {'CPU ms/session min':>19} {'median':>8} {'max':>8}")
        for label, photo in PHOTOS.items():
            if not photo.is_file():
                print(f"{label}: {photo} not found (needs ../shared/corpus)")
                continue
            for deployment in (on, off):  # warm-up: imports, connections, caches
                cpu_per_session(deployment, photo, 3)
            figures: dict[str, list[float]] = {"on": [], "off": []}
            for _ in range(args.runs):
                figures["on"].append(cpu_per_session(on, photo, args.sessions) * 1000)
                figures["off"].append(cpu_per_session(off, photo, args.sessions) * 1000)
            for state, values in figures.items():
                print(f"{label:<6} {state:<7} {min(values):>19.2f} {statistics.median(values):>8.2f} "
                      f"{max(values):>8.2f}")
            ratios = sorted(a / b for a, b in zip(figures["on"], figures["off"]))
            print(f"{label:<6} on/off  ratio run by run: min {ratios[0]:.3f} median {statistics.median(ratios):.3f}"
                  f" max {ratios[-1]:.3f} (goal <= 1.25)")


if __name__ == "__main__":
    main()
