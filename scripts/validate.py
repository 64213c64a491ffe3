"""`python scripts/validate.py`: the same as the command `china-ai-validate` (schemas/cli.py)."""
from schemas.cli import main, run

__all__ = ["main"]

if __name__ == "__main__":
    run()
