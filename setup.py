"""Package layout that pyproject.toml alone cannot express: the `extractor` package tree plus
the top-level data folders `patterns/` and `corpus/`, installed as `cchc_patterns` and
`cchc_corpus` so that an installed cchc finds its rules and source registry."""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["extractor", "extractor.*"]) + ["cchc_patterns", "cchc_corpus"],
    package_dir={"": ".", "cchc_patterns": "patterns", "cchc_corpus": "corpus"},
)
