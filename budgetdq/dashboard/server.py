"""Start the dashboard: `streamlit run` of the app script, headless, on a local port."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

__all__ = ["APP", "command", "serve"]

APP = Path(__file__).with_name("app.py")


def command(port: int, address: str) -> list[str]:
    """The `streamlit run` command line: no browser, no usage statistics, no file watching."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        f"--server.port={port}",
        f"--server.address={address}",
        "--server.headless=true",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--browser.gatherUsageStats=false",
        "--client.toolbarMode=minimal",
        "--theme.base=light",
    ]


def serve(lake: Path, port: int, address: str) -> int:
    """Run the dashboard over `lake` until interrupted; returns streamlit's exit code."""
    environment = os.environ | {"BUDGETDQ_LAKE": str(lake.resolve())}
    try:
        return subprocess.call(command(port, address), env=environment)
    except KeyboardInterrupt:
        return 0
