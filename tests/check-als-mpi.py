#!/usr/bin/env python3
"""Distributed ALS (`train --distributed`) against the local trainer, under mpirun on localhost.

With the same seed, 1, 2 and 3 ranks (oversubscribed on a small machine) must report the
same loss per iteration as the local trainer within 1e-6 relative, for the CG and the
Cholesky solvers; rank 0 alone must write to the shop: one run, its loss points and the
model, which then recommends. Skipped, saying why, where shopdesk-cli was built without MPI
or mpirun is missing.

  check-als-mpi.py SHOPDESK_CLI HAVE_MPI(0|1)
"""
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

TOLERANCE = 1e-6
# double: the reference path the distributed fit runs in (the local default is float)
PARAMS = ["-p", "factors=12", "-p", "iterations=6", "-p", "seed=7", "-p", "precision=double"]
SOLVERS = [[], ["-p", "solver=cholesky"]]

cli, have_mpi = sys.argv[1], sys.argv[2] == "1"
mpirun = shutil.which("mpirun")
if not have_mpi:
    print("1..0 # SKIP shopdesk-cli was built without MPI (install libopenmpi-dev; -Dmpi=enabled)")
    sys.exit(0)
if mpirun is None:
    print("1..0 # SKIP mpirun not found (Debian: openmpi-bin)")
    sys.exit(0)

env = dict(os.environ)
# CI runs as root, which mpirun refuses unless told it is meant.
env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1")

# Open MPI's own start-up allocations are never freed, many of them in plugins it has unloaded
# by exit, so LeakSanitizer (the sanitizer CI run) can neither ignore them by name nor tell
# them from ours: jobs that start MPI run without leak checking; the local runs keep it.
mpi_env = dict(env)
if "ASAN_OPTIONS" in mpi_env:
    mpi_env["ASAN_OPTIONS"] += ":detect_leaks=0"

results = []


def check(ok, what):
    results.append(ok)
    print(("ok" if ok else "not ok") + " %d - %s" % (len(results), what))
    sys.stdout.flush()


def run(args, ranks=None):
    cmd = [cli, "--db", shop] + args
    if ranks is not None:
        cmd = [mpirun, "--oversubscribe", "-np", str(ranks)] + cmd
    starts_mpi = ranks is not None or "--distributed" in args
    r = subprocess.run(cmd, capture_output=True, text=True, env=mpi_env if starts_mpi else env, timeout=300)
    if r.returncode != 0:
        print("# %s\n# exit %d: %s" % (" ".join(cmd), r.returncode, r.stderr.replace("\n", "\n# ")))
        return None
    return json.loads(r.stdout)


def losses(result):
    return [p["value"] for p in result["points"] if p["name"] == "loss"]


def query(path, sql, *args):
    """One statement on a connection of its own, closed at once: an idle connection kept
    open while the ranks write and close the shop can read a stale WAL index."""
    db = sqlite3.connect(path)
    try:
        with db:
            return db.execute(sql, args).fetchall()
    finally:
        db.close()


def exchange_formula(ranks, customers, products, k=12, iterations=6):
    """README's bytes per iteration: every side's rows to every other rank, and three sums
    (XᵀX and YᵀY with a stop flag, XᵀX with the loss's correction and the flag) of which
    each rank sends its part to every other rank; and once, the four numbers by which the
    ranks check that they read the same matrix."""
    per_iteration = 8 * (ranks - 1) * ((customers + products) * k + ranks * (3 * k * k + 4))
    # once, before the first iteration: each rank's matrix size and sum of values, compared
    return per_iteration * iterations + 8 * ranks * (ranks - 1) * 4


def shop_seen(run_id):
    summary = json.loads(query(shop, "SELECT summary FROM runs WHERE id = ?", run_id)[0][0])
    return summary["shop"]["customers"], summary["shop"]["products"]


def runs_in_shop():
    return query(shop, "SELECT COUNT(*) FROM runs")[0][0]


with tempfile.TemporaryDirectory() as tmp:
    shop = os.path.join(tmp, "shop.sqlite")
    subprocess.run([cli, "--db", shop, "demo", "--size", "400"], check=True,
                   capture_output=True, env=env)

    for solver in SOLVERS:
        name = " ".join(solver[1:]) or "solver=cg"
        local = run(["train", "--model", "als", "--json", "--no-store"] + PARAMS + solver)
        reference = losses(local) if local else []
        check(len(reference) == 6 and all(r > 0 for r in reference),
              "%s: the local trainer reports 6 losses" % name)
        # None: run outside mpirun, a job of one rank.
        for ranks in (None, 1, 2, 3):
            label = "%s: %s" % (name, "outside mpirun" if ranks is None else "%d rank%s" % (ranks, "s" * (ranks > 1)))
            before = runs_in_shop()
            result = run(["train", "--model", "als", "--json", "--no-store", "--distributed"] + PARAMS + solver,
                         ranks)
            got = losses(result) if result else []
            worst = max((abs(g - r) / abs(r) for g, r in zip(got, reference)), default=float("inf"))
            check(len(got) == len(reference) and worst <= TOLERANCE,
                  "%s: losses within %g of the local trainer's (worst %.3g)" % (label, TOLERANCE, worst))
            check(result is not None and result.get("ranks") == (ranks or 1) and runs_in_shop() == before + 1,
                  "%s: one run recorded, by rank 0 only" % label)
            if result is not None:
                expected = exchange_formula(ranks or 1, *shop_seen(result["run_id"]))
                check(result.get("exchanged_bytes") == expected,
                      "%s: %s bytes exchanged, as the formula says (%d)"
                      % (label, result.get("exchanged_bytes"), expected))

    # Stored: the model and its run's points are what the pages read.
    result = run(["train", "--model", "als", "--json", "--distributed"] + PARAMS, 2)
    ok = result is not None and result["model_id"] > 0
    check(ok, "2 ranks: the model is stored")
    if ok:
        status = query(shop, "SELECT status FROM runs WHERE id = ?", result["run_id"])[0]
        points = [v for (v,) in query(shop, "SELECT value FROM run_points WHERE run_id = ? AND name = 'loss'"
                                      " ORDER BY step", result["run_id"])]
        model_run = query(shop, "SELECT run_id FROM models WHERE id = ?", result["model_id"])[0]
        check(status == ("finished",) and points == losses(result) and model_run == (result["run_id"],),
              "2 ranks: the run is finished with its loss points, and the model belongs to it")
        rec = subprocess.run([cli, "--db", shop, "recommend", "--model", "als", "--json", "-n", "5",
                              "--customer", "1"], capture_output=True, text=True, env=env)
        answer = json.loads(rec.stdout) if rec.returncode == 0 else {}
        check(answer.get("model_id") == result["model_id"] and len(answer.get("items", [])) == 5,
              "recommend uses the stored distributed model: " + (rec.stderr.strip() or "ok"))

    # A copy on another node that is not the same shop: refused by every rank, nothing stored.
    other = os.path.join(tmp, "other.sqlite")
    subprocess.run(["sqlite3", shop, ".backup '%s'" % other], check=True, env=env)
    query(other, "DELETE FROM events WHERE rowid = (SELECT MIN(rowid) FROM events)")
    models_before = query(shop, "SELECT COUNT(*) FROM models")[0][0]
    train = ["train", "--model", "als", "--json", "--distributed"] + PARAMS
    r = subprocess.run([mpirun, "-np", "1", cli, "--db", shop] + train
                       + [":", "-np", "1", cli, "--db", other] + train,
                       capture_output=True, text=True, env=mpi_env, timeout=300)
    models_after = query(shop, "SELECT COUNT(*) FROM models")[0][0]
    last = query(shop, "SELECT status FROM runs ORDER BY id DESC LIMIT 1")[0]
    check(r.returncode != 0 and "every rank must read the same shop" in r.stderr
          and models_after == models_before and last == ("failed",),
          "ranks reading different shops: refused with a message, the run failed, no model stored")

    # Ctrl+C: mpirun passes it on; the ranks stop together, rank 0 marks the run, nothing is stored.
    # Wide factors, so that the fit is still running a second in on an idle machine too.
    # (Loss points reach the shop when the run ends, so the run's row says it started.)
    models_before = query(shop, "SELECT COUNT(*) FROM models")[0][0]
    runs_before = query(shop, "SELECT MAX(id) FROM runs")[0][0]
    job = subprocess.Popen([mpirun, "--oversubscribe", "-np", "2", cli, "--db", shop, "train", "--model", "als",
                            "--distributed", "-p", "iterations=1000", "-p", "factors=256"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=mpi_env)
    started = False
    for _ in range(600):
        started = query(shop, "SELECT COUNT(*) FROM runs WHERE id > ?", runs_before)[0][0] > 0
        if started or job.poll() is not None:
            break
        time.sleep(0.1)
    # The run is recorded before the shop is read: give the fit a moment to begin.
    time.sleep(1.0)
    job.send_signal(signal.SIGINT)
    job.communicate(timeout=120)
    models_after = query(shop, "SELECT COUNT(*) FROM models")[0][0]
    last = (query(shop, "SELECT status FROM runs WHERE id > ? ORDER BY id DESC LIMIT 1", runs_before) or [None])[0]
    check(started and models_after == models_before and last == ("cancelled",),
          "Ctrl+C during a 2-rank fit: the run is %s and no model was stored" % (last[0] if last else "missing"))

print("1..%d" % len(results))
sys.exit(0 if all(results) else 1)
