"""Imported by the forkserver that `--jobs N` forks its workers from (parallel.py): loads and
compiles what the pipeline uses once, so every worker starts warm. What is loaded then is
frozen out of the garbage collector's reach (`gc.freeze`): a collection in a worker would
otherwise walk, and so copy page by page, the whole of the memory it shares with the server.

When the run ends the server is told by its pipe closing, and exits: at once (`os._exit`), not
by taking the warm pipeline apart object by object, which kept it ~15 ms past the command (and
whatever reads their shared stderr waiting), for nothing: it has no buffered output, and its
rules were saved when it warmed up. Its workers leave by `os._exit` already."""
import atexit
import gc
import os

from .pipeline import warm_up

warm_up()
gc.freeze()
atexit.register(os._exit, 0)  # the last registered runs first: before the teardown
