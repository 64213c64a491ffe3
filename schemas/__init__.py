"""The package's checks: Table Schema structure, Pandera schemas, provenance
against the archive and consistency across records. `schemas.validate.validate`
runs them all; `scripts/validate.py` is its command line."""
