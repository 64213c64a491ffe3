"""`python scripts/add.py`: the same as the command `china-ai-add` (contribute/cli.py)."""
from contribute.cli import run_add

if __name__ == "__main__":
    run_add()
