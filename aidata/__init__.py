"""Code behind the scripts: the docs site, the release exports, the benchmark."""
