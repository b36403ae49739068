import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold" / "seeds.gold.jsonl"
SHARED = ROOT.parent / "shared"


def run_cchc(*args, input=None, cwd=ROOT, timeout=300):
    """Run the real CLI in a subprocess (as a user would)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "extractor.cli", *args], input=input, capture_output=True,
                          cwd=cwd, env=env, timeout=timeout)


@pytest.fixture(scope="session")
def seed_paths():
    return sorted(SEEDS.glob("*.txt"))
