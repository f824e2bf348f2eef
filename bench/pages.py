"""Measure every main page against a bare view, in one run (started by bench/run.sh).

Serves the shop with gunicorn (2 sync workers) in the environment run.sh prepared, then for
each page runs `wrk` BENCH_RUNS times (median taken) and counts its SQL statements in process.
Anonymous pages are measured as the page cache serves them; signed-in ones are rendered for
the visitor. A guest cash-on-delivery placement is driven over HTTP. Prints a table and writes
bench/results/<time>.json. With `--check`, only asks each page once in process (status, SQL).
With `--compare`, measures an older tree against this one, interleaved (bench/compare.py).

The modules, by job: plan.py (the pages and the data behind them), measure.py (gunicorn, wrk,
a browser), placing.py (placing orders), report.py (the result file and table), compare.py.
"""

import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")

import django  # noqa: E402

django.setup()

import chat  # noqa: E402
import dashboard  # noqa: E402
import measure  # noqa: E402
import placing  # noqa: E402
import report  # noqa: E402
import segments  # noqa: E402
from plan import client_for, placing_wanted, prepare, statements, targets, wanted_pages  # noqa: E402


def check(plan: dict) -> None:
    """`pages.py --check`: each page answers 200 to its visitor, in process (no gunicorn, no
    wrk), with its SQL statements; a quick look before a long run."""
    failed = []
    for label, url, who in targets(plan):
        status = client_for(plan["cookies"][who]).get(url).status_code
        queries = statements(url, plan["cookies"][who])
        print(f"{status} {label} ({who}): {url}, {queries} SQL statements", flush=True)
        if status not in (200, 204):  # 204: the chat poll's "nothing new"
            failed.append(label)
    if segments.wanted():
        segments.print_row(segments.measure())
    if dashboard.wanted():
        dashboard.print_row(dashboard.measure())
    if failed:
        raise SystemExit(f"not 200: {', '.join(failed)}")


def _placement_row(plan: dict, placement: dict, bare: float) -> dict:
    return {
        "page": "place order (guest, cash on delivery)",
        "visitor": "guest",
        "url": plan["urls"]["checkout"],
        "rps": placement["rps"],
        "p50_ms": round(placement["p50_ms"], 2),
        "p99_ms": round(placement["p99_ms"], 2),
        "queries": placing.placement_statements(plan),
        "ratio_to_bare": round(placement["rps"] / bare, 3),
        "runs": [placement],
        "note": "one client, one order after another; the POST alone is timed",
    }


def run(plan: dict) -> None:
    """`make bench`: every page BENCH_RUNS times with wrk, then the placements; table and file."""
    duration, runs_wanted = measure.knob("BENCH_DURATION", 10), measure.knob("BENCH_RUNS", 3)
    rows = targets(plan)
    server = measure.serve(ROOT)
    try:
        measure.warm(rows, plan["cookies"])
        runs: dict[tuple[str, str], list[dict]] = {}
        for run in range(runs_wanted):
            for label, url, who in rows:
                result = measure.wrk(url, plan["cookies"][who], duration=duration)
                runs.setdefault((label, who), []).append(result)
                print(
                    f"run {run + 1}/{runs_wanted} {label} ({who}): {result['rps']:.0f} req/s",
                    flush=True,
                )
        placement = placing.placements(plan, measure.PORT) if placing_wanted() else None
        chats = chat.compare(plan, plan["chats"]) if chat.wanted() else None
        segment_count = segments.measure() if segments.wanted() else None
        analytics = dashboard.measure() if dashboard.wanted() else None
    finally:
        measure.stop(server)
    bare = statistics.median(r["rps"] for r in runs[("bare view", "anonymous")])
    table = []
    for label, url, who in rows:
        results = runs[(label, who)]
        rps = statistics.median(r["rps"] for r in results)
        table.append(
            {
                "page": label,
                "visitor": who,
                "url": url,
                "rps": round(rps, 1),
                "p50_ms": round(statistics.median(r["p50_ms"] for r in results), 2),
                "p99_ms": round(statistics.median(r["p99_ms"] for r in results), 2),
                "queries": statements(url, plan["cookies"][who]),
                "ratio_to_bare": round(rps / bare, 3),
                "runs": results,
            }
        )
    if placement is not None:
        table.append(_placement_row(plan, placement, bare))
    setup = {"pages": wanted_pages()} if wanted_pages() else {}
    out = report.write(
        {
            **report.header(duration=duration, runs=runs_wanted, **setup),
            "pages": table,
            **({"open_chats": chats} if chats else {}),
            **({"segment_count": segment_count} if segment_count else {}),
            **({"analytics_dashboard": analytics} if analytics else {}),
        }
    )
    report.table(
        ["page", "visitor", "req/s", "p50 ms", "p99 ms", "queries", "× bare view"],
        [
            [
                *(row["page"], row["visitor"], f"{row['rps']:.0f}", f"{row['p50_ms']:.1f}"),
                *(f"{row['p99_ms']:.1f}", str(row["queries"]), f"{row['ratio_to_bare']:.3f}"),
            ]
            for row in table
        ],
        out,
    )
    if chats:
        chat.print_table(chats)
    if segment_count:
        segments.print_row(segment_count)
    if analytics:
        dashboard.print_row(analytics)


def main() -> None:
    arguments = sys.argv[1:]
    orders = placing.PLACEMENT_WARMUP + placing.PLACEMENTS
    if "--compare" in arguments:
        import compare

        compare.run(prepare(2 * orders))  # each side places its own orders
    elif "--check" in arguments:
        check(prepare(orders))
    else:
        run(prepare(orders))


if __name__ == "__main__":
    main()
