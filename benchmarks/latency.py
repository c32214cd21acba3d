"""Time from a document appearing in a watched folder to its alert being in the outbox.

    uv run python benchmarks/latency.py [--samples 10] [--mode both|embedded|served]

Each sample is a new department's budget (seed 003 with its department code 042 replaced by
900, 901, …), dropped into a folder source; its alert is a new thread's root message, and it
counts as "in the outbox" when the outbox file `<lake>/alerts/*_<code>-2022-…_root_*.json` exists
(the outbox writes it with the row; polling files does not take DuckDB's lock).

(a) embedded: the `run` flow (`flows.run.run_once`, what `budgetdq run` calls) right after each
    document appears, in this process, Prefect in ephemeral mode (its temporary server is started
    by a warm-up run, reported apart); then the same with the flow run heartbeat off
    (`PREFECT_FLOWS_HEARTBEAT_FREQUENCY` None, which only `temporary_settings` can set).
(b) served: a real Prefect server (`prefect server start` on a free port, SQLite in a temporary
    PREFECT_HOME) and `python -m flows.serve` (what `budgetdq serve` runs): after each document
    appears the benchmark starts the `watch` deployment (as its schedule would), whose run emits
    the discovery event; the trigger starts `process-disclosure`, which writes the alert. A watch
    interval of W seconds adds up to W (W/2 on average) to these figures.

Nothing is contacted but 127.0.0.1 (analytics off, DO_NOT_TRACK=1).
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "003_1e24ecc40e022084.txt"
DEPARTMENT = re.compile(r"(?<![\d.,])042(?=(\d{3})?[\s-])")  # the code, alone or in unit codes
QUIET = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_UI_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}
TIMEOUT = 120.0  # seconds one sample may take before the benchmark gives up


def publish(folder: Path, index: int) -> str:
    """Write sample `index` into the folder; returns the glob of its root alert's outbox file."""
    code = f"9{index:02d}"
    text = DEPARTMENT.sub(code, SEED.read_text(encoding="utf-8"))
    partial = folder / f".dept_{code}.tmp"
    partial.write_text(text, encoding="utf-8")
    partial.replace(folder / f"dept_{code}.txt")  # appears whole
    return f"*_{code}-2022-*_root_*.json"


def wait_for_file(folder: Path, pattern: str, timeout: float = TIMEOUT) -> float:
    """Poll every 50 ms until a file matching `pattern` exists; returns when it was seen."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if folder.is_dir() and any(folder.glob(pattern)):
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError(f"no {pattern} in {folder} after {timeout:.0f} s")


def percentile(values: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def report(name: str, latencies: list[float]) -> None:
    samples = ", ".join(f"{s:.1f}" for s in latencies)
    print(
        f"  {name}: p50 {percentile(latencies, 0.5):.2f} s, p95 {percentile(latencies, 0.95):.2f} s, "
        f"min {min(latencies):.2f} s, max {max(latencies):.2f} s  (n={len(latencies)}: {samples})"
    )


def embedded(work: Path, samples: int, heartbeat: bool = True) -> list[float]:
    """`heartbeat=False`: without the flow run heartbeat (Prefect sends one as a run starts)."""
    from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

    from flows.run import run_once

    name = "embedded" if heartbeat else "embedded-no-heartbeat"
    site, lake = work / f"{name}-site", work / f"{name}-lake"
    site.mkdir()
    updates = {} if heartbeat else {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    with temporary_settings(updates=updates):
        start = time.perf_counter()
        run_once(folder=str(site), lake=str(lake))  # the first call starts Prefect's server
        print(f"  warm-up run (empty folder): {time.perf_counter() - start:.1f} s")
        logging.getLogger("great_expectations").setLevel(logging.WARNING)
        latencies = []
        for index in range(samples):
            pattern = publish(site, index if heartbeat else 25 + index)
            appeared = time.perf_counter()
            watched, processed = run_once(folder=str(site), lake=str(lake))
            assert len(watched.new) == 1 and processed.planned.roots == 1, (watched, processed)
            latencies.append(wait_for_file(lake / "alerts", pattern) - appeared)
    return latencies


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """A child process, stopped with SIGINT (then killed) when the block ends."""
    with log.open("wb") as output:
        child = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield child
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def wait_until(what: str, probe: Callable[[], Any], timeout: float, log: Path) -> Any:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if found := probe():
                return found
        except Exception:  # not up yet
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{what} not ready after {timeout:.0f} s; see {log}")


def served(
    work: Path, samples: int, warm_up: bool = True
) -> tuple[list[float], dict[str, list[float]]]:
    from prefect import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    site, lake = work / "served-site", work / "served-lake"
    site.mkdir()
    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = os.environ | QUIET | {"PREFECT_HOME": str(work / "server-home"), "PREFECT_API_URL": api}
    server_command = [str(Path(sys.executable).with_name("prefect")), "server", "start"]
    server_command += ["--host", "127.0.0.1", "--port", str(port)]
    serve_command = [
        sys.executable,
        "-m",
        "flows.serve",
        "--folder",
        str(site),
        "--lake",
        str(lake),
    ]
    serve_command += ["--every", "3600", "--limit", "4"]
    serve_env = env | {"PREFECT_RUNNER_POLL_FREQUENCY": "1", "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    with process(server_command, env, work / "server.log"):
        wait_until(
            "the Prefect server",
            lambda: urllib.request.urlopen(f"{api}/health", timeout=1),
            90,
            work / "server.log",
        )
        print(f"  Prefect server up in {time.perf_counter() - started:.1f} s (port {port})")
        with (
            process(serve_command, serve_env, work / "serve.log"),
            temporary_settings(updates={PREFECT_API_URL: api}),
            get_client(sync_client=True) as client,
        ):

            def trigger_ready() -> bool:
                deployment = client.read_deployment_by_name("process-disclosure/budgetdq")
                return bool(
                    client.read_resource_related_automations(f"prefect.deployment.{deployment.id}")
                )

            wait_until("the served deployments", trigger_ready, 90, work / "serve.log")
            print(f"  serving after {time.perf_counter() - started:.1f} s")
            latencies = []
            for index in range(samples + int(warm_up)):
                pattern = publish(site, 50 + index)
                appeared = time.perf_counter()
                run_deployment("watch/budgetdq", timeout=0)
                seen = wait_for_file(lake / "alerts", pattern)
                if warm_up and index == 0:
                    print(f"  warm-up sample: {seen - appeared:.1f} s")
                    continue
                latencies.append(seen - appeared)
            stages = _stages(client)
    return latencies, stages


def _stages(client: Any) -> dict[str, list[float]]:
    """Per flow run, from the server's records: start delay and duration of each deployment."""
    stages: dict[str, list[float]] = {}
    for run in client.read_flow_runs(limit=200):
        if run.start_time is None or run.end_time is None or run.deployment_id is None:
            continue
        name = client.read_deployment(run.deployment_id).name
        flow = "watch" if "sha256" not in run.parameters else "process-disclosure"
        stages.setdefault(f"{flow}/{name} run, created → running", []).append(
            (run.start_time - run.created).total_seconds()
        )
        stages.setdefault(f"{flow}/{name} run, running → done", []).append(
            (run.end_time - run.start_time).total_seconds()
        )
    return stages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--mode", choices=["both", "embedded", "served"], default="both")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, lakes)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="budgetdq-latency-"))
    os.environ.update(QUIET | {"PREFECT_HOME": str(work / "home")})
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    try:
        if args.mode in ("both", "embedded"):
            print("(a) embedded: `run` flow called as each document appears (ephemeral Prefect)")
            report("document → alert in outbox", embedded(work, args.samples))
            report("the same, flow heartbeat off", embedded(work, args.samples, heartbeat=False))
        if args.mode in ("both", "served"):
            print("(b) served: local Prefect server, flows.serve, watch run → event → trigger")
            latencies, stages = served(work, args.samples)
            report("document → alert in outbox", latencies)
            for stage, seconds in sorted(stages.items()):
                print(f"    {stage}: median {statistics.median(seconds):.2f} s (n={len(seconds)})")
    finally:
        if args.keep:
            print(f"work directory: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
