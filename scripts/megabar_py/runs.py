"""Finding and running megabar (and other programs) from the scripts, and reading what an MD run logs."""
import os
import re
import signal
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# One data row of md.log (and of megabar's md progress lines): step time_fs E_pot_Ha E_kin_Ha E_conserved_Ha
# drift_Ha/at T_K P_GPa V_A^3 scf s/step ETA.
MD_ROW = re.compile(r"^\s*(\d+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)"
                    r"\s+(\d+)\s+([\d.]+)\s+(\S+)\s*$")


def md_row(line):
    """The values of one md.log data row as a dict (step, time_fs, E_pot, E_kin, E_cons, T, scf, s_step), or
    None for a header, comment or other line."""
    if line.startswith("#"):
        return None
    m = MD_ROW.match(line)
    if not m:
        return None
    g = m.groups()
    return dict(step=int(g[0]), time_fs=float(g[1]), E_pot=float(g[2]), E_kin=float(g[3]),
                E_cons=float(g[4]), T=float(g[6]), scf=int(g[9]), s_step=float(g[10]))


def parse_md_log(text):
    """The data rows of an md.log (see md_row), in file order."""
    return [r for r in (md_row(line) for line in text.splitlines()) if r is not None]


def ensure_megabar(prog, explicit=None):
    """(executable, None), or (None, why not): explicit if given, else build/megabar of this repository, built
    with scripts/build when missing."""
    if explicit:
        exe = os.path.abspath(explicit)
        return (exe, None) if os.access(exe, os.X_OK) else (None, f"--megabar {explicit}: not an executable")
    exe = os.path.join(ROOT, "build", "megabar")
    if os.path.isfile(exe) and os.access(exe, os.X_OK):
        return exe, None
    build = os.path.join(ROOT, "scripts", "build")
    if not os.path.isfile(build):
        return None, "build/megabar is missing and there is no scripts/build to make it"
    print(f"{prog}: build/megabar missing, running {build} ...", flush=True)
    rc = subprocess.run([build], cwd=ROOT).returncode
    if rc != 0:
        return None, f"scripts/build failed (exit {rc})"
    if not os.access(exe, os.X_OK):
        return None, "scripts/build succeeded but build/megabar still does not exist"
    return exe, None


def timed(cmd, cwd, env, stdout_path):
    """Runs cmd with stdout+stderr into stdout_path; returns (exit status, wall seconds)."""
    t0 = time.perf_counter()
    with open(stdout_path, "w") as out:
        rc = subprocess.run(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT).returncode
    return rc, time.perf_counter() - t0


def run_logged(cmd, cwd, env, log_path, watch=None):
    """Runs cmd with stdout+stderr into log_path, calling watch(line, seconds since start) for every line.
    watch returning True stops the run (SIGTERM to the process group started here). Returns (rc, wall)."""
    t0 = time.perf_counter()
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, bufsize=1, errors="replace", start_new_session=True)
        stopped = False
        try:
            for line in proc.stdout:
                log.write(line)
                if watch is not None and watch(line, time.perf_counter() - t0):
                    stopped = True
                    break
        finally:
            if proc.poll() is None and (stopped or sys.exc_info()[0] is not None):
                try:
                    os.killpg(proc.pid, signal.SIGTERM)  # proc.pid leads the session started above
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            rc = proc.wait()
            proc.stdout.close()
    return rc, time.perf_counter() - t0


def fmt(x, spec):
    """format(x, spec), '-' for None."""
    return "-" if x is None else format(x, spec)


def cpu_model():
    """'MODEL NAME (N logical CPUs)' from /proc/cpuinfo: timings depend on it (Intel and AMD machines of one
    class differ), so every benchmark prints it."""
    name = None
    try:
        for line in open("/proc/cpuinfo"):
            if line.lower().startswith("model name"):
                name = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    if not name:
        import platform
        name = platform.processor() or platform.machine() or "unknown CPU"
    return f"{name} ({os.cpu_count()} logical CPUs)"


def busy_warning(seconds=1.0):
    """A warning line when other programs keep the CPUs busy (more than a quarter of their time over `seconds`,
    from /proc/stat), else None. A benchmark measured beside them is not a timing: with OpenMP's default wait
    policy two programs spinning on the same cores slow each other down many times over."""
    import time

    def times():
        with open("/proc/stat") as f:
            v = [float(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + (v[4] if len(v) > 4 else 0.0)  # total, idle + iowait

    try:
        t0, i0 = times()
        time.sleep(seconds)
        t1, i1 = times()
    except (OSError, ValueError, IndexError):
        return None
    busy = 1.0 - (i1 - i0) / max(t1 - t0, 1e-9)
    if busy <= 0.25:
        return None
    return (f"warning: the CPUs were {100 * busy:.0f} % busy before the benchmark started: other programs are "
            f"running, so these timings will not be those of an idle machine")


def median(values):
    """The median of the numbers (the mean of the middle two for an even count); None for none."""
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    k = len(v) // 2
    return v[k] if len(v) % 2 else 0.5 * (v[k - 1] + v[k])
