"""`bash bench/run.sh --compare <git-ref>`: an older tree of the shop against this one, interleaved.

run.sh prepares the database once with this tree's code (migrations, seeding), checks the old
ref out into a temporary git worktree with its own static files, and gives each side a Redis
server of its own (page cache in db 0, cache and broker in db 1); bench/pages.py seeds the
customer's data once (this tree's prepare) and hands the plan here. Both trees are served at
once, each by its own gunicorn (2 sync workers; same database, same SECRET_KEY, so the
sessions hold on both), but only one is under load at a time: for each round and each page,
bare view then page on one side, bare view then page on the other (the side that goes first
alternates by round). A round's ratio is page / bare view of the same side, measured back to
back; the medians over the rounds are compared. Then guests place orders on each side in turn.
Writes bench/results/<date>-<time>-compare.json with every round and prints a table.
"""

import os
import statistics
import subprocess
from pathlib import Path

import measure
import placing
import report
from plan import BARE, statements, targets
from report import ROOT

FELL = 0.10  # a page whose median ratio to the bare view falls more than this is flagged


def _sides() -> dict[str, dict]:
    """Old and new: the tree served, its port, and what its environment changes."""
    old_env = {
        "DUKKAN_VAR_DIR": os.environ["BENCH_OLD_VAR_DIR"],  # its static files; media shared
        "REDIS_URL": os.environ["BENCH_OLD_REDIS_URL"],
        "PAGE_CACHE_URL": os.environ["BENCH_OLD_PAGE_CACHE_URL"],
    }
    old_root = Path(os.environ["BENCH_OLD_ROOT"])
    return {
        "old": {"root": old_root, "port": measure.PORT + 1, "env": old_env},
        "new": {"root": ROOT, "port": measure.PORT, "env": {}},
    }


def _commit(root: Path) -> str:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()

    dirty = " (uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    return git("rev-parse", "--short", "HEAD") + dirty


def _order(round_: int) -> tuple[str, str]:
    return ("old", "new") if round_ % 2 == 0 else ("new", "old")


def _wrk(side: dict, url: str, cookie: str, duration: int) -> dict:
    """A wrk run on one side, with the CPU milliseconds its workers spent per request."""
    before = measure.cpu_seconds(side["server"])
    result = measure.wrk(url, cookie, port=side["port"], duration=duration)
    spent = measure.cpu_seconds(side["server"]) - before
    return {**result, "cpu_ms_per_request": round(spent * 1000 / max(result["requests"], 1), 3)}


def _rounds(plan: dict, sides: dict, rounds: int, duration: int) -> dict:
    """Every page's rounds on each side: {(label, who): {"old": [...], "new": [...]}}."""
    pages = targets(plan)[1:]
    measured = {(label, who): {"old": [], "new": []} for label, _url, who in pages}
    for round_ in range(rounds):
        for label, url, who in pages:
            line = []
            for name in _order(round_):
                bare = _wrk(sides[name], BARE, "", duration)
                page = _wrk(sides[name], url, plan["cookies"][who], duration)
                ratio = page["rps"] / bare["rps"]
                cpu = bare["cpu_ms_per_request"] / max(page["cpu_ms_per_request"], 0.001)
                measured[(label, who)][name].append(
                    {"bare": bare, "page": page, "ratio": ratio, "cpu_ratio": cpu}
                )
                errors = bare["errors"] + page["errors"]
                line.append(
                    f"{name} {ratio:.3f} (CPU {cpu:.3f})"
                    + (f" ({errors} not 2xx/3xx)" if errors else "")
                )
            print(f"round {round_ + 1}/{rounds} {label} ({who}): {', '.join(line)}", flush=True)
    return measured


def _placements(plan: dict, sides: dict) -> dict:
    """Guests' orders on old and new in turn, each side with its own variants."""
    times: dict[str, list[float]] = {"old": [], "new": []}
    variants = plan["placement_variants"]
    for number in range(len(variants) // 2):
        for name in _order(number):
            variant = variants[2 * number + (name == "new")]
            elapsed = placing.place(plan, variant, sides[name]["port"])
            if number >= placing.PLACEMENT_WARMUP:
                times[name].append(elapsed)
    return {name: placing.summary(side) for name, side in times.items()}


def _change(old: float, new: float) -> float:
    return round((new / old - 1) * 100, 1)


def run(plan: dict) -> None:
    # The chat poll is left out: an older tree may have no chat to poll (bench/chat.py is
    # `make bench`'s own comparison).
    chat_pages = plan.get("chat_pages", [])
    urls = {label: url for label, url in plan["urls"].items() if label not in chat_pages}
    plan = {**plan, "urls": urls, "chat_pages": []}
    duration, rounds = measure.knob("BENCH_DURATION", 3), measure.knob("BENCH_RUNS", 5)
    sides = _sides()
    commits = {name: _commit(side["root"]) for name, side in sides.items()}  # as served
    rows = targets(plan)
    minutes = (len(rows) - 1) * rounds * 4 * duration / 60
    print(f"{len(rows) - 1} pages, {rounds} rounds of {duration} s runs: about {minutes:.0f} min")
    if rounds < 5:
        print("(fewer than 5 rounds: not enough to judge a change)")
    try:
        for side in sides.values():
            side["server"] = measure.serve(side["root"], side["port"], side["env"])
            measure.warm(rows, plan["cookies"], side["port"])
        measured = _rounds(plan, sides, rounds, duration)
        placement = _placements(plan, sides)
    finally:
        for side in sides.values():
            if "server" in side:
                measure.stop(side["server"])
    pages = []
    for (label, who), by_side in measured.items():
        url = plan["urls"][label]
        median = {side: statistics.median(r["ratio"] for r in rs) for side, rs in by_side.items()}
        change = _change(median["old"], median["new"])
        cpu = {side: statistics.median(r["cpu_ratio"] for r in rs) for side, rs in by_side.items()}
        pages.append(
            {
                "page": label,
                "visitor": who,
                "url": url,
                "queries_new": statements(url, plan["cookies"][who]),
                "ratio_old": round(median["old"], 3),
                "ratio_new": round(median["new"], 3),
                "change_pct": change,
                "fell": change < -FELL * 100,
                # The same in the CPU the workers spent per request: bare view's / page's.
                "cpu_ratio_old": round(cpu["old"], 3),
                "cpu_ratio_new": round(cpu["new"], 3),
                "cpu_change_pct": _change(cpu["old"], cpu["new"]),
                "not_2xx_3xx": sum(
                    r["bare"]["errors"] + r["page"]["errors"] for rs in by_side.values() for r in rs
                ),
                "rounds": by_side,
            }
        )
    slower = _change(placement["old"]["p50_ms"], placement["new"]["p50_ms"])
    result = {
        **report.header(
            duration=duration,
            runs=rounds,
            compare={**commits, "ref_old": os.environ.get("BENCH_OLD_REF", "")},
            rounds="per page and round: bare then page on one side, then on the other",
        ),
        "fell": [f"{p['page']} ({p['visitor']})" for p in pages if p["fell"]],
        "pages": pages,
        "place_order": {
            **placement,
            "p50_change_pct": slower,
            "note": "guest, cash on delivery; an order on each side in turn; the POST alone timed",
        },
    }
    out = report.write(result, "-compare")
    report.table(
        ["page", "visitor", "old × bare", "new × bare", "change", "", "CPU: old", "new", "change"],
        [
            *(
                [
                    *(p["page"], p["visitor"], f"{p['ratio_old']:.3f}", f"{p['ratio_new']:.3f}"),
                    *(f"{p['change_pct']:+.1f} %", "FELL > 10 %" if p["fell"] else ""),
                    *(f"{p['cpu_ratio_old']:.3f}", f"{p['cpu_ratio_new']:.3f}"),
                    f"{p['cpu_change_pct']:+.1f} %",
                ]
                for p in pages
            ),
            [
                *("place order, p50 ms", "guest", f"{placement['old']['p50_ms']:.1f}"),
                *(f"{placement['new']['p50_ms']:.1f}", f"{slower:+.1f} %", "", "", "", ""),
            ],
        ],
        out,
    )
    fell = result["fell"]
    print(f"Fell more than 10 %: {', '.join(fell)}" if fell else "No page fell more than 10 %.")
