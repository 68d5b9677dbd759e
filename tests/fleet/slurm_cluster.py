"""A throw-away single-node Slurm cluster under a scratch directory (../shared/notes/local-slurm.md).

Own munge key and socket, free ports, nothing in /etc. The daemons run in the foreground as our
children; stop() cancels every job first, then signals only the pids it started whose
/proc/PID/comm still names the daemon, in parallel, and waits for them.
"""
import os
import signal
import socket
import subprocess
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def node_line(hostname):
    out = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout
    fields = dict(w.split("=", 1) for w in out.split("\n")[0].split() if "=" in w)
    memory = int(int(fields.get("RealMemory", "1000")) * 0.9)
    keep = ["CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore"]
    return (f"NodeName={hostname} NodeAddr=127.0.0.1 " + " ".join(f"{k}={fields[k]}" for k in keep if k in fields)
            + f" RealMemory={memory} State=UNKNOWN")


class SlurmCluster:
    def __init__(self, scratch):
        self.dir = scratch
        self.host = socket.gethostname()
        self.procs = {}  # comm name -> Popen
        self.env = dict(os.environ, SLURM_CONF=os.path.join(scratch, "slurm.conf"))

    def path(self, *parts):
        return os.path.join(self.dir, *parts)

    def write_config(self):
        for d in ("state", "spool", "munge", "log"):
            os.makedirs(self.path(d), exist_ok=True)
        os.chmod(self.path("munge"), 0o755)  # munged refuses a 0700 socket directory
        with open(self.path("munge.key"), "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(self.path("munge.key"), 0o600)
        conf = f"""ClusterName=detaudit-test
SlurmctldHost={self.host}(127.0.0.1)
SlurmctldPort={free_port()}
SlurmdPort={free_port()}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={self.path('munge', 'munge.socket')}
StateSaveLocation={self.path('state')}
SlurmdSpoolDir={self.path('spool')}
SlurmctldPidFile={self.path('slurmctld.pid')}
SlurmdPidFile={self.path('slurmd.pid')}
SlurmctldLogFile={self.path('log', 'slurmctld.log')}
SlurmdLogFile={self.path('log', 'slurmd.log')}
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
ReturnToService=2
SchedulerParameters=batch_sched_delay=0
MinJobAge=5
{node_line(self.host)}
PartitionName=test Nodes={self.host} Default=YES MaxTime=INFINITE State=UP
"""
        with open(self.path("slurm.conf"), "w") as f:
            f.write(conf)

    def spawn(self, comm, argv):
        log = open(self.path("log", comm + ".out"), "w")
        self.procs[comm] = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, env=self.env,
                                            start_new_session=True)

    def start(self):
        self.write_config()
        self.spawn("munged", ["munged", "-F", "--force", f"--key-file={self.path('munge.key')}",
                              f"--socket={self.path('munge', 'munge.socket')}", f"--pid-file={self.path('munged.pid')}",
                              f"--log-file={self.path('log', 'munged.log')}", f"--seed-file={self.path('munge.seed')}"])
        deadline = time.time() + 10
        while not os.path.exists(self.path("munge", "munge.socket")):
            self.check_alive()
            if time.time() > deadline:
                raise RuntimeError("munged did not create its socket; see " + self.path("log"))
            time.sleep(0.05)
        self.spawn("slurmctld", ["slurmctld", "-D", "-i", "-f", self.path("slurm.conf")])
        self.spawn("slurmd", ["slurmd", "-D", "-N", self.host, "-f", self.path("slurm.conf")])
        # A probe job absorbs the first scheduling delay and proves authentication and launch.
        probe = self.sbatch(["--wait", "--output", self.path("probe.out"), "--wrap", "true"], timeout=60)
        if probe.returncode != 0:
            raise RuntimeError("probe job failed: " + probe.stderr.strip() + "; see " + self.path("log"))

    def check_alive(self):
        for comm, p in self.procs.items():
            if p.poll() is not None:
                raise RuntimeError(f"{comm} exited with {p.returncode}; see {self.path('log', comm + '.out')}")

    def sbatch(self, args, timeout=300, cwd=None):
        deadline = time.time() + 15
        while True:  # slurmctld may still be starting: retry a refused connection briefly
            r = subprocess.run(["sbatch"] + args, capture_output=True, text=True, env=self.env, timeout=timeout,
                               cwd=cwd or self.dir)
            if r.returncode == 0 or "onnect" not in r.stderr or time.time() > deadline:
                return r
            time.sleep(0.3)

    def stop(self):
        if not self.procs:
            return
        if self.procs.get("slurmctld") and self.procs["slurmctld"].poll() is None:
            subprocess.run(["scancel", "--full", "--user", "root"], env=self.env, capture_output=True, timeout=30)
        for comm, p in self.procs.items():
            if p.poll() is None and own_daemon(p.pid, comm):
                p.send_signal(signal.SIGTERM)
        for comm, p in self.procs.items():
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                if own_daemon(p.pid, comm):
                    p.kill()
                p.wait(timeout=5)
        self.procs = {}


def own_daemon(pid, comm):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip() == comm
    except OSError:
        return False
