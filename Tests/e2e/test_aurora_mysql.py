"""Aurora MySQL clusters on real MariaDB servers: a writer and readers that are GTID replicas of
it, the cluster, reader and instance endpoints through Kerbside's MySQL front door, the version
clients see and `AURORA_VERSION()`, failover, stop and start, a killed server, cluster snapshots
and point-in-time restores, IAM tokens for the cluster's endpoints, a restart of Kerbside after
kill -9; with PyMySQL and the `mariadb` client."""

from __future__ import annotations

import datetime
import os
import signal
import time

import pymysql
import pytest

from clusters import (add_instance, back_after_a_crash, cluster_with_members, eventually, failed_over_cluster, wait_for_cluster,
                      wait_for_instance, writer_of)
from harness import assert_gone
from mysql_clients import MySQLClients, at
from policies import db_connect
from test_mysql_iam import signer

ENGINE = "aurora-mysql"


@pytest.fixture
def my(endpoint, tmp_path):
    return MySQLClients(endpoint, tmp_path)


def members(rds, *names: str) -> dict[str, dict]:
    return {name: rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0] for name in names}


def server_id(my, endpoint: dict) -> int:
    return my.query(endpoint, "SELECT @@server_id")[0][0]


def count(my, endpoint: dict, table: str) -> int:
    return my.query(endpoint, f"SELECT COUNT(*) FROM {table}")[0][0]


def succeeds(my, endpoint: dict, sql: str) -> bool:
    """Whether `sql` runs (a writer may be failing over or restarting meanwhile)."""
    try:
        my.query(endpoint, sql)
        return True
    except pymysql.err.MySQLError:
        return False


def refuses_writes(my, endpoint: dict, table: str) -> bool:
    with pytest.raises(pymysql.err.OperationalError) as refused:
        my.query(endpoint, f"INSERT INTO {table} VALUES (-1)")
    return refused.value.args[0] == 1290 and "--read-only" in refused.value.args[1]


def test_readers_replicate_the_writer_and_every_endpoint_reaches_its_members(rds, my):
    cluster = cluster_with_members(rds, "shop", readers=2, engine=ENGINE, DatabaseName="orders",
                                   EngineVersion="8.0.mysql_aurora.3.08.2")
    assert (cluster["Engine"], cluster["EngineVersion"], cluster["Port"]) == (ENGINE, "8.0.mysql_aurora.3.08.2", 3306)
    assert cluster["DBClusterParameterGroup"] == "default.aurora-mysql8.0"
    assert writer_of(cluster) == "shop-1"
    writer, reader = at(cluster["Endpoint"]), at(cluster["ReaderEndpoint"])
    instances = members(rds, "shop-1", "shop-2", "shop-3")
    ids = {name: server_id(my, instance) for name, instance in instances.items()}
    assert len(set(ids.values())) == 3

    # The version clients pick their dialect from is MySQL 8.0's, and Aurora's own release answers.
    connection = my.pymysql(writer, database="orders")
    try:
        assert connection.get_server_info() == "8.0.39"
        with connection.cursor() as cursor:
            cursor.execute("SELECT AURORA_VERSION(), VERSION(), @@read_only, @@server_id, DATABASE()")
            # A MariaDB loadable function answers a binary string (Aurora's is utf8mb4).
            assert cursor.fetchone() == (b"3.08.2", "8.0.39", 0, ids["shop-1"], "orders")
            cursor.execute("CREATE TABLE items (id INT PRIMARY KEY)")
            cursor.execute("INSERT INTO items VALUES (1), (2)")
        connection.commit()
    finally:
        connection.close()
    cli = my.cli(reader, "SELECT AURORA_VERSION()")
    assert cli.ok and cli.stdout.strip() == "3.08.2", cli.stderr

    # A row written on the writer shows on every reader, which refuse writes as Aurora's do.
    for name in ("shop-2", "shop-3"):
        assert eventually(lambda: count(my, instances[name], "orders.items") == 2)
        assert refuses_writes(my, instances[name], "orders.items")
    assert refuses_writes(my, reader, "orders.items")
    # The reader endpoint spreads connections over the readers; the cluster endpoint is the writer.
    assert {server_id(my, reader) for _ in range(6)} == {ids["shop-2"], ids["shop-3"]}
    assert server_id(my, writer) == ids["shop-1"]

    # A custom endpoint reaches its static member only.
    rds.create_db_cluster_endpoint(DBClusterIdentifier="shop", DBClusterEndpointIdentifier="reports",
                                   EndpointType="READER", StaticMembers=["shop-3"])
    custom = eventually(lambda: next((e for e in rds.describe_db_cluster_endpoints(DBClusterEndpointIdentifier="reports")
                                      ["DBClusterEndpoints"] if e["Status"] == "available"), None))
    assert {server_id(my, at(custom["Endpoint"])) for _ in range(3)} == {ids["shop-3"]}


def test_failover_promotes_a_reader_and_no_acknowledged_row_is_lost(rds, my):
    cluster = cluster_with_members(rds, "ha", readers=2, engine=ENGINE)
    rds.modify_db_instance(DBInstanceIdentifier="ha-3", PromotionTier=0, ApplyImmediately=True)
    writer = at(cluster["Endpoint"])
    my.query(writer, "CREATE DATABASE ledger")
    my.query(writer, "CREATE TABLE ledger.rows (id INT PRIMARY KEY)")
    for row in range(30):
        my.query(writer, f"INSERT INTO ledger.rows VALUES ({row})")

    assert rds.failover_db_cluster(DBClusterIdentifier="ha")["DBCluster"]["Status"] == "failing-over"
    eventually(lambda: succeeds(my, writer, "INSERT INTO ledger.rows VALUES (30)"))
    cluster = wait_for_cluster(rds, "ha", check=lambda c: writer_of(c) == "ha-3")
    instances = members(rds, "ha-1", "ha-2", "ha-3")
    assert my.query(writer, "SELECT COUNT(*), @@server_id, @@read_only FROM ledger.rows")[0] == (31, server_id(my, instances["ha-3"]), 0)
    # The old writer is a reader of the new one now, and so is the other reader.
    old = wait_for_instance(rds, "ha-1")
    assert eventually(lambda: count(my, old, "ledger.rows") == 31)
    assert refuses_writes(my, old, "ledger.rows")
    my.query(writer, "INSERT INTO ledger.rows VALUES (31)")
    assert eventually(lambda: count(my, instances["ha-2"], "ledger.rows") == 32)
    assert eventually(lambda: count(my, old, "ledger.rows") == 32)

    # With a target, that reader becomes the writer.
    rds.failover_db_cluster(DBClusterIdentifier="ha", TargetDBInstanceIdentifier="ha-1")
    wait_for_cluster(rds, "ha", check=lambda c: writer_of(c) == "ha-1")
    eventually(lambda: succeeds(my, writer, "INSERT INTO ledger.rows VALUES (32)"))
    assert my.query(writer, "SELECT COUNT(*), @@server_id FROM ledger.rows")[0] == (33, server_id(my, instances["ha-1"]))


def test_stop_start_and_a_killed_server_keep_the_data(rds, my, kerbside):
    cluster = cluster_with_members(rds, "nightly", readers=1, engine=ENGINE)
    writer, reader = at(cluster["Endpoint"]), at(cluster["ReaderEndpoint"])
    my.query(writer, "CREATE DATABASE kept")
    my.query(writer, "CREATE TABLE kept.t (x INT)")
    my.query(writer, "INSERT INTO kept.t VALUES (7)")
    rds.stop_db_cluster(DBClusterIdentifier="nightly")
    wait_for_cluster(rds, "nightly", ["stopped"])
    with pytest.raises(pymysql.err.MySQLError):
        my.query(writer, "SELECT 1")
    rds.start_db_cluster(DBClusterIdentifier="nightly")
    wait_for_cluster(rds, "nightly")
    for name in ("nightly-1", "nightly-2"):
        wait_for_instance(rds, name)
    assert my.query(writer, "SELECT x FROM kept.t") == [(7,)]
    assert eventually(lambda: my.query(reader, "SELECT x FROM kept.t") == [(7,)])

    # The writer's server killed: Kerbside brings it back, and the reader still follows it.
    server = [e for e in kerbside.health()["engines"] if e["dbInstanceIdentifier"] == "nightly-1"][0]["server"]
    os.kill(server["pid"], signal.SIGKILL)
    eventually(lambda: succeeds(my, writer, "INSERT INTO kept.t VALUES (8)"), timeout=30)
    assert eventually(lambda: count(my, reader, "kept.t") == 2)


def test_a_cluster_snapshot_and_a_point_in_time_restore_carry_the_rows(rds, my):
    cluster = cluster_with_members(rds, "source", readers=1, engine=ENGINE)
    writer = at(cluster["Endpoint"])
    my.query(writer, "CREATE DATABASE events")
    my.query(writer, "CREATE TABLE events.e (note VARCHAR(10))")
    my.query(writer, "INSERT INTO events.e VALUES ('early')")
    rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="nightly", DBClusterIdentifier="source")
    snapshot = eventually(lambda: next((s for s in rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="nightly")
                                        ["DBClusterSnapshots"] if s["Status"] == "available"), None), timeout=30)
    assert (snapshot["Engine"], snapshot["Port"]) == (ENGINE, 3306)
    time.sleep(1.2)   # binary log events carry whole seconds
    target = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(1.2)
    my.query(writer, "INSERT INTO events.e VALUES ('late')")
    # A failover in between: the archive follows the new writer.
    rds.failover_db_cluster(DBClusterIdentifier="source")
    wait_for_cluster(rds, "source", check=lambda c: writer_of(c) == "source-2")
    eventually(lambda: succeeds(my, writer, "INSERT INTO events.e VALUES ('later')"))

    rds.restore_db_cluster_from_snapshot(DBClusterIdentifier="restored", SnapshotIdentifier="nightly", Engine=ENGINE)
    rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="at-t", SourceDBClusterIdentifier="source", RestoreToTime=target)
    rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="latest", SourceDBClusterIdentifier="source",
                                            UseLatestRestorableTime=True)
    expected = {"restored": [("early",)], "at-t": [("early",)], "latest": [("early",), ("late",), ("later",)]}
    for name in expected:
        restored = wait_for_cluster(rds, name)
        assert restored["Engine"] == ENGINE
        add_instance(rds, name, f"{name}-1", engine=ENGINE)
    for name, rows in expected.items():
        restored = rds.describe_db_clusters(DBClusterIdentifier=name)["DBClusters"][0]
        assert my.query(at(restored["Endpoint"]), "SELECT note FROM events.e ORDER BY note") == rows, name
    # A restored cluster takes writes, and a reader added to it has its rows.
    restored = rds.describe_db_clusters(DBClusterIdentifier="at-t")["DBClusters"][0]
    my.query(at(restored["Endpoint"]), "INSERT INTO events.e VALUES ('new')")
    reader = add_instance(rds, "at-t", "at-t-2", engine=ENGINE)
    assert eventually(lambda: count(my, reader, "events.e") == 2)


def test_iam_tokens_for_the_cluster_reader_and_instance_endpoints(rds, iam, boto, my, kerbside):
    cluster = cluster_with_members(rds, "tokens", readers=1, engine=ENGINE, EnableIAMDatabaseAuthentication=True)
    assert cluster["IAMDatabaseAuthenticationEnabled"] is True
    writer = at(cluster["Endpoint"])
    my.query(writer, "CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
    my.query(writer, "GRANT SELECT ON *.* TO app")
    # The policy names the cluster's resource id, as Aurora's do.
    app = signer(iam, "app-signer", db_connect(cluster["DbClusterResourceId"], "app"))

    def login(name: str, credentials=app) -> list[tuple]:
        token = boto("rds", credentials).generate_db_auth_token(DBHostname=name, Port=3306, DBUsername="app", Region="us-east-1")
        return my.query(at(name), "SELECT CURRENT_USER(), @@read_only", user="app", password=token)

    member = rds.describe_db_instances(DBInstanceIdentifier="tokens-2")["DBInstances"][0]
    assert login(cluster["Endpoint"]) == [("app@%", 0)]
    # The account reached the reader by replication; so does the token's login.
    assert eventually(lambda: my.query(at(cluster["ReaderEndpoint"]), "SELECT COUNT(*) FROM mysql.user WHERE user = 'app'") == [(1,)])
    assert login(cluster["ReaderEndpoint"]) == [("app@%", 1)]
    assert login(member["Endpoint"]["Address"]) == [("app@%", 1)]

    # A policy on a member's resource id is not the cluster's.
    wrong = signer(iam, "member-signer", db_connect(member["DbiResourceId"], "app"))
    with pytest.raises(pymysql.err.OperationalError) as refused:
        login(cluster["Endpoint"], credentials=wrong)
    assert refused.value.args[0] == 1045 and "(using password: YES)" in refused.value.args[1]


def test_a_killed_kerbside_brings_the_cluster_back_as_it_was(start_kerbside, tmp_path):
    first = start_kerbside(start_kerbside.base / "restart-data")
    cluster = failed_over_cluster(first.client("rds"), "durable", ENGINE)
    my = MySQLClients(first.endpoint, tmp_path)
    writer, reader = at(cluster["Endpoint"]), at(cluster["ReaderEndpoint"])
    eventually(lambda: succeeds(my, writer, "CREATE DATABASE kept"))
    my.query(writer, "CREATE TABLE kept.notes (note VARCHAR(10))")
    my.query(writer, "INSERT INTO kept.notes VALUES ('survives')")

    second, rds, servers = back_after_a_crash(start_kerbside, first, cluster)
    my = MySQLClients(second.endpoint, tmp_path)
    assert my.query(writer, "SELECT note FROM kept.notes") == [("survives",)]
    my.query(writer, "INSERT INTO kept.notes VALUES ('after')")
    assert eventually(lambda: count(my, reader, "kept.notes") == 2)
    assert refuses_writes(my, reader, "kept.notes")
    assert_gone(servers)
