"""`python scripts/todo.py`: the same as the command `china-ai-todo` (contribute/cli.py)."""
from contribute.cli import run_todo

if __name__ == "__main__":
    run_todo()
