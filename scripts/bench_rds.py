#!/usr/bin/env python3
"""RDS benchmark: CreateDBInstance to `available`, the Kerberos story end to end, logins per
second (password, Kerberos, IAM token) under pgbench, and what 20 instances at once cost
(processes, RSS). Run by `make bench`.

Everything runs on loopback against a Kerbside this script starts (in a fresh data dir) and
stops by its pid; every wait has a deadline and every loop a count. Results print as Markdown
for docs/performance.md."""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import free_port, wait_until  # noqa: E402

# The server's own pgbench (Kerbside runs the newest /usr/lib/postgresql/<major>); 15 on Debian 12.
PGBENCH = max(Path("/usr/lib/postgresql").glob("*/bin/pgbench"), key=lambda p: int(p.parts[-3]),
              default=Path("/usr/lib/postgresql/15/bin/pgbench"))
MASTER_USER, MASTER_PASSWORD = "postgres", "Master-Pass-123"
ADMIN_PASSWORD = "Sup3r-Secret-Pass!"
ALICE_PASSWORD = "Wonder-Land-42"
DIRECTORY_ACCESS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"
RDS_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"Service": ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]}}]})
POLL = 0.003          # DescribeDBInstances / DescribeDirectories every 3 ms
WAIT_LIMIT = 60.0     # no single wait may take longer than this
PGBENCH_SECONDS = 5


# --- Kerbside and its clients -----------------------------------------------------------------

class Kerbside:
    """Our own server in a fresh data dir the `postgres` user can pass through (Kerbside runs as
    root and drops PostgreSQL to `postgres`, so 0700 folders would stop the servers)."""

    def __init__(self, binary):
        self.port = free_port()
        self.data = Path(tempfile.mkdtemp(prefix="kerbside-bench-rds-", dir="/tmp"))
        self.data.chmod(0o711)
        self.work = self.data / "client"       # krb5.conf, CA bundle, caches, pgbench script
        self.work.mkdir()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([binary, "serve", "--port", str(self.port), "--data-dir", str(self.data),
                                         "--log-level", "warning"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_until(f"{self.endpoint}/_kerbside/health", 10):
            self.stop()
            sys.exit("Kerbside did not start")

    def client(self, service, key="test", secret="test"):
        return boto3.client(service, endpoint_url=self.endpoint, region_name="us-east-1", aws_access_key_id=key,
                            aws_secret_access_key=secret, config=Config(retries={"total_max_attempts": 1}))

    def get(self, route):
        with urllib.request.urlopen(f"{self.endpoint}/_kerbside/{route}", timeout=10) as response:
            return response.read()

    def reset(self):
        request = urllib.request.Request(f"{self.endpoint}/_kerbside/reset", method="POST")
        with urllib.request.urlopen(request, timeout=300) as response:
            response.read()

    def stop(self):
        """SIGTERM by pid (Kerbside stops its PostgreSQL servers and KDCs), then checks that
        nothing started under our data dir outlived it, and removes the data dir."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
        leftovers = [pid for pid in all_pids() if str(self.data) in cmdline(pid)]
        for pid in leftovers:
            try:
                os.kill(pid, signal.SIGTERM)
            except OSError:
                pass
        if leftovers:
            print(f"\nwarning: {len(leftovers)} processes outlived Kerbside and were sent SIGTERM: {leftovers}", file=sys.stderr)
            time.sleep(1)
        shutil.rmtree(self.data, ignore_errors=True)


# --- processes and memory, from /proc ---------------------------------------------------------

def all_pids():
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def parent_of(pid):
    try:
        # The command name (field 2) may hold spaces; the parent pid is the second field after it.
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def children(pid):
    return [child for child in all_pids() if parent_of(child) == pid]


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def pss_mb(pid):
    """Proportional set size: shared pages (PostgreSQL's shared buffers, the binary) split among
    the processes that map them, so a sum over processes does not count them many times."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid):
    """User + system CPU time of one process so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu():
    """(busy, total) CPU seconds of the whole machine, from /proc/stat's first line."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]   # idle + iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), sum(values) / os.sysconf("SC_CLK_TCK")


def load_average():
    return Path("/proc/loadavg").read_text().split()[0]


def postmasters(server_pid):
    """Kerbside's PostgreSQL servers: its direct children running `postgres` (setpriv execs in place)."""
    return [pid for pid in children(server_pid) if cmdline(pid).split(" ")[0].endswith("/postgres")]


def postmaster_of(server_pid, resource_id):
    for pid in postmasters(server_pid):
        if resource_id in cmdline(pid):
            return pid
    sys.exit(f"no postmaster found for {resource_id}")


# --- RDS steps --------------------------------------------------------------------------------

def create_instance(rds, identifier, **extra):
    return rds.create_db_instance(DBInstanceIdentifier=identifier, Engine="postgres", DBInstanceClass="db.t3.micro",
                                  AllocatedStorage=20, MasterUsername=MASTER_USER, MasterUserPassword=MASTER_PASSWORD,
                                  **extra)["DBInstance"]


def ready(instance, kerberos):
    if instance["DBInstanceStatus"] == "failed":
        sys.exit(f"{instance['DBInstanceIdentifier']} failed: {instance.get('StatusInfos') or instance}")
    if instance["DBInstanceStatus"] != "available":
        return False
    return not kerberos or (instance["DomainMemberships"] or [{}])[0].get("Status") == "kerberos-enabled"


def wait_available(rds, identifier, kerberos=False):
    deadline = time.monotonic() + WAIT_LIMIT
    while time.monotonic() < deadline:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        if ready(instance, kerberos):
            return instance
        time.sleep(POLL)
    sys.exit(f"{identifier} was not available within {WAIT_LIMIT:.0f}s")


def timed_instance(rds, identifier):
    """(API answer ms, to-available ms) for a plain instance."""
    started = time.monotonic()
    create_instance(rds, identifier)
    answered = time.monotonic()
    wait_available(rds, identifier)
    return (answered - started) * 1000, (time.monotonic() - started) * 1000


def create_directory(ds, ec2, name):
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    by_zone = {}
    for subnet in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]:
        by_zone.setdefault(subnet["AvailabilityZone"], subnet["SubnetId"])
    directory_id = ds.create_microsoft_ad(Name=name, Password=ADMIN_PASSWORD, Edition="Standard",
                                          VpcSettings={"VpcId": vpc, "SubnetIds": sorted(by_zone.values())[:2]})["DirectoryId"]
    deadline = time.monotonic() + WAIT_LIMIT
    while ds.describe_directories(DirectoryIds=[directory_id])["DirectoryDescriptions"][0]["Stage"] != "Active":
        if time.monotonic() > deadline:
            sys.exit(f"{directory_id} did not become Active")
        time.sleep(POLL)
    return directory_id


def directory_user(ds, dsdata, directory_id, name, password):
    ds.enable_directory_data_access(DirectoryId=directory_id)
    dsdata.create_user(DirectoryId=directory_id, SAMAccountName=name)
    ds.reset_user_password(DirectoryId=directory_id, UserName=name, NewPassword=password)


# --- clients: psql, kinit, pgbench ------------------------------------------------------------

class Clients:
    """libpq and MIT Kerberos as a user runs them: Kerbside's CA and krb5.conf fetched fresh
    (a new instance adds its endpoint to both), the endpoint as host, its loopback address as hostaddr."""

    def __init__(self, kerbside):
        self.kerbside = kerbside
        self.ca = kerbside.work / "ca.pem"
        self.krb5 = kerbside.work / "krb5.conf"

    def refresh(self):
        self.ca.write_bytes(self.kerbside.get("ca.pem"))
        self.krb5.write_bytes(self.kerbside.get("krb5.conf"))
        lines = self.kerbside.get("hosts").decode().splitlines()
        self.hosts = {name: address for address, name in (line.split() for line in lines if line.strip())}

    def conninfo(self, instance, user):
        endpoint = instance["Endpoint"]
        return (f"host={endpoint['Address']} hostaddr={self.hosts[endpoint['Address']]} port={endpoint['Port']} "
                f"dbname=postgres user='{user}' sslmode=verify-full sslrootcert={self.ca} gssencmode=disable connect_timeout=10")

    def environment(self, cache=None, password=None):
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KRB5_CONFIG": str(self.krb5), "PGPASSFILE": "/dev/null",
               "HOME": str(self.kerbside.work),
               "KRB5CCNAME": f"FILE:{self.kerbside.work / ('cc-' + (cache or 'none'))}"}
        if password is not None:
            env["PGPASSWORD"] = password
        return env

    def psql(self, instance, user, sql, cache=None, password=None):
        done = subprocess.run(["psql", self.conninfo(instance, user), "-X", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", "-c", sql],
                              capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
                              env=self.environment(cache, password))
        if done.returncode != 0:
            sys.exit(f"psql as {user} failed: {done.stderr}")
        return done.stdout.strip()

    def kinit(self, principal, password, cache):
        done = subprocess.run(["kinit", principal], input=password + "\n", capture_output=True, text=True, timeout=20,
                              env=self.environment(cache))
        if done.returncode != 0:
            sys.exit(f"kinit {principal} failed: {done.stderr}")

    def pgbench(self, instance, user, cache=None, password=None):
        """Connections per second: -C opens a new connection (TLS, authentication) for every
        `SELECT 1`, so the figure is logins per second, not query throughput."""
        script = self.kerbside.work / "select1.sql"
        script.write_text("SELECT 1;\n")
        # CPU of Kerbside (it checks every IAM token) and of the machine, around the run: on 2
        # cores pgbench, PostgreSQL's forked backends and Kerbside share the same CPUs.
        kerbside_before, (busy_before, total_before) = cpu_seconds(self.kerbside.process.pid), machine_cpu()
        done = subprocess.run([str(PGBENCH), "-n", "-C", "-c", "8", "-j", "2", "-T", str(PGBENCH_SECONDS), "-f", str(script),
                               self.conninfo(instance, user)],
                              capture_output=True, text=True, timeout=PGBENCH_SECONDS + 60, stdin=subprocess.DEVNULL,
                              env=self.environment(cache, password))
        kerbside_cpu = cpu_seconds(self.kerbside.process.pid) - kerbside_before
        busy_after, total_after = machine_cpu()
        tps = re.search(r"^tps = ([\d.]+)", done.stdout, re.M)
        count = re.search(r"^number of transactions actually processed: (\d+)", done.stdout, re.M)
        latency = re.search(r"^latency average = ([\d.]+) ms", done.stdout, re.M)
        connect = re.search(r"^average connection time = ([\d.]+) ms", done.stdout, re.M)
        failed = re.search(r"number of failed transactions: (\d+)", done.stdout)
        if done.returncode != 0 or not tps or (failed and int(failed.group(1)) > 0):
            print(f"\npgbench as {user} failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}", file=sys.stderr)
            return None
        logins = int(count.group(1)) if count else 0
        return {"tps": float(tps.group(1)), "latency": float(latency.group(1)) if latency else None,
                "connect": float(connect.group(1)) if connect else None,
                "kerbside_ms": kerbside_cpu * 1000 / max(logins, 1),
                "busy": 100 * (busy_after - busy_before) / max(total_after - total_before, 1e-9)}


# --- the measurements -------------------------------------------------------------------------

def measure_create(rds, count):
    """The first instance also builds the template data dir (initdb), so it is reported apart."""
    first = timed_instance(rds, "first")
    rest = [timed_instance(rds, f"plain{index}") for index in range(count)]
    return first, rest


def kerberos_story(kerbside, clients, realm, directory_id, tag):
    """The six steps of the RDS Kerberos story, as a user would run them, with the directory and
    its user already there. Returns the elapsed ms of each step (in order) and the instance."""
    iam, rds = kerbside.client("iam"), kerbside.client("rds")
    steps = Steps()
    role = f"rds-kerberos-{tag}"
    iam.create_role(RoleName=role, AssumeRolePolicyDocument=RDS_TRUST)
    steps.done("create-role")
    iam.attach_role_policy(RoleName=role, PolicyArn=DIRECTORY_ACCESS_POLICY)
    steps.done("attach-role-policy")
    create_instance(rds, f"story-{tag}", Domain=directory_id, DomainIAMRoleName=role)
    steps.done("create-db-instance (answer)")
    instance = wait_available(rds, f"story-{tag}", kerberos=True)
    steps.done("… until available + kerberos-enabled")
    clients.refresh()
    alice = f"alice@{realm}"
    clients.psql(instance, MASTER_USER, f'CREATE USER "{alice}" WITH LOGIN; GRANT rds_ad TO "{alice}";', password=MASTER_PASSWORD)
    steps.done("psql as master: CREATE USER (with CA, krb5.conf, hosts fetched)")
    clients.kinit(alice, ALICE_PASSWORD, cache=f"story-{tag}")
    steps.done("kinit alice")
    who = clients.psql(instance, alice, "SELECT gss_authenticated FROM pg_stat_gssapi WHERE pid = pg_backend_pid()", cache=f"story-{tag}")
    steps.done("psql as alice over GSSAPI")
    if who != "t":
        sys.exit(f"alice's login was not GSSAPI-authenticated: {who!r}")
    return steps.elapsed, instance


class Steps:
    """Elapsed ms of consecutive steps, by name, in the order they ran."""

    def __init__(self):
        self.elapsed = {}
        self.last = time.monotonic()

    def done(self, name):
        now = time.monotonic()
        self.elapsed[name] = (now - self.last) * 1000
        self.last = now


def full_story(kerbside, clients, index):
    """The story from nothing: the directory and its user are part of the time."""
    ds, dsdata, ec2 = kerbside.client("ds"), kerbside.client("ds-data"), kerbside.client("ec2")
    realm = f"FULL{index}.EXAMPLE.COM"
    started = time.monotonic()
    directory_id = create_directory(ds, ec2, realm.lower())
    directory_user(ds, dsdata, directory_id, "alice", ALICE_PASSWORD)
    directory_ms = (time.monotonic() - started) * 1000
    steps, _ = kerberos_story(kerbside, clients, realm, directory_id, f"full{index}")
    return directory_ms + sum(steps.values()), directory_ms


def measure_logins(kerbside, clients, realm, directory_id):
    """One instance that takes all three kinds of login; pgbench against each in turn."""
    iam, rds = kerbside.client("iam"), kerbside.client("rds")
    iam.create_role(RoleName="rds-kerberos-load", AssumeRolePolicyDocument=RDS_TRUST)
    iam.attach_role_policy(RoleName="rds-kerberos-load", PolicyArn=DIRECTORY_ACCESS_POLICY)
    create_instance(rds, "load", Domain=directory_id, DomainIAMRoleName="rds-kerberos-load", EnableIAMDatabaseAuthentication=True)
    instance = wait_available(rds, "load", kerberos=True)
    clients.refresh()
    alice = f"alice@{realm}"
    clients.psql(instance, MASTER_USER, f'CREATE USER "{alice}" WITH LOGIN; GRANT rds_ad TO "{alice}"; '
                 "CREATE USER iamuser; GRANT rds_iam TO iamuser;", password=MASTER_PASSWORD)

    # A user Kerbside issued a key to (tokens signed with the unchecked `test` key prove nothing).
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect",
                         "Resource": f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{instance['DbiResourceId']}/iamuser"}]})
    iam.create_user(UserName="app")
    iam.put_user_policy(UserName="app", PolicyName="connect", PolicyDocument=policy)
    key = iam.create_access_key(UserName="app")["AccessKey"]
    endpoint = instance["Endpoint"]
    token = kerbside.client("rds", key["AccessKeyId"], key["SecretAccessKey"]).generate_db_auth_token(
        DBHostname=endpoint["Address"], Port=endpoint["Port"], DBUsername="iamuser", Region="us-east-1")
    clients.kinit(alice, ALICE_PASSWORD, cache="load")   # pgbench's connections share this ticket cache

    return instance, {
        "password (SCRAM)": clients.pgbench(instance, MASTER_USER, password=MASTER_PASSWORD),
        "Kerberos (GSSAPI)": clients.pgbench(instance, alice, cache="load"),
        "IAM token": clients.pgbench(instance, "iamuser", password=token),
    }


def instance_memory(server_pid, instance):
    """An idle instance: its postmaster and the background processes it forked."""
    postmaster = postmaster_of(server_pid, instance["DbiResourceId"])
    family = [postmaster] + children(postmaster)
    return {"processes": len(family), "rss": sum(map(rss_mb, family)), "pss": sum(map(pss_mb, family)),
            "postmaster": rss_mb(postmaster)}


def measure_twenty(kerbside, count=20):
    """After a reset (no instances, no realms; the template survives): `count` CreateDBInstance
    calls back to back, then wait until every one is available. Kerbside provisions them concurrently."""
    kerbside.reset()
    rds = kerbside.client("rds")
    started = time.monotonic()
    for index in range(count):
        create_instance(rds, f"many{index}")
    deadline = time.monotonic() + WAIT_LIMIT * 2
    while time.monotonic() < deadline:
        instances = rds.describe_db_instances(MaxRecords=100)["DBInstances"]
        if len(instances) == count and all(ready(instance, False) for instance in instances):
            break
        time.sleep(POLL)
    else:
        sys.exit(f"{count} instances were not available in time")
    elapsed = (time.monotonic() - started) * 1000
    time.sleep(1)   # let each server's start-up backends settle before reading memory
    family = [pid for postmaster in postmasters(kerbside.process.pid) for pid in [postmaster] + children(postmaster)]
    return {"ms": elapsed, "postmasters": len(postmasters(kerbside.process.pid)), "processes": len(family),
            "postgres_rss": sum(map(rss_mb, family)), "postgres_pss": sum(map(pss_mb, family)),
            "kerbside_rss": rss_mb(kerbside.process.pid)}


# --- report -----------------------------------------------------------------------------------

def report(first, plain, story_steps, full, logins, memory, twenty, load):
    stories = [sum(steps.values()) for steps in story_steps]
    answered = [t[0] for t in plain]
    available = [t[1] for t in plain]
    print(f"\n## RDS (release build, {os.cpu_count()} cores; load average {load} before the run, "
          f"{load_average()} after)\n")
    print("| Measure | Median | Max | Target |")
    print("|---|---:|---:|---:|")
    print(f"| CreateDBInstance answered | {statistics.median(answered):.0f} ms | {max(answered):.0f} ms | |")
    print(f"| CreateDBInstance → available ({len(plain)} instances) | {statistics.median(available):.0f} ms | "
          f"{max(available):.0f} ms | < 500 ms |")
    print(f"| First instance → available (builds the template: initdb) | {first[1]:.0f} ms | | |")
    print(f"| Kerberos story, directory ready ({len(stories)} runs) | {statistics.median(stories):.0f} ms | "
          f"{max(stories):.0f} ms | < 1.5 s |")
    print(f"| Kerberos story with CreateMicrosoftAD → Active and the user ({len(full)} runs) | "
          f"{statistics.median(t[0] for t in full):.0f} ms | {max(t[0] for t in full):.0f} ms | |")
    print(f"| … of which the directory and its user | {statistics.median(t[1] for t in full):.0f} ms | "
          f"{max(t[1] for t in full):.0f} ms | |")

    print(f"\n| Story step (directory ready, {len(story_steps)} runs) | Median ms | Max ms |")
    print("|---|---:|---:|")
    for name in story_steps[0]:
        values = [steps[name] for steps in story_steps]
        print(f"| {name} | {statistics.median(values):.0f} | {max(values):.0f} |")

    print(f"\n| Login (pgbench -C -c 8 -j 2 -T {PGBENCH_SECONDS}, verify-full TLS) | Logins/s | Latency ms | "
          "Connect ms | Kerbside CPU ms/login | Machine busy | Target |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    # Kerbside takes part only in IAM-token logins; its CPU in the other rows is its background work.
    for kind, result in logins.items():
        target = "≥ 200/s" if kind == "IAM token" else ""
        if result is None:
            print(f"| {kind} | failed | | | | | {target} |")
        else:
            connect = f"{result['connect']:.2f}" if result["connect"] is not None else ""
            print(f"| {kind} | {result['tps']:.0f} | {result['latency']:.2f} | {connect} | {result['kerbside_ms']:.2f} | "
                  f"{result['busy']:.0f} % | {target} |")

    print("\n| Memory | Figure |")
    print("|---|---:|")
    print(f"| One idle instance: {memory['processes']} processes, RSS summed (PSS) | "
          f"{memory['rss']:.1f} MB ({memory['pss']:.1f} MB) |")
    print(f"| … its postmaster alone (RSS) | {memory['postmaster']:.1f} MB |")
    print(f"| 20 instances created at once → all available | {twenty['ms']:.0f} ms |")
    print(f"| 20 instances: {twenty['postmasters']} servers, {twenty['processes']} postgres processes, RSS summed (PSS) | "
          f"{twenty['postgres_rss']:.0f} MB ({twenty['postgres_pss']:.0f} MB) |")
    print(f"| … plus Kerbside itself (RSS) | {twenty['kerbside_rss']:.0f} MB |")
    print(f"| … total RSS, Kerbside + PostgreSQL | {twenty['kerbside_rss'] + twenty['postgres_rss']:.0f} MB |")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kerbside", required=True)
    parser.add_argument("--instances", type=int, default=5, help="plain instances timed after the first")
    parser.add_argument("--stories", type=int, default=3, help="runs of each Kerberos story")
    args = parser.parse_args()
    for tool in (str(PGBENCH), shutil.which("psql"), shutil.which("kinit")):
        if not tool or not os.path.exists(tool):
            sys.exit("pgbench, psql and kinit are needed (postgresql, krb5-user); `make bench` installs them")

    # Other work on the machine skews every figure here (all of it is CPU-bound on few cores).
    load = load_average()
    kerbside = Kerbside(args.kerbside)
    try:
        clients = Clients(kerbside)
        first, plain = measure_create(kerbside.client("rds"), args.instances)
        memory = instance_memory(kerbside.process.pid, kerbside.client("rds").describe_db_instances(
            DBInstanceIdentifier="plain0")["DBInstances"][0])

        # The story times what a user does once a directory and its user exist; full_story adds those.
        ds, dsdata, ec2 = kerbside.client("ds"), kerbside.client("ds-data"), kerbside.client("ec2")
        realm = "CORP.EXAMPLE.COM"
        directory_id = create_directory(ds, ec2, realm.lower())
        directory_user(ds, dsdata, directory_id, "alice", ALICE_PASSWORD)
        story_steps = [kerberos_story(kerbside, clients, realm, directory_id, f"run{index}")[0] for index in range(args.stories)]
        full = [full_story(kerbside, clients, index) for index in range(args.stories)]

        _, logins = measure_logins(kerbside, clients, realm, directory_id)
        twenty = measure_twenty(kerbside)
        report(first, plain, story_steps, full, logins, memory, twenty, load)
    finally:
        kerbside.stop()


if __name__ == "__main__":
    main()
