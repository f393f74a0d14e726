"""Gunicorn settings read from the project's folder (``gunicorn "assessor:create_app()"``).

Command-line options (workers, bind, ``--preload``) are left to the command, see README.
"""

import gc


def pre_fork(server, worker):
    """Freeze what the master built before forking a worker.

    With ``--preload`` the master has loaded the app, the question bank and the libraries:
    frozen, those objects are never looked at again by the workers' garbage collector, so
    a full collection costs little and does not write to (and so copy) the shared pages.
    """
    gc.freeze()
