"""cchc: Vietnamese administrative-reform (cải cách hành chính) news into a checkable dataset.

The Python API lives in `extractor.api` (extract_text, extract_paths); records follow the data
contract in README.md. Submodules are imported lazily so that `cchc --help` answers at once.
"""
__version__ = "0.1.0"
