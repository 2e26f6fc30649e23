#!/usr/bin/env python3
"""Aurora benchmark: CreateDBCluster plus a writer and a reader to all `available`, a failover to
the first successful write through the cluster endpoint, replication lag (a row committed on the
writer until a reader sees it), and what a cluster costs in memory (PSS of three members, and of
each further reader). Run by `make bench`.

Everything runs on loopback against a Kerbside this script starts (in a fresh data dir) and stops
by its pid; every wait has a deadline and every loop a count. Results print as Markdown for
docs/performance.md."""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_rds import Kerbside, MASTER_PASSWORD, MASTER_USER, load_average, postmasters, pss_mb, children  # noqa: E402

POLL = 0.003          # DescribeDBClusters / DescribeDBInstances every 3 ms
WAIT_LIMIT = 60.0     # no single wait may take longer than this


def hosts(kerbside):
    lines = kerbside.get("hosts").decode().splitlines()
    return {name: address for address, name in (line.split() for line in lines if line.strip())}


def psql(kerbside, host, sql, timeout=15):
    """The master user through an endpoint name, over verified TLS; (ok, output)."""
    ca = kerbside.work / "ca.pem"
    if not ca.exists():
        ca.write_bytes(kerbside.get("ca.pem"))
    target = (f"host={host} hostaddr={hosts(kerbside)[host]} port=5432 dbname=postgres user={MASTER_USER} "
              f"sslmode=verify-full sslrootcert={ca} connect_timeout=5")
    done = subprocess.run(["psql", target, "-X", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True,
                          text=True, timeout=timeout, env={"PATH": os.environ["PATH"], "PGPASSWORD": MASTER_PASSWORD})
    return done.returncode == 0, done.stdout.strip() or done.stderr.strip()


def wait(check, what):
    deadline = time.monotonic() + WAIT_LIMIT
    while time.monotonic() < deadline:
        outcome = check()
        if outcome:
            return outcome
        time.sleep(POLL)
    sys.exit(f"{what} did not happen within {WAIT_LIMIT:.0f}s")


def cluster_state(rds, name):
    return rds.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]


def instance_available(rds, name):
    instance = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]
    if instance["DBInstanceStatus"] == "failed":
        sys.exit(f"{name} failed: {instance}")
    return instance["DBInstanceStatus"] == "available"


def add_member(rds, cluster, name, engine="aurora-postgresql"):
    rds.create_db_instance(DBInstanceIdentifier=name, DBClusterIdentifier=cluster, Engine=engine,
                           DBInstanceClass="db.r6g.large")


def timed_cluster(rds, name, engine="aurora-postgresql", master=MASTER_USER):
    """Milliseconds from CreateDBCluster until the cluster, its writer and its reader are all
    available (members asked for at once, as Terraform does)."""
    started = time.monotonic()
    rds.create_db_cluster(DBClusterIdentifier=name, Engine=engine, MasterUsername=master,
                          MasterUserPassword=MASTER_PASSWORD)
    add_member(rds, name, f"{name}-1", engine)
    add_member(rds, name, f"{name}-2", engine)
    wait(lambda: cluster_state(rds, name)["Status"] == "available" and all(
        instance_available(rds, f"{name}-{n}") for n in (1, 2)), f"{name} and its members")
    return (time.monotonic() - started) * 1000


def writer_of(cluster):
    return next((m["DBInstanceIdentifier"] for m in cluster["DBClusterMembers"] if m["IsClusterWriter"]), None)


def timed_failover(kerbside, rds, name, endpoint):
    """Milliseconds from FailoverDBCluster to the first write through the cluster endpoint that
    lands on the new writer."""
    before = writer_of(cluster_state(rds, name))
    started = time.monotonic()
    rds.failover_db_cluster(DBClusterIdentifier=name)
    wait(lambda: psql(kerbside, endpoint, "INSERT INTO ledger VALUES (1); SELECT inet_server_addr()")[0]
         and writer_of(cluster_state(rds, name)) != before, "a write after the failover")
    took = (time.monotonic() - started) * 1000
    wait(lambda: cluster_state(rds, name)["Status"] == "available" and all(
        instance_available(rds, f"{name}-{n}") for n in (1, 2)), "the cluster after its failover")
    return took


def replication_lag(kerbside, writer_endpoint, reader_endpoint, samples):
    """Milliseconds from a row's commit on the writer until a reader sees it, measured by the
    servers' own clock (one machine): the reader waits in a loop for the row and reports when it
    saw it; the writer stamps the row when it commits it."""
    psql(kerbside, writer_endpoint, "CREATE TABLE IF NOT EXISTS lag (id int PRIMARY KEY, at timestamptz)")
    lags = []
    for sample in range(samples):
        seen = {}
        watch = f"""DO $$ DECLARE stamp timestamptz; BEGIN
            FOR i IN 1..5000 LOOP
                SELECT at INTO stamp FROM lag WHERE id = {sample};
                IF FOUND THEN RAISE NOTICE 'lag %', extract(epoch FROM clock_timestamp() - stamp) * 1000; RETURN; END IF;
                PERFORM pg_sleep(0.001);
            END LOOP; END $$"""

        def reader():
            seen["reply"] = subprocess.run(
                ["psql", f"host={reader_endpoint} hostaddr={hosts(kerbside)[reader_endpoint]} port=5432 dbname=postgres "
                 f"user={MASTER_USER} sslmode=require", "-X", "-q", "-c", watch],
                capture_output=True, text=True, timeout=20, env={"PATH": os.environ["PATH"], "PGPASSWORD": MASTER_PASSWORD})

        thread = threading.Thread(target=reader)
        thread.start()
        time.sleep(0.15)  # the reader is connected and polling
        psql(kerbside, writer_endpoint, f"INSERT INTO lag VALUES ({sample}, clock_timestamp())")
        thread.join(25)
        notice = [line for line in seen.get("reply", subprocess.CompletedProcess([], 1, "", "")).stderr.splitlines() if "lag" in line]
        if not notice:
            sys.exit(f"the reader did not see row {sample}: {seen}")
        lags.append(float(notice[0].rsplit(" ", 1)[1]))
    return lags


def cluster_pss(kerbside, rds, name):
    """PSS of the cluster's servers (each postmaster and its processes), and their count."""
    ids = [rds.describe_db_instances(DBInstanceIdentifier=m["DBInstanceIdentifier"])["DBInstances"][0]["DbiResourceId"]
           for m in cluster_state(rds, name)["DBClusterMembers"]]
    from bench_rds import cmdline
    servers = [pid for pid in postmasters(kerbside.process.pid) if any(i in cmdline(pid) for i in ids)]
    family = servers + [child for pid in servers for child in children(pid)]
    return sum(map(pss_mb, family)), len(servers)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kerbside", required=True)
    parser.add_argument("--runs", type=int, default=5, help="clusters created and failovers timed")
    parser.add_argument("--lag-samples", type=int, default=20)
    args = parser.parse_args()
    if not shutil.which("psql"):
        sys.exit("psql is needed (postgresql-client); `make bench` installs it")
    load = load_average()
    kerbside = Kerbside(args.kerbside)
    try:
        rds = kerbside.client("rds")
        first = timed_cluster(rds, "warmup")   # builds the template (initdb) once per data dir
        creates = [timed_cluster(rds, f"bench{run}") for run in range(args.runs)]
        endpoint = cluster_state(rds, "bench0")["Endpoint"]
        reader = cluster_state(rds, "bench0")["ReaderEndpoint"]
        wait(lambda: psql(kerbside, endpoint, "CREATE TABLE ledger (x int)")[0], "the ledger table")
        failovers = [timed_failover(kerbside, rds, "bench0", endpoint) for _ in range(args.runs)]
        lags = replication_lag(kerbside, endpoint, reader, args.lag_samples)

        add_member(rds, "bench1", "bench1-3")
        wait(lambda: instance_available(rds, "bench1-3"), "a third member")
        time.sleep(1)  # settled: checkpoints and the base backup done
        three, servers = cluster_pss(kerbside, rds, "bench1")
        add_member(rds, "bench1", "bench1-4")
        wait(lambda: instance_available(rds, "bench1-4"), "a fourth member")
        time.sleep(1)
        four, _ = cluster_pss(kerbside, rds, "bench1")
    finally:
        kerbside.stop()

    print(f"\n## Aurora (release build, {os.cpu_count()} cores; load average {load} before the run)\n")
    print("| Measure | Median | Max | Target |")
    print("|---|---:|---:|---:|")
    print(f"| CreateDBCluster + writer + reader → all available ({len(creates)} clusters) | "
          f"{statistics.median(creates):.0f} ms | {max(creates):.0f} ms | 1500 ms |")
    print(f"| … the first one (builds the template: initdb) | {first:.0f} ms | | |")
    print(f"| FailoverDBCluster → first write through the cluster endpoint ({len(failovers)} failovers) | "
          f"{statistics.median(failovers):.0f} ms | {max(failovers):.0f} ms | 2000 ms |")
    print(f"| Replication: commit on the writer → visible on a reader ({len(lags)} rows) | "
          f"{statistics.median(lags):.1f} ms | {max(lags):.1f} ms | 200 ms |")
    print(f"| Memory of a {servers}-member cluster (PSS, every server process) | {three:.0f} MB | | |")
    print(f"| … each further reader (PSS) | {four - three:.0f} MB | | |")


if __name__ == "__main__":
    main()
