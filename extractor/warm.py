"""Imported by the forkserver that `--jobs N` forks its workers from (parallel.py): loads and
compiles what the pipeline uses once, so every worker starts warm."""
from .pipeline import warm_up

warm_up()
