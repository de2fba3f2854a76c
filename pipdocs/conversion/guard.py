"""The pool's guard: kills the pool's LibreOffice process groups when pipdocs dies.

Not imported by pipdocs: ``pipdocs.conversion.pool`` starts it as a child process (standard
library only, like worker.py). A killed ``pipdocs bulk`` (SIGKILL, OOM killer) runs no cleanup,
and ``soffice`` forks ``soffice.bin``, which a parent-death signal on ``soffice`` would not
reach. So the pool tells this guard every process group it starts (``+PGID``) and ends
(``-PGID``), one per line; when its input ends (the parent closed it, or died) or the parent's
death signal arrives (PR_SET_PDEATHSIG), the guard kills every group still listed, then exits.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


def main() -> int:
    parent = int(sys.argv[1])
    groups: set[int] = set()

    def kill_all(*_: object) -> None:
        for group in groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except OSError:
                pass
        os._exit(0)

    signal.signal(signal.SIGTERM, kill_all)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the closed pipe below still tells us
    if os.getppid() != parent:  # the parent died before the death signal was armed
        kill_all()
    for line in sys.stdin:
        line = line.strip()
        if line[1:].isdigit():
            (groups.add if line[0] == "+" else groups.discard)(int(line[1:]))
    kill_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
