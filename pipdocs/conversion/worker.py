"""A warm LibreOffice worker, run by a Python that has the ``uno`` module (Debian's python3-uno).

Not imported by pipdocs: ``pipdocs.conversion.pool`` starts it as a child process. It starts
soffice with its own profile, listening on a private pipe, and prints ``ready`` once soffice
answers. Then it converts one document per input line (``IN<TAB>OUT``), answering ``ok`` or
``err <reason>``; if soffice dies it answers ``dead <reason>`` and exits with status 3 (the
parent restarts it). On end of input it shuts soffice down. Standard library and uno only: it
runs outside the pipdocs virtualenv.

It dies with its parent: the kernel sends it SIGTERM when the parent dies (PR_SET_PDEATHSIG,
set through ctypes), and SIGTERM kills its process group (itself and soffice, which stays in
that group). The pool's guard (guard.py) does the same from outside, should this one be
killed first.

    worker.py SOFFICE PROFILE_URI PIPE [START_TIMEOUT STOP_TIMEOUT PARENT_PID]
"""

import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1
DETAIL = 200  # characters of an error kept: core.limits.LONG_DETAIL (no pipdocs import here)


def die_with_parent(sig: int) -> None:
    """Ask the kernel for ``sig`` when our parent dies (Linux; elsewhere a no-op)."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def end_group(*_: object) -> None:
    """Kill our process group (soffice and ourselves): the parent is gone or wants us gone."""
    os.killpg(os.getpgrp(), signal.SIGKILL)


def main() -> int:
    soffice, profile_uri, pipe = sys.argv[1:4]
    start_timeout, stop_timeout = (float(v) for v in (sys.argv[4:6] or ["120", "20"]))
    parent = int(sys.argv[6]) if len(sys.argv) > 6 else os.getppid()
    signal.signal(signal.SIGTERM, end_group)
    die_with_parent(signal.SIGTERM)
    if os.getppid() != parent:  # the parent died before the death signal was armed
        return 3

    import uno  # noqa: F401  (the import sets up pyuno)
    from com.sun.star.beans import PropertyValue

    accept = f"pipe,name={pipe};urp;StarOffice.ComponentContext"
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile_uri}", "--headless", "--invisible",
         "--nologo", "--norestore", "--nodefault", "--nolockcheck", f"--accept={accept}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        preexec_fn=lambda: die_with_parent(signal.SIGKILL))  # single-threaded here: safe
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    deadline = time.monotonic() + start_timeout
    while ctx is None:
        try:
            ctx = resolver.resolve(f"uno:{accept}")
        except Exception:  # noqa: BLE001 - NoConnectException until soffice listens
            if office.poll() is not None or time.monotonic() > deadline:
                print("dead LibreOffice did not start", flush=True)
                return 3
            time.sleep(0.1)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)

    def prop(name, value):
        p = PropertyValue()
        p.Name, p.Value = name, value
        return p

    load_props = (prop("Hidden", True), prop("ReadOnly", True), prop("UpdateDocMode", 0))
    store_props = (prop("FilterName", "writer_pdf_Export"),)
    print("ready", flush=True)
    for line in sys.stdin:
        src, _, out = line.rstrip("\n").partition("\t")
        part = out + ".part"
        doc = None
        try:
            doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0,
                                               load_props)
            if doc is None:
                raise RuntimeError("the document could not be loaded")
            doc.storeToURL(uno.systemPathToFileUrl(part), store_props)
            os.replace(part, out)
            answer = "ok"
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which decides
            if office.poll() is not None or "disposed" in f"{type(exc).__name__} {exc}".lower():
                print(f"dead LibreOffice stopped: {type(exc).__name__}", flush=True)
                return 3
            answer = "err " + (str(exc).splitlines() or [type(exc).__name__])[0][:DETAIL]
        finally:
            if doc is not None:
                try:
                    doc.close(True)
                except Exception:  # noqa: BLE001
                    pass
        print(answer, flush=True)
    try:
        desktop.terminate()
    except Exception:  # noqa: BLE001 - terminate drops the bridge while answering
        pass
    try:
        office.wait(timeout=stop_timeout)
    except subprocess.TimeoutExpired:
        office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
