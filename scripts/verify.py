"""`python scripts/verify.py`: the same as the command `china-ai-verify` (contribute/cli.py)."""
from contribute.cli import run_verify

if __name__ == "__main__":
    run_verify()
