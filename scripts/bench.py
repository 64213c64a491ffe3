"""`python scripts/bench.py`: the same as the command `china-ai-bench` (benchmark/run.py)."""
import sys

from benchmark.run import main

if __name__ == "__main__":
    sys.exit(main())
