"""Generate N disclosures in the seed layouts, optionally with defects injected, and a manifest.

    uv run python benchmarks/synth.py OUT --docs 1000 [--defect-rate 0.1] [--seed 7]

Each disclosure is one of the four seeds (three layouts, budget years 2022–2026) given a department
of its own: a new department code in every unit code, a new department name, and new serial numbers
in every project code (consistently, so that tables still agree with each other). Every amount is
kept, so the accounting identities hold exactly as in the seed.

With `--defect-rate R`, each disclosure of a tab-separated seed gets one defect with probability R,
in a detail row of its 支出预算总表:

- `row_amount`: the row's 合计 raised by one in its last digit; `expenditure_row_sum` must fire.
- `function_code`: the row's 7-digit function code cut to 6 digits; `expenditure_function_code` must.

`OUT/manifest.json` records what was injected where (file, line, defect, the check expected), so
that a run over the corpus can measure detection recall.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path

from budgetdq.parse.document import ParsedDocument, read_document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "tests" / "fixtures").glob("*.txt"))
PROJECT_SERIAL = re.compile(r"(?<=T)\d{12}")


@dataclass(frozen=True)
class Defect:
    file: str
    line: int
    defect: str
    check: str


@dataclass(frozen=True)
class Base:
    """A seed and what the generator needs to know about it."""

    text: str
    department_code: str
    department_name: str
    rows: list[tuple[int, str, Decimal]]  # expenditure detail rows: line, function code, total
    tabbed: bool


def bases() -> list[Base]:
    found = []
    for path in SEEDS:
        text = path.read_text(encoding="utf-8")
        document = read_document(text.encode("utf-8"))
        found.append(
            Base(
                text,
                document.facts.department_code or "",
                document.facts.department_name or "",
                _expenditure_rows(document),
                document.layout == "tabbed",
            )
        )
    return found


def _expenditure_rows(document: ParsedDocument) -> list[tuple[int, str, Decimal]]:
    table = document.table("expenditure")
    if table is None:
        return []
    return [
        (row["line"], row["function_code"], row["total"])
        for row in table.detail_rows
        if row.get("function_code") and row.get("total") and len(row["function_code"]) == 7
    ]


def disclosure(base: Base, number: int, rng: random.Random) -> str:
    """The base seed as published by department `number` (1–999)."""
    code = f"{number % 999 + 1:03d}"
    # The code alone (the department's own row) or leading a 6-digit unit code.
    own = rf"(?<![\d.,]){base.department_code}(?=(?:\d{{3}})?(?![\d.,%]))"
    text = re.sub(own, code, base.text)
    text = text.replace(base.department_name, f"北京市合成数据第{number}局")
    serials: dict[str, str] = {}

    def serial(match: re.Match[str]) -> str:
        return serials.setdefault(match.group(0), f"{rng.randrange(10**12):012d}")

    return PROJECT_SERIAL.sub(serial, text)


def inject(text: str, base: Base, name: str, rng: random.Random) -> tuple[str, Defect]:
    """One defect in a random expenditure row."""
    line, function_code, total = rng.choice(base.rows)
    lines = text.split("\n")
    cells = lines[line - 1].split("\t")
    if rng.random() < 0.5:
        shown = f"{total:,.6f}"
        raised = f"{total + Decimal('0.000001'):,.6f}"
        index = cells.index(shown)
        cells[index] = raised
        defect = Defect(name, line, "row_amount", "expenditure_row_sum")
    else:
        index = next(i for i, cell in enumerate(cells) if cell.startswith(function_code))
        cells[index] = cells[index].replace(function_code, function_code[:6], 1)
        defect = Defect(name, line, "function_code", "expenditure_function_code")
    lines[line - 1] = "\t".join(cells)
    return "\n".join(lines), defect


def generate(out: Path, docs: int, defect_rate: float, seed: int) -> list[Defect]:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    known = bases()
    defects = []
    for i in range(docs):
        base = known[i % len(known)]
        text = disclosure(base, i // len(known) + 1, rng)
        name = f"{i:06d}.txt"
        if base.tabbed and base.rows and rng.random() < defect_rate:
            text, defect = inject(text, base, name, rng)
            defects.append(defect)
        (out / name).write_text(text, encoding="utf-8")
    manifest = {
        "documents": docs,
        "defect_rate": defect_rate,
        "seed": seed,
        "defects": [asdict(d) for d in defects],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return defects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="folder to write the corpus into")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--defect-rate", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=7, help="random seed (same seed, same corpus)")
    args = parser.parse_args()
    defects = generate(args.out, args.docs, args.defect_rate, args.seed)
    print(f"{args.docs} disclosures in {args.out}, {len(defects)} with a defect (manifest.json)")


if __name__ == "__main__":
    main()
