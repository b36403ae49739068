"""Imported by the forkserver that `--jobs N` forks its workers from (parallel.py): loads and
compiles what the pipeline uses once, so every worker starts warm. What is loaded then is
frozen out of the garbage collector's reach (`gc.freeze`): a collection in a worker would
otherwise walk, and so copy page by page, the whole of the memory it shares with the server."""
import gc

from .pipeline import warm_up

warm_up()
gc.freeze()
