"""The documentation site: MkDocs pages generated at build time from a validated data package.

`build.build()` validates the package, runs MkDocs (whose hook, `mkdocs_hook.py`,
adds the generated pages) into a temporary folder, audits the result and only
then moves it into place. Nothing generated is written into docs/.
"""
