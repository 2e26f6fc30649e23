"""Aurora cluster helpers: a cluster made and waited for, members added, and waits on the
cluster's status, its writer and its endpoints."""

from __future__ import annotations

import time

from databases import MASTER_PASSWORD

AVAILABLE_TIMEOUT = 60.0
MASTER_USERS = {"aurora-postgresql": "postgres", "aurora-mysql": "admin"}


def eventually(check, timeout: float = 15.0, interval: float = 0.05):
    """`check()`'s first truthy answer, asked every `interval` for at most `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (outcome := check()):
        assert time.monotonic() < deadline, f"not within {timeout}s"
        time.sleep(interval)
    return outcome


def wait_for_cluster(rds, identifier: str, statuses=("available",), timeout: float = AVAILABLE_TIMEOUT, check=None) -> dict:
    """The cluster once its status is one of `statuses` (and `check(cluster)` holds, if given)."""
    deadline = time.monotonic() + timeout
    while True:
        cluster = rds.describe_db_clusters(DBClusterIdentifier=identifier)["DBClusters"][0]
        if cluster["Status"] in statuses and (check is None or check(cluster)):
            return cluster
        assert cluster["Status"] != "failed", f"{identifier} failed: {cluster}"
        assert time.monotonic() < deadline, f"{identifier} stayed {cluster['Status']} for {timeout}s: {cluster}"
        time.sleep(0.05)


def create_cluster(rds, identifier: str = "aurora", wait: bool = True, engine: str = "aurora-postgresql", **extra) -> dict:
    arguments = dict(DBClusterIdentifier=identifier, Engine=engine, MasterUsername=MASTER_USERS[engine],
                     MasterUserPassword=MASTER_PASSWORD)
    arguments.update(extra)
    created = rds.create_db_cluster(**arguments)["DBCluster"]
    return wait_for_cluster(rds, identifier) if wait else created


def wait_for_instance(rds, identifier: str, statuses=("available",), timeout: float = AVAILABLE_TIMEOUT) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        if instance["DBInstanceStatus"] in statuses:
            return instance
        assert instance["DBInstanceStatus"] != "failed", f"{identifier} failed: {instance}"
        assert time.monotonic() < deadline, f"{identifier} stayed {instance['DBInstanceStatus']} for {timeout}s"
        time.sleep(0.05)


def add_instance(rds, cluster: str, identifier: str, wait: bool = True, engine: str = "aurora-postgresql", **extra) -> dict:
    arguments = dict(DBInstanceIdentifier=identifier, DBClusterIdentifier=cluster, Engine=engine,
                     DBInstanceClass="db.r6g.large")
    arguments.update(extra)
    created = rds.create_db_instance(**arguments)["DBInstance"]
    return wait_for_instance(rds, identifier) if wait else created


def writer_of(cluster: dict) -> str | None:
    writers = [m["DBInstanceIdentifier"] for m in cluster["DBClusterMembers"] if m["IsClusterWriter"]]
    return writers[0] if writers else None


def cluster_with_members(rds, identifier: str = "aurora", readers: int = 1, engine: str = "aurora-postgresql", **extra) -> dict:
    """A cluster with a writer (`<id>-1`) and `readers` readers (`<id>-2`, …), all available."""
    create_cluster(rds, identifier, engine=engine, **extra)
    for number in range(1, readers + 2):
        add_instance(rds, identifier, f"{identifier}-{number}", wait=False, engine=engine)
    for number in range(1, readers + 2):
        wait_for_instance(rds, f"{identifier}-{number}")
    return wait_for_cluster(rds, identifier, check=lambda c: len(c["DBClusterMembers"]) == readers + 1)


def failed_over_cluster(rds, identifier: str, engine: str) -> dict:
    """A cluster of two members after a failover: `<id>-2` writes, `<id>-1` is available as a reader."""
    cluster_with_members(rds, identifier, readers=1, engine=engine)
    rds.failover_db_cluster(DBClusterIdentifier=identifier)
    cluster = wait_for_cluster(rds, identifier, check=lambda c: writer_of(c) == f"{identifier}-2")
    wait_for_instance(rds, f"{identifier}-1")
    return cluster


def back_after_a_crash(start_kerbside, crashed, cluster: dict):
    """Kills `crashed` with SIGKILL (its database servers left orphaned), starts a Kerbside on the
    same data dir, and waits until `cluster` is back with the same writer, endpoint and available
    members. Answers the new Kerbside, its RDS client and the orphans' pids (for `assert_gone`)."""
    identifier = cluster["DBClusterIdentifier"]
    orphans = crashed.crash()
    second = start_kerbside(crashed.data_dir)
    rds = second.client("rds")
    again = wait_for_cluster(rds, identifier)
    assert (writer_of(again), again["Endpoint"]) == (writer_of(cluster), cluster["Endpoint"])
    for member in cluster["DBClusterMembers"]:
        wait_for_instance(rds, member["DBInstanceIdentifier"])
    return second, rds, orphans
