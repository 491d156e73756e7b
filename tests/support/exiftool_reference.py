"""Holds our records against ExifTool's reading of the shared corpus: tag recall, values, printed values, junk.

`python -m tests.support.exiftool_reference [--misses GROUP] [--files N]` prints the table (and, with
--misses, the tags of one group ExifTool reports that we miss or read differently).

Definitions (the metadata issue's goals):
- a reference tag is a `Group:Tag` of `exiftool -j -n -G -struct`, file-system facts and ExifTool's own
  tags left out;
- recall: reference tags we report under the same group and name (maker notes counted apart);
- values: tags both report whose values agree (numbers within 1e-5 relative, strings trimmed of spaces
  and NULs, lists against ExifTool's space-separated form);
- printed: tags ExifTool converts (its printed value differs from its numeric one) that we report, whose
  printed value equals ExifTool's, case and spacing aside;
- junk: a value of ours that is a Python artefact (a bytes repr, an exception's text), a byte list where
  ExifTool has text, or `undef` where ExifTool has a value.
"""

import argparse
import json
import math
import os
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]

# File-system facts (they differ per copy of a file) and ExifTool's own bookkeeping.
IGNORED = {
    "File:Directory", "File:FileModifyDate", "File:FileAccessDate", "File:FileInodeChangeDate",
    "File:FilePermissions", "ExifTool:ExifToolVersion", "ExifTool:Warning", "ExifTool:Error",
}
_EXCEPTION_TEXT = re.compile(r"\b(TypeError|ValueError|KeyError|IndexError|AttributeError|struct\.error|"
                             r"ZeroDivisionError|UnicodeDecodeError|unsupported operand|Traceback)\b")


def corpus_dir() -> Path:
    return Path(os.environ.get("IMGMVP_CORPUS") or REPO.parent / "shared" / "corpus")


def _numeric(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip(" \x00")


def values_agree(ours: Any, theirs: Any) -> bool:
    """Numbers within 1e-5 relative; otherwise the trimmed texts (lists space-separated) are equal."""
    a, b = _numeric(ours), _numeric(theirs)
    if a is not None and b is not None:
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=0 if b else 1e-9)
    if isinstance(theirs, dict) and isinstance(ours, dict):
        return all(k in ours and values_agree(ours[k], v) for k, v in theirs.items())
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        return all(values_agree(x, y) for x, y in zip(ours, theirs))
    return _text(ours) == _text(theirs)


def _fold(value: Any) -> str:
    return re.sub(r"\s+", " ", _text(value)).strip().lower()


def printed_agree(ours: Any, theirs: Any) -> bool:
    """Case and spacing aside; numbers within 1e-5 relative."""
    a, b = _numeric(ours), _numeric(theirs)
    if a is not None and b is not None:
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=0 if b else 1e-9)
    return _fold(ours) == _fold(theirs)


def junk_reason(ours: Any, theirs: Any) -> str | None:
    """Why our value is junk, or None."""
    if isinstance(ours, str):
        if re.match(r"^b['\"]", ours):
            return "bytes repr"
        if _EXCEPTION_TEXT.search(ours):
            return "exception text"
        if ours == "undef" and theirs != "undef":
            return "undef placeholder"
    if isinstance(ours, list) and len(ours) >= 4 and all(isinstance(v, int) and 0 <= v <= 255 for v in ours):
        if isinstance(theirs, str) and not re.fullmatch(r"[\d\s.-]+", theirs):
            return "byte list for text"
    return None


@dataclass
class Tally:
    reference: Counter = field(default_factory=Counter)  # group -> reference tags
    found: Counter = field(default_factory=Counter)  # group -> of those, reported by us
    agree: Counter = field(default_factory=Counter)  # group -> of those, same value
    converted: Counter = field(default_factory=Counter)  # group -> reported tags ExifTool converts
    printed: Counter = field(default_factory=Counter)  # group -> of those, same printed value
    junk: list[str] = field(default_factory=list)
    misses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    files: int = 0


def _ours(record: dict[str, Any], key: str, part: str = "groups") -> tuple[bool, Any]:
    group, _, tag = key.partition(":")
    values = record.get(part, {}).get(group, {})
    return (tag in values, values.get(tag))


def compare(records: dict[str, dict[str, Any]], numeric: list[dict], printed: list[dict]) -> Tally:
    """Tally our `records` (by SourceFile) against ExifTool's numeric and printed readings."""
    tally = Tally()
    printed_by_file = {entry["SourceFile"]: entry for entry in printed}
    for reference in numeric:
        source = reference["SourceFile"]
        if source not in records:
            continue
        record = records[source]
        tally.files += 1
        words = printed_by_file.get(source, {})
        for key, theirs in reference.items():
            if key == "SourceFile" or key in IGNORED:
                continue
            group = key.partition(":")[0]
            tally.reference[group] += 1
            present, ours = _ours(record, key)
            if not present:
                tally.misses[group].append(f"{source}: {key} missing (exiftool={theirs!r:.80})")
                continue
            tally.found[group] += 1
            reason = junk_reason(ours, theirs)
            if reason:
                tally.junk.append(f"{source}: {key} {reason}: {ours!r:.80}")
            if values_agree(ours, theirs):
                tally.agree[group] += 1
            else:
                tally.misses[group].append(f"{source}: {key} ours={ours!r:.80} exiftool={theirs!r:.80}")
            if key in words and not printed_agree(words[key], theirs):
                tally.converted[group] += 1
                _, ours_printed = _ours(record, key, "printed")
                if printed_agree(ours_printed, words[key]):
                    tally.printed[group] += 1
                else:
                    tally.misses[group].append(
                        f"{source}: {key} printed ours={ours_printed!r:.80} exiftool={words[key]!r:.80}")
    return tally


def rates(tally: Tally) -> dict[str, float]:
    """The headline rates: recall outside/inside maker notes, values, printed; 1.0 where nothing counts."""
    def ratio(num: int, den: int) -> float:
        return num / den if den else 1.0

    def total(counter: Counter, maker: bool) -> int:
        return sum(n for g, n in counter.items() if (g == "MakerNotes") == maker)

    return {
        "recall": ratio(total(tally.found, False), total(tally.reference, False)),
        "recall_makernotes": ratio(tally.found["MakerNotes"], tally.reference["MakerNotes"]),
        "values": ratio(sum(tally.agree.values()), sum(tally.found.values())),
        "printed": ratio(sum(tally.printed.values()), sum(tally.converted.values())),
    }


def render(tally: Tally) -> str:
    lines = [f"{tally.files} files", f"{'group':<14}{'ref':>7}{'found':>7}{'recall':>8}{'agree':>8}{'values':>8}"
             f"{'conv':>7}{'print':>7}{'printed':>9}"]
    for group, ref in tally.reference.most_common():
        found, agree = tally.found[group], tally.agree[group]
        conv, pr = tally.converted[group], tally.printed[group]
        lines.append(f"{group:<14}{ref:>7}{found:>7}{found / ref:>8.1%}{agree:>8}"
                     f"{(agree / found if found else 1):>8.1%}{conv:>7}{pr:>7}{(pr / conv if conv else 1):>9.1%}")
    r = rates(tally)
    lines.append(f"recall outside maker notes {r['recall']:.1%} (goal 95%), maker notes {r['recall_makernotes']:.1%}"
                 f" (goal 50%); values {r['values']:.1%} (goal 98%); printed {r['printed']:.1%} (goal 90%);"
                 f" junk {len(tally.junk)} (goal 0)")
    return "\n".join(lines)


def load_reference(corpus: Path) -> tuple[list[dict], list[dict]]:
    with open(corpus / "exiftool.json", encoding="utf-8") as handle:
        numeric = json.load(handle)
    path = corpus / "exiftool-print.json"
    printed = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    return numeric, printed


def extract_corpus(corpus: Path, numeric: list[dict], limit: int | None = None) -> dict[str, dict]:
    from extraction.pipeline import extract_file

    records = {}
    for reference in numeric[:limit]:
        source = reference["SourceFile"]
        records[source] = extract_file(str(corpus / "images" / source))
    return records


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="append", default=[], help="print the misses of this group")
    parser.add_argument("--files", type=int, default=None, help="only the first N reference files")
    parser.add_argument("--junk", action="store_true", help="print every junk value")
    args = parser.parse_args()
    corpus = corpus_dir()
    numeric, printed = load_reference(corpus)
    tally = compare(extract_corpus(corpus, numeric, args.files), numeric, printed)
    print(render(tally))
    for group in args.misses:
        print(f"\nmisses in {group}:")
        print("\n".join(tally.misses[group]))
    if args.junk:
        print("\njunk:")
        print("\n".join(tally.junk))


if __name__ == "__main__":
    main()
