"""Package discovery that pyproject.toml alone cannot express: the `extractor` package tree
plus the top-level data folders `patterns/` and `corpus/`, installed as `cchc_patterns` and
`cchc_corpus` (see [tool.setuptools.package-dir] in pyproject.toml)."""
from setuptools import find_packages, setup

setup(packages=find_packages(include=["extractor", "extractor.*"]) + ["cchc_patterns", "cchc_corpus"])
