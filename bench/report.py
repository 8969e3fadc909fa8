#!/usr/bin/env python3
"""Turns roost_bench JSON output into the Markdown tables of docs/performance.md.

    python3 bench/report.py RESULTS.json [MORE.json ...] [--command "bench/run.sh"]

For every backend: each operation at each N (the median over repetitions), its slowdown
from the smallest to the largest N, then the library next to the raw engine ("raw-<name>")
with their ratio, and finally the targets of the issues checked against the figures.
Standard library only.
"""

import argparse
import json
import statistics
import sys
from collections import defaultdict

# Operations in docs/spec/workload.md order; extras (the -text variants) right after their kin.
OPERATIONS = [
    "put", "put-text", "put-one", "get-newest", "get-newest-text", "get-middle", "get-middle-text",
    "get-unacked-middle", "counts", "counts-in-flight", "contains", "ack-ids", "ack-max", "ack-all",
    "delete-all", "reopen",
]
# Operations reported in statuses/s (so that the slowdown column shows the cost per
# status); the others in operations (calls)/s.
PER_STATUS = {"put", "put-text", "put-one", "ack-max", "ack-all", "delete-all", "put-paired"}
# put-paired (bench/raw/paired_put.hpp) also reports its raw turn, the library's share
# and, for SQLite and PostgreSQL, the schema baseline's turn and share; load() files them as these
# pseudo-operations of the library backend.
PAIRED_EXTRAS = {
    "put-paired-raw": "raw_items_per_second", "put-paired-share": "library_share",
    "put-paired-schema": "schema_items_per_second", "put-paired-schema-share": "schema_share",
    "put-paired-text": "text_items_per_second", "put-paired-text-share": "text_share",
}
# Shown in their own table (paired_table), not among the backend's operations.
PAIRED = {"put-paired", *PAIRED_EXTRAS}
# The raw-engine operation each library operation is compared with.
RAW_OF = {
    "put": "put", "put-text": "put", "put-one": "put-one", "get-newest": "get-newest",
    "get-newest-text": "get-newest", "get-middle": "get-middle",
    "get-middle-text": "get-middle", "contains": "contains", "delete-all": "delete-all",
    "reopen": "reopen",
}
NOTES = {
    "put": "JSON objects: put_statuses",
    "put-text": "stored-form texts: put_status_texts",
    "get-newest": "parsed: get_statuses",
    "get-newest-text": "stored text: get_status_texts",
    "get-middle": "parsed",
    "get-middle-text": "stored text",
    "get-unacked-middle": "parsed",
    "contains": "100 ids",
    "ack-ids": "20 ids",
    "ack-max": "one call acking N/2",
    "ack-all": "one call acking N",
    "delete-all": "one call deleting N",
    "reopen": "open + first get",
}


def load(paths, cpu=False, machine=None):
    """Returns (context, {backend: {op: {n: [rates...]}}}, errors): wall-clock rates, or
    with `cpu` the rates over the measuring thread's CPU time. The machine's own
    benchmarks ("machine/<measure>/0") go into `machine`, {measure: [values...]}, when
    given, and never into the rates."""
    context = {}
    rates = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    errors = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        context = context or data.get("context", {})
        for b in data.get("benchmarks", []):
            if b.get("run_type") != "iteration":
                continue
            parts = b["name"].split("/")
            if len(parts) < 3:
                continue
            backend, op, n = parts[0], parts[1], int(parts[2])
            if backend == "machine":
                if machine is not None and "page_fault_us" in b:
                    machine.setdefault(op, []).append(b["page_fault_us"])
                continue
            if b.get("error_occurred"):
                errors.append(f"{b['name']}: {b.get('error_message', '')}")
                continue
            key = "items_per_second" if op in PER_STATUS else "ops_per_second"
            if cpu:
                key = "cpu_" + key
            if key in b:
                rates[backend][op][n].append(b[key])
            if op == "put-paired":
                for extra, counter in PAIRED_EXTRAS.items():
                    counter = ("cpu_" if cpu else "") + counter
                    if counter in b:
                        rates[backend][extra][n].append(b[counter])
    return context, rates, errors


def median(values):
    return statistics.median(values) if values else None


def fmt_rate(value):
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def fmt_ratio(value):
    return "–" if value is None else f"{value:.2f}x"


def unit(op):
    return "statuses/s" if op in PER_STATUS else "ops/s"


def sizes_of(rates):
    return sorted({n for ops in rates.values() for by_n in ops.values() for n in by_n})


def backend_table(name, ops, sizes, notes=True):
    lines = [f"### {name}", ""]
    head = "| operation | unit | " + " | ".join(f"N = {n:,}" for n in sizes)
    head += f" | slowdown {sizes[0]:,} → {sizes[-1]:,} |" if len(sizes) > 1 else " |"
    lines.append(head)
    lines.append("|---|---|" + "---:|" * len(sizes) + ("---:|" if len(sizes) > 1 else ""))
    for op in OPERATIONS + sorted(set(ops) - set(OPERATIONS) - PAIRED):
        if op not in ops:
            continue
        meds = [median(ops[op].get(n, [])) for n in sizes]
        label = op + (f" ({NOTES[op]})" if notes and op in NOTES else "")
        row = f"| {label} | {unit(op)} | " + " | ".join(fmt_rate(m) for m in meds)
        if len(sizes) > 1:
            first, last = meds[0], meds[-1]
            row += " | " + (fmt_ratio(first / last) if first and last else "–")
        lines.append(row + " |")
    spreads = [max(v) / min(v) for op, by_n in ops.items() if op not in PAIRED
               for v in by_n.values() if len(v) > 1 and min(v) > 0]
    if spreads:
        lines.append("")
        lines.append(f"Spread between repetitions (fastest / slowest): median "
                     f"{statistics.median(spreads):.2f}x, worst {max(spreads):.2f}x.")
    lines.append("")
    return lines


def raw_table(name, ops, raw_name, raw_ops, sizes):
    lines = [f"### {name} next to {raw_name}", "",
             f"library / raw: the library's rate as a fraction of the raw engine's "
             f"(1.00x = as fast; higher is better).", "",
             f"| operation | N | {name} | {raw_name} | library / raw |",
             "|---|---:|---:|---:|---:|"]
    for op in OPERATIONS:
        raw_op = RAW_OF.get(op)
        if op not in ops or raw_op not in raw_ops:
            continue
        for n in sizes:
            lib = median(ops[op].get(n, []))
            raw = median(raw_ops[raw_op].get(n, []))
            if lib is None and raw is None:
                continue
            ratio = lib / raw if lib and raw else None
            label = op if raw_op == op else f"{op} vs raw {raw_op}"
            lines.append(f"| {label} | {n:,} | {fmt_rate(lib)} | {fmt_rate(raw)} | "
                         f"{fmt_ratio(ratio)} |")
    lines.append("")
    return lines


def paired_table(name, ops, sizes):
    schema = "put-paired-schema" in ops
    text = "put-paired-text" in ops
    lines = [f"### {name}: put paired with raw-{name}", "",
             "Library and raw engine in turn, batch by batch, in one benchmark "
             "(`put-paired`): the same disk conditions for both. library / raw is the median "
             "over the repetitions of each one's ratio."]
    head = f"| N | {name} (statuses/s) | raw-{name} (statuses/s) | library / raw |"
    rule = "|---:|---:|---:|---:|"
    if text:
        lines[-1] += (" \"texts\" is the library's put_status_texts of the same statuses as "
                      "stored-form texts, the very bytes the raw engine inserts.")
        head += " texts (statuses/s) | texts / raw |"
        rule += "---:|---:|"
    if schema:
        lines[-1] += (" \"schema\" is a third turn in each round: the backend's own tables "
                      "and statements, written with plain SQL (what the schema costs without "
                      "the library's code).")
        head += " schema (statuses/s) | schema / raw |"
        rule += "---:|---:|"
    lines += ["", head, rule]
    for n in sizes:
        def med(op):
            return median(ops.get(op, {}).get(n, []))
        if med("put-paired") is None:
            continue
        row = (f"| {n:,} | {fmt_rate(med('put-paired'))} | {fmt_rate(med('put-paired-raw'))} | "
               f"{fmt_ratio(med('put-paired-share'))} |")
        if text:
            row += (f" {fmt_rate(med('put-paired-text'))} | "
                    f"{fmt_ratio(med('put-paired-text-share'))} |")
        if schema:
            row += (f" {fmt_rate(med('put-paired-schema'))} | "
                    f"{fmt_ratio(med('put-paired-schema-share'))} |")
        lines.append(row)
    lines.append("")
    return lines


def bold(verdict):
    return "**missed**" if verdict == "missed" else verdict


def rate(rates, backend, op, n):
    return median(rates.get(backend, {}).get(op, {}).get(n, []))


def targets(rates, sizes):
    """The targets of issues 2-4, each as (backend, target, figure, verdict); the
    verdict says "met" or "missed"."""
    rows = []
    lo, hi = sizes[0], sizes[-1]

    def check(backend, text, ok, figure):
        rows.append((backend, text, figure, "met" if ok else "missed"))

    def slowdown(backend, op, limit=2.0):
        a, b = rate(rates, backend, op, lo), rate(rates, backend, op, hi)
        if a and b:
            check(backend, f"{op}: slows down < {limit:g}x from N = {lo:,} to {hi:,}",
                  a / b < limit, f"{fmt_rate(a)} → {fmt_rate(b)} ops/s ({a / b:.2f}x)")

    if "memory" in rates:
        slowdown("memory", "get-newest")
        slowdown("memory", "counts")
        for n in sizes:
            r = rate(rates, "memory", "put", n)
            if r:
                check("memory", f"put ≥ 200,000 statuses/s (N = {n:,})", r >= 200_000,
                      f"{fmt_rate(r)} statuses/s")
    for backend in ("sqlite", "lmdb", "postgresql"):
        if backend not in rates:
            continue
        for n in sizes:
            # The paired measurement when the run has it (see paired_table), else the
            # separate put benchmarks of the library and the raw engine.
            share = rate(rates, backend, "put-paired-share", n)
            if share:
                lib = rate(rates, backend, "put-paired", n)
                raw = rate(rates, backend, "put-paired-raw", n)
                how = "put-paired"
            else:
                lib, raw = rate(rates, backend, "put", n), rate(rates, f"raw-{backend}", "put", n)
                share = lib / raw if lib and raw else None
                how = "separate runs"
            if share:
                check(backend, f"put ≥ 50% of raw {backend} (N = {n:,}, {how})", share >= 0.5,
                      f"{fmt_rate(lib)} vs {fmt_rate(raw)} statuses/s ({100 * share:.0f}%)")
            text_share = rate(rates, backend, "put-paired-text-share", n)
            if text_share:
                text = rate(rates, backend, "put-paired-text", n)
                check(backend, f"put of the same bytes (put_status_texts) ≥ 50% of raw {backend} "
                      f"(N = {n:,}, put-paired)", text_share >= 0.5,
                      f"{fmt_rate(text)} vs {fmt_rate(raw)} statuses/s ({100 * text_share:.0f}%)")
    if "sqlite" in rates:
        for op in ("get-newest", "get-middle", "counts"):
            slowdown("sqlite", op)
        r = rate(rates, "sqlite", "counts", hi)
        if r:
            check("sqlite", f"counts ≥ 100,000 ops/s at N = {hi:,}", r >= 100_000,
                  f"{fmt_rate(r)} ops/s")
    if "lmdb" in rates and "sqlite" in rates:
        for op in ("get-newest", "get-middle", "get-newest-text", "get-middle-text"):
            for n in sizes:
                a, b = rate(rates, "lmdb", op, n), rate(rates, "sqlite", op, n)
                if a and b:
                    check("lmdb", f"{op} at least as fast as SQLite (N = {n:,})", a >= b,
                          f"{fmt_rate(a)} vs {fmt_rate(b)} ops/s")
    if "lmdb" in rates:
        slowdown("lmdb", "counts")
    if "postgresql" in rates:
        for n in sizes:
            a, b = rate(rates, "postgresql", "get-newest-text", n), rate(
                rates, "raw-postgresql", "get-newest", n)
            if a and b:
                check("postgresql", f"get-newest-text ≥ 70% of raw get-newest (N = {n:,})",
                      a >= 0.7 * b, f"{fmt_rate(a)} vs {fmt_rate(b)} ops/s ({100 * a / b:.0f}%)")
        r = rate(rates, "postgresql", "counts", hi)
        if r:
            check("postgresql", f"counts ≥ 50,000 ops/s at N = {hi:,}, one call at a time",
                  r >= 50_000, f"{fmt_rate(r)} ops/s")
        r = rate(rates, "postgresql", "counts-in-flight", hi)
        if r:
            check("postgresql", f"counts ≥ 50,000 ops/s at N = {hi:,}, 16 calls in flight",
                  r >= 50_000, f"{fmt_rate(r)} ops/s")
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="+", help="JSON files written by roost_bench")
    parser.add_argument("--command", default="bench/run.sh",
                        help="the command that produced the results, for the report")
    parser.add_argument("--note", action="append", default=[],
                        help="a line to add under Machine and build (repeatable)")
    args = parser.parse_args()

    machine = {}
    context, rates, errors = load(args.results, machine=machine)
    _, cpu_rates, _ = load(args.results, cpu=True)
    if not rates:
        sys.exit("no benchmark results found")
    sizes = sizes_of(rates)
    out = []
    out.append("## Machine and build")
    out.append("")
    out.append(f"- command: `{args.command}`")
    out.append(f"- date: {context.get('date', '?')}")
    out.append(f"- CPU: {context.get('cpu_model', '?')}, {context.get('num_cpus', '?')} cores "
               f"at {context.get('mhz_per_cpu', '?')} MHz")
    out.append(f"- build type: {context.get('roost_build_type', '?')}")
    out += [f"- {note}" for note in args.note]
    for key in ("sqlite_version", "raw_sqlite_settings", "lmdb_version", "raw_lmdb_settings",
                "postgresql_version", "postgresql_settings", "raw_postgresql_settings",
                "timelines", "workload_seed"):
        if key in context:
            out.append(f"- {key.replace('_', ' ')}: {context[key]}")
    if "first-touch" in machine:
        out.append(f"- first touch of new memory (machine/first-touch): "
                   f"{median(machine['first-touch']):.2f} µs per 4 KiB page "
                   f"(well under 1 µs on typical hardware)")
    reps = {len(v) for ops in rates.values() for by_n in ops.values() for v in by_n.values()}
    out.append(f"- repetitions per figure: {', '.join(str(r) for r in sorted(reps))} "
               f"(each figure is their median)")
    out.append("")

    out.append("## Figures")
    out.append("")
    libraries = [b for b in rates if not b.startswith("raw-")]
    for backend in libraries:
        out += backend_table(backend, rates[backend], sizes)
    for backend in libraries:
        raw_name = f"raw-{backend}"
        if raw_name in rates:
            out += raw_table(backend, rates[backend], raw_name, rates[raw_name], sizes)
        if "put-paired" in rates[backend]:
            out += paired_table(backend, rates[backend], sizes)
    for backend in (b for b in rates if b.startswith("raw-")):
        out += backend_table(backend, rates[backend], sizes, notes=False)

    rows = targets(rates, sizes)
    cpu_rows = {(b, t): (f, v) for b, t, f, v in targets(cpu_rates, sizes)}
    if rows:
        out.append("## Targets")
        out.append("")
        out.append("Checked on the wall-clock figures above; the last two columns check the "
                   "same target on the measuring thread's CPU time, which leaves out time "
                   "spent waiting for a core (and for the disk).")
        out.append("")
        out.append("| backend | target | figure | verdict | figure on CPU time | verdict on CPU time |")
        out.append("|---|---|---|---|---|---|")
        for backend, text, figure, verdict in rows:
            cpu_figure, cpu_verdict = cpu_rows.get((backend, text), ("–", "–"))
            out.append(f"| {backend} | {text} | {figure} | {bold(verdict)} | {cpu_figure} | "
                       f"{bold(cpu_verdict)} |")
        out.append("")
    if errors:
        out.append("## Benchmarks that failed")
        out.append("")
        out += [f"- {e}" for e in errors]
        out.append("")
    out.append("## Appendix: the same figures on CPU time")
    out.append("")
    out.append("Rates over the measuring thread's CPU time in the timed regions (every "
               "backend but PostgreSQL completes on the calling thread). They leave out "
               "waiting for a core on a shared machine, and also waiting for the disk "
               "(fsync), so for writes of the persistent backends they flatter. PostgreSQL's "
               "work happens in the server's processes and (for the backend) on the "
               "storage's own thread, none of which is counted: its CPU figures only show "
               "what the calling thread spent.")
    out.append("")
    for backend in libraries + [b for b in cpu_rates if b.startswith("raw-")]:
        if backend in cpu_rates:
            out += backend_table(backend, cpu_rates[backend], sizes,
                                 notes=not backend.startswith("raw-"))
    print("\n".join(out))


if __name__ == "__main__":
    main()
