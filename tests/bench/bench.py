#!/usr/bin/env python3
"""mcrun against runc and crun, in one run, under the same conditions.

Writes build/bench/results.md (medians, ratios, the floors) and
build/bench/chart.png. Usage: python3 tests/bench/bench.py [--runs N] [--quick]

Like with like: crun 1.8 refuses this machine's hybrid cgroup layout, so it
must run in a mount namespace without /sys/fs/cgroup/unified. The whole
bench runs in one such namespace, entered once before anything is timed
(same_ns.cpp re-executes this script): every runtime is called directly,
sees the same mounts and pays nothing per call for it, as on a host whose
cgroup layout crun takes. mcrun's `run` in the host's own mount namespace,
with the cgroup2 mount, is shown beside for reference. Every comparison is
timed round-robin (one run of each runtime per round, the order rotating),
so that this shared VM's drift falls on all three alike; medians. The bundle is `runc spec`'s, unchanged but for
terminal off and the program (/bin/true); the podman-shaped one adds
podman's seccomp profile (containers-common) and cgroup limits.
"""
import argparse, json, os, select, shlex, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "build", "bench")
# Every runtime's state root (--root) lies on a tmpfs, as their defaults do
# on a host (/run/mcrun, /run/runc, /run/crun): on this VM's disk (ext4
# mounted with discard) freeing a removed directory's block waits for the
# device's discard, up to 2.6 ms per delete, the same for all three.
STATE = os.path.join(OUT, "state")
MCRUN = os.path.join(ROOT, "build", "bin", "mcrun")
# Set in the bench's own mount namespace: the path of the host's, held
# by the parent that started it there.
HOST_NS_ENV = "MCRUN_BENCH_HOST_MNT_NS"


def in_bench_namespace(argv):
    """Runs this script again inside the same-ns wrapper (a private mount
    namespace without /sys/fs/cgroup/unified), once for the whole bench;
    this process stays in the host's namespace until it is done."""
    os.makedirs(OUT, exist_ok=True)
    wrap = os.path.join(OUT, "same-ns")
    subprocess.run(["c++", "-O2", "-o", wrap, os.path.join(ROOT, "tests", "bench", "same_ns.cpp")], check=True)
    env = dict(os.environ, **{HOST_NS_ENV: f"/proc/{os.getpid()}/ns/mnt"})
    # The state tmpfs is mounted here, so that the bench's namespace gets a
    # copy of it and the reference run in this one uses the same tmpfs.
    os.makedirs(STATE, exist_ok=True)
    if not os.path.ismount(STATE):
        sh(["mount", "-t", "tmpfs", "-o", "mode=0700", "bench-state", STATE])
    try:
        return subprocess.run([wrap, sys.executable, os.path.abspath(__file__)] + argv, env=env).returncode
    finally:
        sh(["umount", "-l", STATE], check=False)


def sh(cmd, check=True, **kw):
    return subprocess.run(cmd, shell=isinstance(cmd, str), check=check, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def detached(cmd):
    """A detached container keeps its stdio: never give it our pipes."""
    subprocess.run(cmd, shell=True, check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def progress(what):
    print(f"bench: {what}", file=sys.stderr, flush=True)


def podman_seccomp():
    """containers-common's default profile as OCI seccomp, resolved as podman
    resolves it for runc spec's capabilities on amd64: rules that need a
    capability the bundle lacks drop out, those for other arches too."""
    d = json.load(open("/usr/share/containers/seccomp.json"))
    rules = []
    for r in d["syscalls"]:
        inc, exc = r.get("includes") or {}, r.get("excludes") or {}
        if inc.get("caps") or (inc.get("arches") and not {"amd64", "x86_64"} & set(inc["arches"])):
            continue
        if exc.get("arches") and {"amd64", "x86_64"} & set(exc["arches"]):
            continue
        rule = {"names": r["names"], "action": r["action"]}
        if r.get("args"):
            rule["args"] = r["args"]
        if r.get("errnoRet") is not None:
            rule["errnoRet"] = r["errnoRet"]
        rules.append(rule)
    return {"defaultAction": d["defaultAction"], "defaultErrnoRet": d.get("defaultErrnoRet", 1),
            "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"], "syscalls": rules}


def make_bundle(path, args, podman=False):
    rootfs = os.path.join(path, "rootfs")
    os.makedirs(os.path.join(rootfs, "bin"), exist_ok=True)
    for d in ("proc", "sys", "dev", "tmp", "etc"):
        os.makedirs(os.path.join(rootfs, d), exist_ok=True)
    shutil.copy(shutil.which("busybox"), os.path.join(rootfs, "bin", "busybox"))
    for app in ("sh", "true", "sleep", "seq"):
        link = os.path.join(rootfs, "bin", app)
        if not os.path.lexists(link):
            os.symlink("busybox", link)
    if os.path.exists(os.path.join(path, "config.json")):
        os.remove(os.path.join(path, "config.json"))
    sh(["runc", "spec", "--bundle", path])
    cfg = json.load(open(os.path.join(path, "config.json")))
    cfg["process"]["terminal"] = False
    cfg["process"]["args"] = args
    if podman:
        cfg["linux"]["seccomp"] = podman_seccomp()
        cfg["linux"]["resources"] = {"memory": {"limit": 512 << 20}, "pids": {"limit": 2048},
                                     "cpu": {"shares": 1024}, "devices": [{"allow": False, "access": "rwm"}]}
    json.dump(cfg, open(os.path.join(path, "config.json"), "w"), indent=2)
    return rootfs


class Runtime:
    def __init__(self, name, argv):
        self.name, self.argv = name, argv

    def cmd(self, *args):
        return " ".join(self.argv + ["--root", os.path.join(STATE, self.name)] + list(args))


def interleaved(fns, runs, warmup=3, quiet=0.0, primed=True):
    """Median seconds per name of fns {name: callable}, timed round-robin:
    each round runs every one once, in a rotating order, so that the
    machine's drift (a neighbour's load, a slow minute) falls on all alike
    instead of on whichever runtime's turn it was.

    What ran just before a start changes its cost: a runtime that moves its
    init into a cgroup (runc, crun) waits for an RCU grace period unless
    another move happened a moment ago (the kernel's cgroup_threadgroup_rwsem
    stays in its writer-ready state for about a grace period). So each timed
    call follows an untimed call of the same one, as on a node that uses one
    runtime; with quiet > 0 it follows that many seconds of a quiet machine
    instead (a start after a pause, as on a node that starts a pod now and
    then). Batches of many starts (primed=False) are their own warm-up."""
    names = list(fns)
    times = {n: [] for n in names}
    for i in range(warmup + runs):
        k = i % len(names)
        for n in names[k:] + names[:k]:
            if quiet:
                time.sleep(quiet)
            elif primed:
                fns[n]()
            t = time.perf_counter()
            fns[n]()
            if i >= warmup:
                times[n].append(time.perf_counter() - t)
    return {n: statistics.median(v) for n, v in times.items()}


def timed(commands, runs, shell=False, ignore_failure=False, quiet=0.0):
    """Median seconds per command name, interleaved. Without a shell the
    command is split on blanks and started directly (as hyperfine -N)."""
    def start(c):
        argv = ["bash", "-c", c] if shell else shlex.split(c)
        return lambda: subprocess.run(argv, check=not ignore_failure, stdin=subprocess.DEVNULL,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return interleaved({name: start(c) for name, c in commands}, runs, quiet=quiet)


def _comm(pid):
    try:
        return open(f"/proc/{pid}/comm").read().strip()
    except OSError:
        return ""


def _state(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("State:"):
                return line.split()[1]
    except OSError:
        pass
    return "?"


def _rss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def busy_seconds(window=0.0):
    """Seconds every CPU spent busy since boot (/proc/stat); with a window,
    the busy seconds of that many seconds of waiting."""
    def now():
        user, nice, system, _idle, _iowait, irq, softirq = map(int, open("/proc/stat").readline().split()[1:8])
        return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")
    if not window:
        return now()
    b = now()
    time.sleep(window)
    return now() - b


def wall(fn, runs):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--quick", action="store_true", help="fewer runs, for a smoke test")
    opts = ap.parse_args()
    if HOST_NS_ENV not in os.environ:
        return in_bench_namespace(sys.argv[1:])
    run_all(opts)


def run_all(opts):
    runs = 5 if opts.quick else opts.runs
    true_bundle = os.path.join(OUT, "true")
    rootfs = make_bundle(true_bundle, ["/bin/true"])
    podman_bundle = os.path.join(OUT, "podman-true")
    make_bundle(podman_bundle, ["/bin/true"], podman=True)
    sleep_bundle = os.path.join(OUT, "sleep")
    make_bundle(sleep_bundle, ["sleep", "1000"])
    podman_sleep = os.path.join(OUT, "podman-sleep")
    make_bundle(podman_sleep, ["sleep", "1000"], podman=True)
    many_bundle = os.path.join(OUT, "many")
    make_bundle(many_bundle, ["sh", "-c", "for i in $(seq 499); do sleep 1000 & done; exec sleep 1000"])
    # Called directly: this process is already in the bench's namespace.
    rts = [Runtime("mcrun", [MCRUN]), Runtime("runc", ["runc"]), Runtime("crun", ["crun"])]
    # For reference, mcrun on this host as it is (with the cgroup2 mount):
    # through nsenter(1) into the parent's namespace, whose own cost is
    # measured beside it. A preexec_fn calling setns would cost more: it
    # takes Python's fork path (13 ms here) instead of vfork.
    nsenter = ["nsenter", f"--mount={os.environ[HOST_NS_ENV]}"]
    host = Runtime("mcrun-host", nsenter + [MCRUN])
    res = {}

    progress("# (a)")
    # (a) run of /bin/true (runc spec's bundle, and podman-shaped), and the floors.
    cmds = [(r.name, f"{r.cmd('run', '--bundle', true_bundle, 'a-' + r.name)}") for r in rts + [host]]
    cmds.append(("kernel floor", f"unshare --pid --mount --fork --root={rootfs} /bin/true"))
    cmds.append(("nsenter floor", " ".join(nsenter + ["/bin/true"])))
    # One process start: what every CLI call pays before it does anything.
    cmds.append(("process floor", "/bin/true"))
    res["a"] = timed(cmds, runs)
    res["a2"] = timed([(r.name, f"{r.cmd('run', '--bundle', podman_bundle, 'a2-' + r.name)}") for r in rts], runs)
    # (a3) the same run after 0.3 s of a quiet machine.
    res["a3"] = timed([(r.name, f"{r.cmd('run', '--bundle', true_bundle, 'a3-' + r.name)}") for r in rts], runs,
                      quiet=0.3)

    progress("# (b)")
    # (b) create -> start -> wait -> delete.
    def cycle(r):
        i = r.name
        return (f"{r.cmd('create', '--bundle', true_bundle, 'b-' + i)} && {r.cmd('start', 'b-' + i)} && "
                f"while ! {r.cmd('state', 'b-' + i)} | grep -q stopped; do :; done && {r.cmd('delete', 'b-' + i)}")
    res["b"] = timed([(r.name, cycle(r)) for r in rts], runs, shell=True)
    # The same four calls and the same pipe, each reduced to the least it
    # can cost: the kernel's container for create+start, a bare process for
    # state (into grep) and for delete.
    floor = (f"unshare --pid --mount --fork --root={rootfs} /bin/true && /bin/echo stopped | grep -q stopped"
             " && /bin/true")
    res["b"]["floor"] = timed([("floor", floor)], runs, shell=True)["floor"]

    progress("# (c)")
    # (c) 100 containers back to back; (d) 20 created concurrently.
    reps = 3 if not opts.quick else 1
    res["c"] = interleaved({r.name: lambda r=r: sh(" ; ".join(r.cmd("run", "--bundle", true_bundle, f"c{i}")
                                                          for i in range(100))) for r in rts}, reps, warmup=0,
                           primed=False)
    res["d"] = interleaved({r.name: lambda r=r: sh(" ".join(r.cmd("run", "--bundle", true_bundle, f"d{i}") + " &"
                                                    for i in range(20)) + " wait") for r in rts}, reps, warmup=0,
                           primed=False)

    progress("# (e)")
    # (e) exec of /bin/true into a running container (runc spec's, podman-shaped).
    for r in rts:
        detached(r.cmd("run", "-d", "--bundle", sleep_bundle, "e-" + r.name))
        detached(r.cmd("run", "-d", "--bundle", podman_sleep, "e2-" + r.name))
    res["e"] = timed([(r.name, r.cmd("exec", "e-" + r.name, "/bin/true")) for r in rts], runs)
    res["e2"] = timed([(r.name, r.cmd("exec", "e2-" + r.name, "/bin/true")) for r in rts], runs)
    # (j) what a running container leaves resident besides its program: the
    # runtime's processes still alive (and their memory) after run -d.
    res["j"] = {}
    for r in rts:
        pid = json.loads(sh(r.cmd("state", "e-" + r.name)).stdout)["pid"]
        names = ("mcrun", "runc", "crun", "runc:[2:INIT]")
        left = [p for p in os.listdir("/proc") if p.isdigit() and int(p) != pid and
                _comm(p) in names and _state(p) != "Z"]
        res["j"][r.name] = (len(left), sum(_rss_kib(p) for p in left))
    for r in rts:
        sh(r.cmd("delete", "--force", "e-" + r.name), check=False)
        sh(r.cmd("delete", "--force", "e2-" + r.name), check=False)

    progress("# (k)")
    # (k) parallel starts: S streams (cores, 4 x cores), each running its
    # share of T containers back to back; throughput in runs per second.
    total = 40 if opts.quick else 400
    res["k"] = {}
    for streams in (os.cpu_count(), 4 * os.cpu_count()):
        per = total // streams
        res["k"][streams] = {}
        def script(r):
            return " ".join(f"( for i in $(seq {per}); do {r.cmd('run', '--bundle', true_bundle, f'k{s}-$i')}"
                            f" >/dev/null; done ) &" for s in range(streams)) + " wait"
        secs = interleaved({r.name: lambda r=r: sh(["bash", "-c", script(r)]) for r in rts}, reps, warmup=0,
                           primed=False)
        res["k"][streams] = {n: per * streams / t for n, t in secs.items()}

    progress("# (m)")
    # (m) CPU per run: every CPU's busy time (/proc/stat: user, system,
    # interrupts) over 200 runs in 2 streams and the second after them, less
    # what a quiet second costs; so the kernel's deferred work (network namespace
    # cleanup, cgroup release, RCU callbacks in kworkers) counts, which no
    # per-process clock sees. With the cores saturated this is what bounds
    # (k). The floor: the same loops running /bin/true.
    res["m"] = {}
    m_runs = 40 if opts.quick else 200
    def m_script(cmd):
        return " ".join(f"( for i in $(seq {m_runs // 2}); do {cmd(s)} >/dev/null; done ) &"
                        for s in range(2)) + " wait"
    m_cmds = {r.name: (lambda s, r=r: r.cmd("run", "--bundle", true_bundle, f"m{s}-$i")) for r in rts}
    m_cmds["floor"] = lambda s: "/bin/true"
    for _ in range(reps):
        for name, cmd in m_cmds.items():
            time.sleep(1)
            quiet = busy_seconds(1.0)  # per second of waiting
            b0, t0 = busy_seconds(), time.perf_counter()
            sh(["bash", "-c", m_script(cmd)])
            time.sleep(1)
            busy = busy_seconds() - b0 - quiet * (time.perf_counter() - t0)
            res["m"].setdefault(name, []).append(busy / m_runs)
    res["m"] = {n: statistics.median(v) for n, v in res["m"].items()}

    progress("# (l)")
    # (l) the per-start cost with N containers alive on the machine.
    res["l"] = {}
    levels = (1, 10, 100) if opts.quick else (1, 10, 100, 1000)
    for r in rts:
        alive = 0
        res["l"][r.name] = {}
        for level in levels:
            while alive < level:
                detached(r.cmd("run", "-d", "--bundle", sleep_bundle, f"l-{alive}"))
                alive += 1
            # As many rounds as elsewhere: the growth asked about (20%) is
            # within what five rounds on this VM can tell apart.
            res["l"][r.name][level] = timed([("run", r.cmd("run", "--bundle", true_bundle, "l-probe")),
                                                 ("list", r.cmd("list"))], runs)
        for i in range(alive):
            sh(r.cmd("delete", "--force", f"l-{i}"), check=False)

    progress("# (f)")
    # (f) peak RSS of the runtime process (KiB, GNU time).
    res["f"] = {}
    for r in rts:
        rss = []
        for i in range(5):
            p = sh(f"/usr/bin/time -f %M {r.cmd('run', '--bundle', true_bundle, f'f{i}')}")
            rss.append(int(p.stderr.strip().splitlines()[-1]))
        res["f"][r.name] = statistics.median(rss)

    progress("# (g)")
    # (g) kill KILL of a container with 500 processes until all are gone.
    res["g"] = {}
    for r in rts:
        cid = "g-" + r.name
        detached(r.cmd("run", "-d", "--bundle", many_bundle, cid))
        pid = json.loads(sh(r.cmd("state", cid)).stdout)["pid"]
        ns = os.stat(f"/proc/{pid}/ns/pid").st_ino

        def in_ns():
            n = 0
            for p in os.listdir("/proc"):
                if p.isdigit():
                    try:
                        n += os.stat(f"/proc/{p}/ns/pid").st_ino == ns
                    except OSError:
                        pass
            return n
        deadline = time.time() + 30
        while in_ns() < 500 and time.time() < deadline:
            time.sleep(0.05)
        # The init's pidfd turns readable only once the kernel has killed and
        # reaped every other process of its pid namespace: that is "all gone".
        pidfd = os.pidfd_open(pid)
        poller = select.poll()
        poller.register(pidfd, select.POLLIN)
        t = time.perf_counter()
        sh(r.cmd("kill", cid, "KILL"))
        poller.poll(30000)
        elapsed = time.perf_counter() - t
        os.close(pidfd)
        if in_ns() > 1:  # the init itself may stay a zombie until its parent reaps it
            progress(f"(g) {r.name}: processes survived the kill")
        res["g"][r.name] = elapsed
        sh(r.cmd("delete", "--force", cid), check=False)

    progress("# (i)")
    # (i) What protecting the binary costs (CVE-2019-5736): create, run and
    # exec first re-execute mcrun from a sealed view of itself. The same
    # failure (an unknown id) with a verb that seals and one that does not;
    # and the memfd copy that is used where overlayfs cannot be.
    missing = "no-such-container"
    res["i"] = timed([("unsealed", f"{MCRUN} --root {STATE}/i state {missing}"),
                          ("sealed", f"{MCRUN} --root {STATE}/i exec {missing} true"),
                          ("sealed, memfd copy", f"env MCRUN_TEST_SEAL=memfd {MCRUN} --root {STATE}/i exec {missing} true")],
                         runs, ignore_failure=True)

    progress("# (h)")
    # (h) mcrun convert with N volumes (absolute host paths, image rootfs).
    res["h"] = {}
    src = os.path.join(OUT, "volume-src")
    os.makedirs(src, exist_ok=True)
    for n in (10, 1000, 10000, 100000):
        info = os.path.join(OUT, f"info-{n}.json")
        json.dump({"type": "MESOS", "volumes": [{"host_path": src, "container_path": f"/v/{i}", "mode": "RO"}
                                                for i in range(n)]}, open(info, "w"))
        cmd = [MCRUN, "convert", "--container-info", info, "--rootfs", rootfs, "--work-dir",
               os.path.join(OUT, "sandbox"), "--bundle", os.path.join(OUT, f"conv-{n}"), "--", "true"]
        res["h"][n] = wall(lambda cmd=cmd: subprocess.run(cmd, check=True), 3)

    report(res, rts)


def report(res, rts):
    ms = lambda s: f"{s * 1000:.1f} ms"
    names = [r.name for r in rts]
    lines = [f"Machine: {os.cpu_count()} cores, kernel {os.uname().release}. All three runtimes run directly in "
             "one private mount namespace without the cgroup2 mount, entered once, with their state roots on one "
             "tmpfs (see tests/bench/bench.py). "
             "Versions: "
             + "; ".join(sh(c).stdout.splitlines()[0] for c in (f"{MCRUN} --version", "runc --version", "crun --version")),
             "", "| benchmark | mcrun | runc | crun | mcrun/runc | mcrun/crun | floor |", "|---|---|---|---|---|---|---|"]
    def row(label, d, fmt, floor=""):
        m, r, c = d["mcrun"], d["runc"], d["crun"]
        lines.append(f"| {label} | {fmt(m)} | {fmt(r)} | {fmt(c)} | {m / r:.2f} | {m / c:.2f} | {floor} |")
    row("(a) run /bin/true", res["a"], ms, f"kernel {ms(res['a']['kernel floor'])}; mcrun in the host's mount namespace (cgroup2 mount "
        f"too) {ms(res['a']['mcrun-host'])} by nsenter, nsenter alone {ms(res['a']['nsenter floor'])}")
    row("(a2) run, podman-shaped", res["a2"], ms)
    row("(a3) run /bin/true, 0.3 s after the last start", res["a3"], ms)
    row("(b) create+start+wait+delete", res["b"], ms, f"same calls, least work {ms(res['b']['floor'])}")
    row("(c) 100 runs back to back", res["c"], lambda s: f"{s:.2f} s")
    row("(d) 20 concurrent runs", res["d"], lambda s: f"{s:.2f} s")
    row("(e) exec /bin/true", res["e"], ms, f"process {ms(res['a']['process floor'])}")
    row("(e2) exec, podman-shaped", res["e2"], ms)
    for streams, d in res["k"].items():
        row(f"(k) runs/s, {streams} streams", d, lambda v: f"{v:.0f}/s")
    row("(m) CPU per run, 2 streams, all CPUs", res["m"], ms, f"loop {ms(res['m']['floor'])}")
    for level in next(iter(res["l"].values())):
        row(f"(l) run with {level} alive", {n: res["l"][n][level]["run"] for n in names}, ms)
        row(f"(l) list with {level} alive", {n: res["l"][n][level]["list"] for n in names}, ms)

    row("(f) peak RSS", res["f"], lambda k: f"{k / 1024:.1f} MiB")
    row("(g) kill 500 processes", res["g"], ms)
    lines += ["", "| (h) mcrun convert | " + " | ".join(f"{n} volumes" for n in res["h"]) + " |",
              "|---|" + "---|" * len(res["h"]), "| time | " + " | ".join(ms(t) for t in res["h"].values()) + " |"]
    lines += ["", "(j) runtime processes left running per container after `run -d`: " +
              ", ".join(f"{n} {res['j'][n][0]} ({res['j'][n][1]} KiB)" for n in names) +
              " — the container's init is its program; nothing of the runtime stays resident."]
    i = res["i"]
    lines += ["", f"(i) the sealed binary (CVE-2019-5736), mcrun alone: a verb that seals then fails "
              f"{ms(i['sealed'])}, the same failure unsealed {ms(i['unsealed'])}: "
              f"+{ms(i['sealed'] - i['unsealed'])} per create, run or exec "
              f"(+{ms(i['sealed, memfd copy'] - i['unsealed'])} with the memfd copy)"]
    text = "\n".join(lines) + "\n"
    open(os.path.join(OUT, "results.md"), "w").write(text)
    print(text)
    data = os.path.join(OUT, "chart.dat")
    with open(data, "w") as f:
        for key, label in (("a", "run"), ("b", "cycle"), ("e", "exec")):
            f.write(f'"{label}" ' + " ".join(f"{res[key][n] * 1000:.2f}" for n in names) + "\n")
    if shutil.which("gnuplot"):
        sh(["gnuplot", "-e", f"set terminal png size 800,450; set output '{OUT}/chart.png'; set style data histograms;"
            f" set style fill solid; set ylabel 'ms (median)'; set title 'mcrun vs runc vs crun';"
            f" plot '{data}' using 2:xtic(1) title 'mcrun', '' using 3 title 'runc', '' using 4 title 'crun'"])


if __name__ == "__main__":
    sys.exit(main())
