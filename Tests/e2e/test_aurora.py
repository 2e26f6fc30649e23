"""Aurora PostgreSQL clusters on real replicated servers: the cluster API and its shapes, the
writer and its streaming readers, the endpoints (cluster, reader, custom, instance), failover,
stop and start, reboots, and the refusals."""

from __future__ import annotations

import re
import time

import pytest

from clusters import (add_instance, cluster_with_members, create_cluster, eventually, wait_for_cluster, wait_for_instance,
                      writer_of)
from databases import MASTER_PASSWORD, DatabaseClient
from refusals import refused


@pytest.fixture
def db(endpoint, tmp_path):
    return DatabaseClient(endpoint, tmp_path)


def sql(db, cluster_or_host, statement, port=None, **options):
    """Runs `statement` as the master user through an endpoint name (a cluster's by default)."""
    host = cluster_or_host if isinstance(cluster_or_host, str) else cluster_or_host["Endpoint"]
    return db.connect(host, port or 5432, "postgres", statement, password=MASTER_PASSWORD, **options)


# --- the cluster and its members -----------------------------------------------------------------

def test_a_cluster_starts_empty_and_its_shapes_are_awss(rds, db):
    created = rds.create_db_cluster(DBClusterIdentifier="Orders", Engine="aurora-postgresql", EngineVersion="16",
                                    MasterUsername="postgres", MasterUserPassword=MASTER_PASSWORD, DatabaseName="orders",
                                    Tags=[{"Key": "team", "Value": "db"}])["DBCluster"]
    assert created["Status"] == "creating" and created["DBClusterIdentifier"] == "orders"
    cluster = wait_for_cluster(rds, "orders")
    uid = re.fullmatch(r"orders\.cluster-([a-z0-9]{12})\.us-east-1\.rds\.amazonaws\.com", cluster["Endpoint"]).group(1)
    assert cluster["ReaderEndpoint"] == f"orders.cluster-ro-{uid}.us-east-1.rds.amazonaws.com"
    assert re.fullmatch(r"cluster-[A-Z0-9]{26}", cluster["DbClusterResourceId"])
    assert (cluster["EngineVersion"], cluster["EngineMode"], cluster["HostedZoneId"], cluster["Port"]) == ("16.8", "provisioned", "Z2R2ITUGPM61AM", 5432)
    assert cluster["DBClusterMembers"] == [] and cluster["DomainMemberships"] == []
    assert cluster["DBClusterParameterGroup"] == "default.aurora-postgresql16" and cluster["DatabaseName"] == "orders"
    assert cluster["DBClusterArn"] == "arn:aws:rds:us-east-1:123456789012:cluster:orders"
    assert cluster["TagList"] == [{"Key": "team", "Value": "db"}] and "PendingModifiedValues" not in cluster
    assert cluster["IAMDatabaseAuthenticationEnabled"] is False and cluster["StorageEncrypted"] is False

    writer = add_instance(rds, "orders", "orders-1", PromotionTier=0)
    assert writer["Endpoint"]["Address"] == f"orders-1.{uid}.us-east-1.rds.amazonaws.com"
    assert (writer["DBClusterIdentifier"], writer["Engine"], writer["PromotionTier"], writer["StorageType"]) == ("orders", "aurora-postgresql", 0, "aurora")
    assert writer["MasterUsername"] == "postgres" and writer["DBName"] == "orders"
    reader = add_instance(rds, "orders", "orders-2")
    cluster = wait_for_cluster(rds, "orders")
    assert [(m["DBInstanceIdentifier"], m["IsClusterWriter"], m["PromotionTier"]) for m in cluster["DBClusterMembers"]] == [
        ("orders-1", True, 0), ("orders-2", False, 1)]
    assert [i["DBInstanceIdentifier"] for i in rds.describe_db_instances(
        Filters=[{"Name": "db-cluster-id", "Values": ["orders"]}])["DBInstances"]] == ["orders-1", "orders-2"]
    hosts = db.hosts()
    names = [cluster["Endpoint"], cluster["ReaderEndpoint"], writer["Endpoint"]["Address"], reader["Endpoint"]["Address"]]
    assert len({hosts[name] for name in names}) == 4, "every endpoint has an address of its own"
    # Each name passes verify-full, and the database and master user are the cluster's.
    for name in names:
        assert sql(db, name, "SELECT current_database() || ' ' || current_user", database="orders").value == "orders postgres"
    other = sql(db, cluster["Endpoint"], "SELECT 1", name="elsewhere.example.com")
    assert not other.ok and "does not match host name" in other.stderr

    listed = rds.describe_db_clusters(Filters=[{"Name": "engine", "Values": ["aurora-postgresql"]}], MaxRecords=20)["DBClusters"]
    assert [c["DBClusterIdentifier"] for c in listed] == ["orders"]
    endpoints = rds.describe_db_cluster_endpoints(DBClusterIdentifier="orders")["DBClusterEndpoints"]
    assert [(e["EndpointType"], e["Endpoint"]) for e in endpoints] == [("WRITER", cluster["Endpoint"]), ("READER", cluster["ReaderEndpoint"])]
    assert rds.describe_global_clusters(Filters=[{"Name": "db-cluster-id", "Values": [cluster["DBClusterArn"]]}])["GlobalClusters"] == []


def test_readers_are_hot_standbys_of_the_writer_and_refuse_writes(rds, db):
    cluster = cluster_with_members(rds, "shop", readers=2)
    writer = writer_of(cluster)
    assert writer == "shop-1"
    assert sql(db, cluster, "CREATE TABLE orders (id int); INSERT INTO orders VALUES (1); SELECT pg_is_in_recovery()").value.endswith("f")
    reader = cluster["ReaderEndpoint"]
    assert eventually(lambda: sql(db, reader, "SELECT count(*) FROM orders").stdout.strip() == "1")
    for name in (reader, rds.describe_db_instances(DBInstanceIdentifier="shop-2")["DBInstances"][0]["Endpoint"]["Address"]):
        refusal = sql(db, name, "INSERT INTO orders VALUES (2)", verbose=True)
        assert not refusal.ok and "25006" in refusal.stderr and "read-only transaction" in refusal.stderr

    # The reader endpoint spreads new connections over both readers; the cluster endpoint is the writer.
    seen = {sql(db, reader, "SELECT inet_server_addr()").value for _ in range(6)}
    addresses = db.hosts()
    readers = {addresses[rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["Endpoint"]["Address"]]
               for name in ("shop-2", "shop-3")}
    assert seen == readers
    assert sql(db, cluster, "SELECT inet_server_addr()").value == addresses[
        rds.describe_db_instances(DBInstanceIdentifier="shop-1")["DBInstances"][0]["Endpoint"]["Address"]]


def test_without_readers_the_reader_endpoint_reaches_the_writer(rds, db):
    cluster = cluster_with_members(rds, "solo", readers=0)
    assert sql(db, cluster["ReaderEndpoint"], "SELECT pg_is_in_recovery()").value == "f"


def test_custom_endpoints_reach_their_members(rds, db):
    cluster = cluster_with_members(rds, "multi", readers=2)
    created = rds.create_db_cluster_endpoint(DBClusterIdentifier="multi", DBClusterEndpointIdentifier="Analytics",
                                             EndpointType="READER", StaticMembers=["multi-3"])
    assert created["Status"] == "creating" and created["DBClusterEndpointIdentifier"] == "analytics"
    uid = cluster["Endpoint"].split(".")[1].removeprefix("cluster-")
    assert created["Endpoint"] == f"analytics.cluster-custom-{uid}.us-east-1.rds.amazonaws.com"
    assert re.fullmatch(r"cluster-endpoint-[A-Z0-9]{26}", created["DBClusterEndpointResourceIdentifier"])
    rds.create_db_cluster_endpoint(DBClusterIdentifier="multi", DBClusterEndpointIdentifier="everyone-but-2",
                                   EndpointType="ANY", ExcludedMembers=["multi-2"])

    def available(name):
        endpoint = rds.describe_db_cluster_endpoints(DBClusterEndpointIdentifier=name)["DBClusterEndpoints"][0]
        return endpoint if endpoint["Status"] == "available" else None

    analytics = eventually(lambda: available("analytics"))
    assert (analytics["EndpointType"], analytics["CustomEndpointType"], analytics["StaticMembers"]) == ("CUSTOM", "READER", ["multi-3"])
    eventually(lambda: available("everyone-but-2"))
    addresses = db.hosts()
    address_of = {name: addresses[rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["Endpoint"]["Address"]]
                  for name in ("multi-1", "multi-2", "multi-3")}
    assert {sql(db, analytics["Endpoint"], "SELECT inet_server_addr()").value for _ in range(3)} == {address_of["multi-3"]}
    any_endpoint = f"everyone-but-2.cluster-custom-{uid}.us-east-1.rds.amazonaws.com"
    assert {sql(db, any_endpoint, "SELECT inet_server_addr()").value for _ in range(6)} == {address_of["multi-1"], address_of["multi-3"]}
    assert rds.describe_db_clusters(DBClusterIdentifier="multi")["DBClusters"][0]["CustomEndpoints"] == [analytics["Endpoint"], any_endpoint]

    modified = rds.modify_db_cluster_endpoint(DBClusterEndpointIdentifier="analytics", StaticMembers=["multi-2"])
    assert modified["Status"] == "modifying"
    eventually(lambda: available("analytics"))
    assert {sql(db, analytics["Endpoint"], "SELECT inet_server_addr()").value for _ in range(3)} == {address_of["multi-2"]}
    with refused("DBClusterEndpointAlreadyExistsFault", 400):
        rds.create_db_cluster_endpoint(DBClusterIdentifier="multi", DBClusterEndpointIdentifier="analytics", EndpointType="ANY")
    with refused("InvalidParameterValue", 400):
        rds.create_db_cluster_endpoint(DBClusterIdentifier="multi", DBClusterEndpointIdentifier="w", EndpointType="WRITER")
    with refused("DBInstanceNotFound", 404):
        rds.create_db_cluster_endpoint(DBClusterIdentifier="multi", DBClusterEndpointIdentifier="x", EndpointType="ANY",
                                       StaticMembers=["nosuch"])
    assert rds.delete_db_cluster_endpoint(DBClusterEndpointIdentifier="analytics")["Status"] == "deleting"
    eventually(lambda: rds.describe_db_cluster_endpoints(
        DBClusterIdentifier="multi", Filters=[{"Name": "db-cluster-endpoint-type", "Values": ["custom"]}])["DBClusterEndpoints"] and
        [e["DBClusterEndpointIdentifier"] for e in rds.describe_db_cluster_endpoints(
            DBClusterIdentifier="multi", Filters=[{"Name": "db-cluster-endpoint-type", "Values": ["custom"]}])["DBClusterEndpoints"]] == ["everyone-but-2"])
    assert rds.describe_db_cluster_endpoints(DBClusterEndpointIdentifier="analytics")["DBClusterEndpoints"] == []
    with refused("DBClusterEndpointNotFoundFault", 400):
        rds.delete_db_cluster_endpoint(DBClusterEndpointIdentifier="analytics")


# --- failover, stop and start, reboots ------------------------------------------------------------

def test_failover_promotes_a_reader_and_no_acknowledged_row_is_lost(rds, db):
    cluster = cluster_with_members(rds, "ha", readers=2)
    rds.modify_db_instance(DBInstanceIdentifier="ha-3", PromotionTier=0, ApplyImmediately=True)
    assert sql(db, cluster, "CREATE TABLE ledger (id int)").ok
    for row in range(50):
        assert sql(db, cluster, f"INSERT INTO ledger VALUES ({row})").ok

    answer = rds.failover_db_cluster(DBClusterIdentifier="ha")["DBCluster"]
    assert answer["Status"] == "failing-over"
    started = time.monotonic()
    eventually(lambda: sql(db, cluster, "INSERT INTO ledger VALUES (50)").ok, timeout=10, interval=0.05)
    assert time.monotonic() - started < 5
    cluster = wait_for_cluster(rds, "ha", check=lambda c: writer_of(c) == "ha-3")  # the lowest promotion tier
    assert sql(db, cluster, "SELECT count(*) FROM ledger").value == "51"
    old = wait_for_instance(rds, "ha-1")
    assert sql(db, old["Endpoint"]["Address"], "SELECT pg_is_in_recovery()").value == "t"
    assert eventually(lambda: sql(db, old["Endpoint"]["Address"], "SELECT count(*) FROM ledger").stdout.strip() == "51")
    # The other reader follows the new writer too.
    assert sql(db, cluster, "INSERT INTO ledger VALUES (51)").ok
    ha2 = rds.describe_db_instances(DBInstanceIdentifier="ha-2")["DBInstances"][0]["Endpoint"]["Address"]
    assert eventually(lambda: sql(db, ha2, "SELECT count(*) FROM ledger").stdout.strip() == "52")

    # With a target, that reader becomes the writer.
    rds.failover_db_cluster(DBClusterIdentifier="ha", TargetDBInstanceIdentifier="ha-1")
    cluster = wait_for_cluster(rds, "ha", check=lambda c: writer_of(c) == "ha-1")
    eventually(lambda: sql(db, cluster, "INSERT INTO ledger VALUES (52)").ok, timeout=10, interval=0.05)
    assert sql(db, cluster, "SELECT count(*) FROM ledger").value == "53"
    messages = [e["Message"] for e in rds.describe_events(SourceIdentifier="ha", SourceType="db-cluster")["Events"]]
    assert "Started failover to DB instance: ha-3" in messages and "Completed failover to DB instance: ha-1" in messages
    with refused("InvalidParameterValue", 400, "not a member"):
        rds.failover_db_cluster(DBClusterIdentifier="ha", TargetDBInstanceIdentifier="nosuch")


def test_stop_and_start_stop_and_start_every_member_and_keep_the_data(rds, db):
    cluster = cluster_with_members(rds, "nightly", readers=1)
    assert sql(db, cluster, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)").ok
    assert rds.stop_db_cluster(DBClusterIdentifier="nightly")["DBCluster"]["Status"] == "stopping"
    wait_for_cluster(rds, "nightly", ["stopped"])
    assert {wait_for_instance(rds, name, ["stopped"])["DBInstanceStatus"] for name in ("nightly-1", "nightly-2")} == {"stopped"}
    assert not sql(db, cluster, "SELECT 1").ok
    with refused("InvalidDBClusterStateFault", 400, "stopped"):
        rds.modify_db_cluster(DBClusterIdentifier="nightly", DeletionProtection=True, ApplyImmediately=True)
    with refused("InvalidDBClusterStateFault", 400, "stopped"):
        rds.delete_db_cluster(DBClusterIdentifier="nightly", SkipFinalSnapshot=True)
    with refused("InvalidDBClusterStateFault", 400):
        rds.stop_db_cluster(DBClusterIdentifier="nightly")
    with refused("InvalidParameterCombination", 400, "StopDBCluster"):
        rds.start_db_instance(DBInstanceIdentifier="nightly-1")
    rds.start_db_cluster(DBClusterIdentifier="nightly")
    cluster = wait_for_cluster(rds, "nightly")
    for name in ("nightly-1", "nightly-2"):
        wait_for_instance(rds, name)
    assert sql(db, cluster, "SELECT x FROM kept").value == "7"
    assert eventually(lambda: sql(db, cluster["ReaderEndpoint"], "SELECT x FROM kept").stdout.strip() == "7")


def test_the_port_of_every_endpoint_changes_with_the_cluster(rds, db):
    cluster = cluster_with_members(rds, "moving", readers=1)
    assert sql(db, cluster, "CREATE TABLE t (x int); INSERT INTO t VALUES (1)").ok
    assert rds.modify_db_cluster(DBClusterIdentifier="moving", Port=6543, ApplyImmediately=True)["DBCluster"]["Port"] == 6543
    cluster = wait_for_cluster(rds, "moving", check=lambda c: c["Port"] == 6543)
    for name in ("moving-1", "moving-2"):
        assert wait_for_instance(rds, name)["Endpoint"]["Port"] == 6543
    assert sql(db, cluster, "INSERT INTO t VALUES (2)", port=6543).ok
    assert eventually(lambda: sql(db, cluster["ReaderEndpoint"], "SELECT count(*) FROM t", port=6543).stdout.strip() == "2")
    assert not sql(db, cluster, "SELECT 1").ok


def test_rebooting_and_killing_a_member_bring_it_back(rds, db, kerbside):
    import os
    import signal
    cluster = cluster_with_members(rds, "sturdy", readers=1)
    assert sql(db, cluster, "CREATE TABLE t (x int)").ok
    assert rds.reboot_db_instance(DBInstanceIdentifier="sturdy-2")["DBInstance"]["DBInstanceStatus"] == "rebooting"
    wait_for_instance(rds, "sturdy-2")
    reader = rds.describe_db_instances(DBInstanceIdentifier="sturdy-2")["DBInstances"][0]
    server = [e for e in kerbside.health()["engines"] if e["dbInstanceIdentifier"] == "sturdy-1"][0]["server"]
    os.kill(server["pid"], signal.SIGKILL)
    eventually(lambda: sql(db, cluster, "INSERT INTO t VALUES (1)").ok, timeout=20, interval=0.1)
    assert eventually(lambda: sql(db, reader["Endpoint"]["Address"], "SELECT count(*) FROM t").stdout.strip() == "1")


# --- deletion and refusals ------------------------------------------------------------------------

def test_members_take_only_their_own_settings_and_refused_calls_create_nothing(rds):
    create_cluster(rds, "strict")
    member = dict(DBClusterIdentifier="strict", Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    for extra, fragment in [({"MasterUserPassword": MASTER_PASSWORD}, "Set master user password for the DB Cluster"),
                            ({"AllocatedStorage": 20}, "Set storage"), ({"VpcSecurityGroupIds": ["sg-1"]}, "security groups"),
                            ({"Domain": "d-1234567890", "DomainIAMRoleName": "r"}, "domain"),
                            ({"EnableIAMDatabaseAuthentication": True}, "IAM database authentication"),
                            ({"BackupRetentionPeriod": 3}, "backup retention")]:
        with refused("InvalidParameterCombination", 400, fragment):
            rds.create_db_instance(DBInstanceIdentifier="strict-1", **member, **extra)
    with refused("InvalidParameterCombination", 400, "doesn't match the engine name"):
        rds.create_db_instance(DBInstanceIdentifier="strict-1", **{**member, "Engine": "postgres"})
    with refused("InvalidParameterCombination", 400):
        rds.create_db_instance(DBInstanceIdentifier="strict-1", **{**member, "DBInstanceClass": "db.t3.micro"})
    with refused("DBClusterNotFoundFault", 404):
        rds.create_db_instance(DBInstanceIdentifier="strict-1", **{**member, "DBClusterIdentifier": "nosuch"})
    with refused("InvalidParameterCombination", 400, "create the DB cluster first"):
        rds.create_db_instance(DBInstanceIdentifier="strict-1", Engine="aurora-postgresql", DBInstanceClass="db.r6g.large")
    assert rds.describe_db_instances()["DBInstances"] == []

    base = dict(Engine="aurora-postgresql", MasterUsername="postgres", MasterUserPassword=MASTER_PASSWORD)
    with refused("DBClusterAlreadyExistsFault", 400):
        rds.create_db_cluster(DBClusterIdentifier="STRICT", **base)
    with refused("InvalidParameterCombination", 400, "DBClusterInstanceClass isn't supported"):
        rds.create_db_cluster(DBClusterIdentifier="x", DBClusterInstanceClass="db.r6g.large", **base)
    with refused("DBClusterParameterGroupNotFound", 404):
        rds.create_db_cluster(DBClusterIdentifier="x", DBClusterParameterGroupName="nosuch", **base)
    with refused("InvalidParameterValue", 400, "Multi-AZ DB clusters are not served"):
        rds.create_db_cluster(DBClusterIdentifier="x", **{**base, "Engine": "postgres"})
    with refused("InvalidParameterCombination", 400, "Cannot find version"):
        rds.create_db_cluster(DBClusterIdentifier="x", EngineVersion="9.6", **base)
    with refused("InvalidParameterValue", 400, "MasterUserPassword"):
        rds.create_db_cluster(DBClusterIdentifier="x", Engine="aurora-postgresql", MasterUsername="postgres")
    with refused("DomainNotFoundFault", 404):
        rds.create_db_cluster(DBClusterIdentifier="x", Domain="d-0000000000", DomainIAMRoleName="r", **base)
    with refused("DBClusterNotFoundFault", 404, "DBCluster nosuch not found"):
        rds.describe_db_clusters(DBClusterIdentifier="nosuch")
    assert [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]] == ["strict"]


def test_deleting_a_cluster_needs_no_members_no_protection_and_a_final_snapshot_decision(rds):
    cluster_with_members(rds, "doomed", readers=0, DeletionProtection=True)
    with refused("InvalidParameterCombination", 400, "FinalDBSnapshotIdentifier is required"):
        rds.delete_db_cluster(DBClusterIdentifier="doomed")
    with refused("InvalidParameterCombination", 400, "disable deletion protection"):
        rds.delete_db_cluster(DBClusterIdentifier="doomed", SkipFinalSnapshot=True)
    rds.modify_db_cluster(DBClusterIdentifier="doomed", DeletionProtection=False, ApplyImmediately=True)
    with refused("InvalidDBClusterStateFault", 400, "still contains DB instances in non-deleting state"):
        rds.delete_db_cluster(DBClusterIdentifier="doomed", SkipFinalSnapshot=True)
    # The writer goes without a final snapshot of its own (its data is the cluster's).
    with refused("InvalidParameterCombination", 400):
        rds.delete_db_instance(DBInstanceIdentifier="doomed-1", FinalDBSnapshotIdentifier="nope")
    assert rds.delete_db_instance(DBInstanceIdentifier="doomed-1")["DBInstance"]["DBInstanceStatus"] == "deleting"
    rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="taken", DBClusterIdentifier="doomed")
    with refused("DBClusterSnapshotAlreadyExistsFault", 400):
        rds.delete_db_cluster(DBClusterIdentifier="doomed", FinalDBSnapshotIdentifier="taken")
    assert rds.delete_db_cluster(DBClusterIdentifier="doomed", FinalDBSnapshotIdentifier="last")["DBCluster"]["Status"] == "deleting"
    eventually(lambda: rds.describe_db_clusters()["DBClusters"] == [], timeout=30)
    eventually(lambda: rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="last")["DBClusterSnapshots"][0]["Status"] == "available")
    assert rds.describe_db_instances()["DBInstances"] == []


def test_deleting_the_writer_fails_over_and_the_last_member_leaves_the_data_to_the_cluster(rds, db):
    cluster = cluster_with_members(rds, "keeper", readers=1)
    assert sql(db, cluster, "CREATE TABLE kept (x int); INSERT INTO kept VALUES (42)").ok
    rds.delete_db_instance(DBInstanceIdentifier="keeper-1")
    cluster = wait_for_cluster(rds, "keeper", check=lambda c: [m["DBInstanceIdentifier"] for m in c["DBClusterMembers"]] == ["keeper-2"]
                               and writer_of(c) == "keeper-2")
    eventually(lambda: sql(db, cluster, "INSERT INTO kept VALUES (43)").ok)
    rds.delete_db_instance(DBInstanceIdentifier="keeper-2")
    wait_for_cluster(rds, "keeper", check=lambda c: c["DBClusterMembers"] == [])
    eventually(lambda: rds.describe_db_instances()["DBInstances"] == [])
    # A new member finds the cluster's data, as Aurora's storage outlives its instances.
    add_instance(rds, "keeper", "keeper-3")
    assert sql(db, cluster, "SELECT string_agg(x::text, ',' ORDER BY x) FROM kept").value == "42,43"


def test_describe_db_clusters_pages(rds):
    for number in range(21):
        create_cluster(rds, f"page{number:02d}", wait=False)
    first = rds.describe_db_clusters(MaxRecords=20)
    assert len(first["DBClusters"]) == 20 and first["Marker"]
    rest = rds.describe_db_clusters(MaxRecords=20, Marker=first["Marker"])
    assert [c["DBClusterIdentifier"] for c in rest["DBClusters"]] == ["page20"] and "Marker" not in rest
    with refused("InvalidParameterValue", 400):
        rds.describe_db_clusters(MaxRecords=5)
    with refused("InvalidParameterValue", 400, "Unrecognized filter name"):
        rds.describe_db_clusters(Filters=[{"Name": "colour", "Values": ["blue"]}])
    for number in range(21):
        wait_for_cluster(rds, f"page{number:02d}")


def test_cluster_tags_events_and_catalog(rds):
    cluster = create_cluster(rds, "tagged")
    rds.add_tags_to_resource(ResourceName=cluster["DBClusterArn"], Tags=[{"Key": "env", "Value": "ci"}])
    assert rds.list_tags_for_resource(ResourceName=cluster["DBClusterArn"])["TagList"] == [{"Key": "env", "Value": "ci"}]
    rds.remove_tags_from_resource(ResourceName=cluster["DBClusterArn"], TagKeys=["env"])
    assert rds.list_tags_for_resource(ResourceName=cluster["DBClusterArn"])["TagList"] == []
    events = rds.describe_events(SourceIdentifier="tagged", SourceType="db-cluster")["Events"]
    assert "DB cluster created" in [e["Message"] for e in events]

    versions = rds.describe_db_engine_versions(Engine="aurora-postgresql")["DBEngineVersions"]
    v168 = next(v for v in versions if v["EngineVersion"] == "16.8")
    assert (v168["DBParameterGroupFamily"], v168["DBEngineDescription"]) == ("aurora-postgresql16", "Aurora (PostgreSQL)")
    default = rds.describe_db_engine_versions(Engine="aurora-postgresql", DefaultOnly=True)["DBEngineVersions"]
    assert [v["EngineVersion"] for v in default] == ["16.8"]
    mysql = rds.describe_db_engine_versions(Engine="aurora-mysql", EngineVersion="8.0")["DBEngineVersions"]
    assert mysql and {v["DBParameterGroupFamily"] for v in mysql} == {"aurora-mysql8.0"}
    assert all(v["EngineVersion"].startswith("8.0.mysql_aurora.3.") for v in mysql)
    options = rds.describe_orderable_db_instance_options(Engine="aurora-postgresql", EngineVersion="16.8", MaxRecords=100)["OrderableDBInstanceOptions"]
    assert {o["StorageType"] for o in options} == {"aurora", "aurora-iopt1"}
    assert all(o["SupportsKerberosAuthentication"] and o["SupportsIAMDatabaseAuthentication"] and o["SupportsClusters"] for o in options)
    assert "db.t3.micro" not in {o["DBInstanceClass"] for o in options}
