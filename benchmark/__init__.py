"""The speed benchmark: synthetic packages with seeded errors, measured against `frictionless validate`.

`run` is the command `china-ai-bench`; `results` holds what it measured; `report` writes the benchmark page.
"""
