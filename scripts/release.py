"""`python scripts/release.py`: the same as the command `china-ai-release` (publish/cli.py)."""
import sys

from publish.cli import main

if __name__ == "__main__":
    sys.exit(main())
