"""`python scripts/docs.py`: the same as the command `china-ai-docs` (docsite/cli.py)."""
import sys

from docsite.cli import main

if __name__ == "__main__":
    sys.exit(main())
