"""A warm LibreOffice worker, run by a Python that has the ``uno`` module (Debian's python3-uno).

Not imported by pipdocs: ``pipdocs.conversion.pool`` starts it as a child process. It starts
soffice with its own profile, listening on a private pipe, and prints ``ready`` once soffice
answers. Then it converts one document per input line (``IN<TAB>OUT``), answering ``ok`` or
``err <reason>``; if soffice dies it answers ``dead <reason>`` and exits with status 3 (the
parent restarts it). On end of input it shuts soffice down. Standard library and uno only: it
runs outside the pipdocs virtualenv.
"""

import os
import subprocess
import sys
import time


def main() -> int:
    import uno  # noqa: F401  (the import sets up pyuno)
    from com.sun.star.beans import PropertyValue

    soffice, profile_uri, pipe = sys.argv[1:4]
    accept = f"pipe,name={pipe};urp;StarOffice.ComponentContext"
    office = subprocess.Popen(
        [soffice, f"-env:UserInstallation={profile_uri}", "--headless", "--invisible",
         "--nologo", "--norestore", "--nodefault", "--nolockcheck", f"--accept={accept}"],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    ctx = None
    deadline = time.monotonic() + 120
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
            answer = "err " + (str(exc).splitlines() or [type(exc).__name__])[0][:200]
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
        office.wait(timeout=20)
    except subprocess.TimeoutExpired:
        office.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
