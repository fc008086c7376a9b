"""
Regenerate ``src/peerkit/datasets/data/sample_cohort.json``.

The sample is the simulator's output at a fixed seed, with first names for
ids and exactly five groups. Run it only to change the sample on purpose,
and say so in the changelog: apps and docs rely on the sample being stable.
"""

from __future__ import annotations

import pathlib

import attrs

import peerkit
from peerkit.datasets import simulate_cohort

NAMES = (
    "abebe", "ada", "aiko", "alejandro", "amara", "ana", "arjun", "beatriz",
    "ben", "carlos", "chen", "chloe", "dara", "david", "elif", "emeka",
    "emma", "farah", "felix", "grace", "hana", "hugo", "ines", "isaac",
    "jamal", "jonas", "kai", "kavya", "lena", "leon", "lucia", "maya",
    "mateo", "mei", "nadia", "niamh", "noah", "olu", "omar", "pablo",
    "priya", "quinn", "rafael", "rosa", "sam", "sana", "sofia", "tariq",
    "thandi", "tom", "una", "valentina", "wei", "xavier", "yara", "yusuf",
    "zainab", "zara", "zeynep", "zoe",
)  # fmt: skip

OUT = (
    pathlib.Path(__file__).parent.parent
    / "src/peerkit/datasets/data/sample_cohort.json"
)


def main() -> None:
    """Write the sample cohort."""
    source = simulate_cohort(len(NAMES), seed=2024)
    rename = dict(zip((m.id for m in source.members), NAMES, strict=True))
    members = {m.id: attrs.evolve(m, id=rename[m.id]) for m in source.members}
    groups = [
        attrs.evolve(g, members=tuple(members[m.id] for m in g.members))
        for g in source.groups[:5]
    ]
    cohort = peerkit.Cohort(tuple(members.values()), groups=groups)
    OUT.write_text(peerkit.to_json(cohort, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(cohort.members)} members, {len(cohort.groups)} groups to {OUT}")


if __name__ == "__main__":
    main()
