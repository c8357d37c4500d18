"""The write path's writes grouped by key prefix (`best#`, `uses#`, `tally#`…): how many items each kind of key
took and the write units they cost, by phase and table, for `python -m bench.write_keys PARTICIPANTS EACH`.
Runs bench/write_path.py with its meter wrapped; the units follow bench/capacity.py's rules (a transaction's
items twice, an index entry where it changed)."""
from __future__ import annotations

import contextlib
import io
import sys
from collections import Counter
from contextlib import contextmanager

from bench import write_path
from bench.capacity import WRITES, _index_writes, item_size, metering, write_units


def prefix(key: str) -> str:
    """A key's kind: its text up to the first `#` (ids and hashes after it); a key without one is an id."""
    return key.split("#", 1)[0] + "#" if "#" in key else "(id)"


@contextmanager
def grouped(client, table_prefix: str):
    """bench.capacity.metering, also adding (phase, table, prefix) → [items written, write units]."""
    with metering(client, table_prefix) as meter:
        meter.by_prefix = Counter()
        meter.units_by_prefix = Counter()
        account = meter._account

        def _account(operation, params, answer, error, changes):
            account(operation, params, answer, error, changes)
            if answer is None or operation not in WRITES or meter.phase not in ("start", "submit", "aggregator"):
                return
            factor = 2 if operation == "TransactWriteItems" else 1
            for table, key, old, new in changes:
                logical = meter._logical(table)
                schema = meter._schema(table)
                name = prefix(next(iter(key[schema.keys[0]].values())))
                meter.by_prefix[(meter.phase, logical, name)] += 1
                meter.units_by_prefix[(meter.phase, logical, name)] += factor * write_units(
                    max(item_size(old), item_size(new)))
                for index, (index_hash, projected) in schema.indexes.items():
                    for _, entry in _index_writes(old, new, index_hash, projected):
                        meter.by_prefix[(meter.phase, f"{logical}/{index}", name)] += 1
                        meter.units_by_prefix[(meter.phase, f"{logical}/{index}", name)] += (
                            factor * write_units(item_size(entry)))

        meter._account = _account
        grouped.meter = meter
        yield meter


def main(participants: int, each: int) -> None:
    write_path.metering = grouped
    with contextlib.redirect_stdout(io.StringIO()):
        figures = write_path.run(participants, each)
    meter, accepted = grouped.meter, figures["accepted"]
    usage = figures["usage"]
    total = sum(usage[p].writes() for p in ("start", "submit", "aggregator"))
    print(f"{accepted} accepted attempts ({participants} x {each}): {total / accepted:.2f} write units each")
    for (phase, table, name), count in sorted(meter.by_prefix.items()):
        units = meter.units_by_prefix[(phase, table, name)]
        print(f"  {phase:10} {table:28} {name:12} {count:6} items  {units:7} units  {units / accepted:.3f}/attempt")
    print("  busiest shares: " + ", ".join(f"{name} {share:.2%} ({key})"
                                           for name, (share, _, _, key) in figures["shares"].items()))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
