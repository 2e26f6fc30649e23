"""Where Aurora keeps data: cluster snapshots (create, copy, delete), restores from them and to a
point in time (with Domain too), a restart of Kerbside after kill -9 that brings the cluster back
with the same writer, readers, endpoints, replication and data; and, on the same machinery for DB
instances, read replicas, CopyDBSnapshot and associated roles."""

from __future__ import annotations

import datetime
import json
import time

import pytest

from clusters import (add_instance, back_after_a_crash, cluster_with_members, create_cluster, eventually, failed_over_cluster,
                      wait_for_cluster, writer_of)
from databases import MASTER_PASSWORD, DatabaseClient, create_instance, kerberos_role, wait_for_status
from directories import create_directory, user_with_password
from harness import assert_gone
from kerberos import KerberosClient
from refusals import refused

REALM = "CORP.EXAMPLE.COM"


@pytest.fixture
def db(endpoint, tmp_path):
    return DatabaseClient(endpoint, tmp_path)


def master(db, host, statement):
    return db.connect(host, 5432, "postgres", statement, password=MASTER_PASSWORD)


def wait_for_cluster_snapshot(rds, identifier: str) -> dict:
    return eventually(lambda: next((s for s in rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier=identifier)["DBClusterSnapshots"]
                                    if s["Status"] == "available"), None), timeout=30)


# --- cluster snapshots and restores ---------------------------------------------------------------

def test_a_restored_cluster_has_the_rows_from_before_its_snapshot(rds, db):
    cluster = cluster_with_members(rds, "source", readers=1)
    assert master(db, cluster["Endpoint"], "CREATE TABLE notes (n text); INSERT INTO notes VALUES ('before')").ok
    created = rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="Nightly", DBClusterIdentifier="source",
                                             Tags=[{"Key": "kind", "Value": "nightly"}])["DBClusterSnapshot"]
    assert created["Status"] == "creating" and created["DBClusterSnapshotIdentifier"] == "nightly"
    snapshot = wait_for_cluster_snapshot(rds, "nightly")
    assert (snapshot["DBClusterIdentifier"], snapshot["Engine"], snapshot["SnapshotType"], snapshot["DbClusterResourceId"]) == (
        "source", "aurora-postgresql", "manual", cluster["DbClusterResourceId"])
    assert snapshot["DBClusterSnapshotArn"] == "arn:aws:rds:us-east-1:123456789012:cluster-snapshot:nightly"
    assert rds.list_tags_for_resource(ResourceName=snapshot["DBClusterSnapshotArn"])["TagList"] == [{"Key": "kind", "Value": "nightly"}]
    assert master(db, cluster["Endpoint"], "INSERT INTO notes VALUES ('after')").ok

    copy = rds.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier="nightly", TargetDBClusterSnapshotIdentifier="kept",
                                        CopyTags=True)["DBClusterSnapshot"]
    assert copy["DBClusterSnapshotIdentifier"] == "kept"
    wait_for_cluster_snapshot(rds, "kept")
    with refused("DBClusterSnapshotAlreadyExistsFault", 400):
        rds.copy_db_cluster_snapshot(SourceDBClusterSnapshotIdentifier="nightly", TargetDBClusterSnapshotIdentifier="kept")
    rds.delete_db_cluster_snapshot(DBClusterSnapshotIdentifier="nightly")
    with refused("DBClusterSnapshotNotFoundFault", 404):
        rds.describe_db_cluster_snapshots(DBClusterSnapshotIdentifier="nightly")

    restored = rds.restore_db_cluster_from_snapshot(DBClusterIdentifier="restored", SnapshotIdentifier="kept",
                                                    Engine="aurora-postgresql")["DBCluster"]
    assert restored["Status"] == "creating" and restored["DBClusterMembers"] == []
    restored = wait_for_cluster(rds, "restored")
    assert restored["MasterUsername"] == "postgres" and restored["DbClusterResourceId"] != cluster["DbClusterResourceId"]
    add_instance(rds, "restored", "restored-1")
    add_instance(rds, "restored", "restored-2")
    assert master(db, restored["Endpoint"], "SELECT string_agg(n, ',') FROM notes").value == "before"
    assert eventually(lambda: master(db, restored["ReaderEndpoint"], "SELECT string_agg(n, ',') FROM notes").stdout.strip() == "before")
    with refused("DBClusterSnapshotNotFoundFault", 404):
        rds.restore_db_cluster_from_snapshot(DBClusterIdentifier="x", SnapshotIdentifier="nosuch", Engine="aurora-postgresql")
    with refused("DBClusterAlreadyExistsFault", 400):
        rds.restore_db_cluster_from_snapshot(DBClusterIdentifier="source", SnapshotIdentifier="kept", Engine="aurora-postgresql")
    with refused("InvalidDBClusterStateFault", 400, "not currently in the available state"):
        rds.stop_db_cluster(DBClusterIdentifier="source")
        rds.create_db_cluster_snapshot(DBClusterSnapshotIdentifier="while-stopping", DBClusterIdentifier="source")


def test_a_point_in_time_restore_with_a_domain_has_what_was_committed_before(rds, ds, dsdata, iam, ec2, db, endpoint, tmp_path):
    directory = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory)
    user_with_password(ds, dsdata, directory, "alice", "Wonder-Land-42")
    role = kerberos_role(iam)
    cluster = cluster_with_members(rds, "timeline", readers=1)
    assert master(db, cluster["Endpoint"], "CREATE TABLE events (e text); INSERT INTO events VALUES ('early')").ok
    time.sleep(1.2)
    target = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(1.2)
    assert master(db, cluster["Endpoint"], "INSERT INTO events VALUES ('late')").ok
    # A failover in between: the archive follows the new writer.
    rds.failover_db_cluster(DBClusterIdentifier="timeline")
    wait_for_cluster(rds, "timeline", check=lambda c: writer_of(c) == "timeline-2")
    eventually(lambda: master(db, cluster["Endpoint"], "INSERT INTO events VALUES ('later')").ok)

    rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="at-t", SourceDBClusterIdentifier="timeline", RestoreToTime=target,
                                            Domain=directory, DomainIAMRoleName=role)
    rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="latest", SourceDBClusterIdentifier="timeline", UseLatestRestorableTime=True)
    at_t = wait_for_cluster(rds, "at-t", check=lambda c: c["DomainMemberships"] and c["DomainMemberships"][0]["Status"] == "kerberos-enabled")
    add_instance(rds, "at-t", "at-t-1")
    assert master(db, at_t["Endpoint"], "SELECT string_agg(e, ',') FROM events").value == "early"
    assert master(db, at_t["Endpoint"], f'CREATE USER "alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{REALM}";').ok
    krb = KerberosClient(endpoint, tmp_path)
    assert krb.kinit(f"alice@{REALM}", "Wonder-Land-42", cache="alice").ok
    assert db.connect(at_t["Endpoint"], 5432, f"alice@{REALM}", cache="alice").value == f"alice@{REALM}"
    latest = wait_for_cluster(rds, "latest")
    add_instance(rds, "latest", "latest-1")
    assert master(db, latest["Endpoint"], "SELECT string_agg(e, ',' ORDER BY e) FROM events").value == "early,late,later"

    with refused("InvalidParameterCombination", 400):
        rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="x", SourceDBClusterIdentifier="timeline")
    with refused("InvalidRestoreFault", 400, "not within the restorable window"):
        rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="x", SourceDBClusterIdentifier="timeline",
                                                RestoreToTime=datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc))
    with refused("DBClusterNotFoundFault", 404):
        rds.restore_db_cluster_to_point_in_time(DBClusterIdentifier="x", SourceDBClusterIdentifier="nosuch", UseLatestRestorableTime=True)
    assert "x" not in [c["DBClusterIdentifier"] for c in rds.describe_db_clusters()["DBClusters"]]


# --- a restart after kill -9 ----------------------------------------------------------------------

def test_a_killed_kerbside_brings_the_cluster_back_as_it_was(start_kerbside):
    first = start_kerbside(start_kerbside.base / "restart-data")
    rds = first.client("rds")
    cluster = failed_over_cluster(rds, "durable", "aurora-postgresql")
    rds.create_db_cluster_endpoint(DBClusterIdentifier="durable", DBClusterEndpointIdentifier="readers", EndpointType="READER")
    db = DatabaseClient(first.endpoint, start_kerbside.base)
    eventually(lambda: master(db, cluster["Endpoint"], "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('survives')").ok)
    hosts = db.hosts()

    second, rds, servers = back_after_a_crash(start_kerbside, first, cluster)
    db = DatabaseClient(second.endpoint, start_kerbside.base)
    assert db.hosts() == hosts
    assert master(db, cluster["Endpoint"], "SELECT note FROM kept").value == "survives"
    assert master(db, cluster["Endpoint"], "INSERT INTO kept VALUES ('after')").ok
    custom = rds.describe_db_cluster_endpoints(DBClusterEndpointIdentifier="readers")["DBClusterEndpoints"][0]["Endpoint"]
    assert eventually(lambda: master(db, custom, "SELECT count(*) FROM kept").stdout.strip() == "2")
    assert master(db, custom, "SELECT pg_is_in_recovery()").value == "t"
    assert_gone(servers)


# --- the same machinery for DB instances ----------------------------------------------------------

def test_a_read_replica_streams_from_its_source_until_promoted(rds, db):
    source = create_instance(rds, "primary")
    db.master(source, "CREATE TABLE items (i int); INSERT INTO items VALUES (1)")
    created = rds.create_db_instance_read_replica(DBInstanceIdentifier="replica", SourceDBInstanceIdentifier="primary")["DBInstance"]
    assert created["DBInstanceStatus"] == "creating" and created["ReadReplicaSourceDBInstanceIdentifier"] == "primary"
    replica = wait_for_status(rds, "replica")
    assert rds.describe_db_instances(DBInstanceIdentifier="primary")["DBInstances"][0]["ReadReplicaDBInstanceIdentifiers"] == ["replica"]
    assert db.master(replica, "SELECT count(*) FROM items") == "1"
    db.master(source, "INSERT INTO items VALUES (2)")
    assert eventually(lambda: db.psql(replica, "postgres", "SELECT count(*) FROM items", password=MASTER_PASSWORD).stdout.strip() == "2")
    refusal = db.psql(replica, "postgres", "INSERT INTO items VALUES (3)", password=MASTER_PASSWORD, verbose=True)
    assert not refusal.ok and "25006" in refusal.stderr
    with refused("InvalidParameterCombination", 400, "read replica"):
        rds.modify_db_instance(DBInstanceIdentifier="replica", MasterUserPassword="Other-Pass-123", ApplyImmediately=True)
    with refused("InvalidDBInstanceState", 400, "not a read replica"):
        rds.promote_read_replica(DBInstanceIdentifier="primary")

    assert rds.promote_read_replica(DBInstanceIdentifier="replica")["DBInstance"]["DBInstanceStatus"] == "modifying"
    promoted = eventually(lambda: (lambda i: i if i["DBInstanceStatus"] == "available" and "ReadReplicaSourceDBInstanceIdentifier" not in i else None)(
        rds.describe_db_instances(DBInstanceIdentifier="replica")["DBInstances"][0]))
    assert db.master(promoted, "INSERT INTO items VALUES (3); SELECT count(*) FROM items").endswith("3")
    assert db.master(source, "SELECT count(*) FROM items") == "2"
    with refused("InvalidDBInstanceState", 400, "Automated backups are not enabled"):
        create_instance(rds, "no-backups", BackupRetentionPeriod=0)
        rds.create_db_instance_read_replica(DBInstanceIdentifier="x", SourceDBInstanceIdentifier="no-backups")


def test_copy_db_snapshot_and_associated_roles(rds, iam, db):
    instance = create_instance(rds, "copied")
    db.master(instance, "CREATE TABLE t (v text); INSERT INTO t VALUES ('in the copy')")
    rds.create_db_snapshot(DBSnapshotIdentifier="original", DBInstanceIdentifier="copied")
    eventually(lambda: rds.describe_db_snapshots(DBSnapshotIdentifier="original")["DBSnapshots"][0]["Status"] == "available")
    rds.copy_db_snapshot(SourceDBSnapshotIdentifier="original", TargetDBSnapshotIdentifier="duplicate")
    eventually(lambda: rds.describe_db_snapshots(DBSnapshotIdentifier="duplicate")["DBSnapshots"][0]["Status"] == "available")
    rds.delete_db_snapshot(DBSnapshotIdentifier="original")
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="from-copy", DBSnapshotIdentifier="duplicate")
    assert db.master(wait_for_status(rds, "from-copy"), "SELECT v FROM t") == "in the copy"
    with refused("DBSnapshotAlreadyExists", 400):
        rds.copy_db_snapshot(SourceDBSnapshotIdentifier="duplicate", TargetDBSnapshotIdentifier="duplicate")

    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "rds.amazonaws.com"}}]}
    arn = iam.create_role(RoleName="s3-import", AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    rds.add_role_to_db_instance(DBInstanceIdentifier="copied", RoleArn=arn, FeatureName="s3Import")
    assert rds.describe_db_instances(DBInstanceIdentifier="copied")["DBInstances"][0]["AssociatedRoles"] == [
        {"RoleArn": arn, "FeatureName": "s3Import", "Status": "ACTIVE"}]
    with refused("DBInstanceRoleAlreadyExists", 400):
        rds.add_role_to_db_instance(DBInstanceIdentifier="copied", RoleArn=arn, FeatureName="s3Import")
    rds.remove_role_from_db_instance(DBInstanceIdentifier="copied", RoleArn=arn, FeatureName="s3Import")
    with refused("DBInstanceRoleNotFound", 404):
        rds.remove_role_from_db_instance(DBInstanceIdentifier="copied", RoleArn=arn, FeatureName="s3Import")
    create_cluster(rds, "roles")
    rds.add_role_to_db_cluster(DBClusterIdentifier="roles", RoleArn=arn)
    assert rds.describe_db_clusters(DBClusterIdentifier="roles")["DBClusters"][0]["AssociatedRoles"] == [{"RoleArn": arn, "Status": "ACTIVE"}]
    with refused("InvalidParameterValue", 400, "no such IAM role"):
        rds.add_role_to_db_cluster(DBClusterIdentifier="roles", RoleArn="arn:aws:iam::123456789012:role/nosuch")
    rds.remove_role_from_db_cluster(DBClusterIdentifier="roles", RoleArn=arn)
    assert rds.describe_db_clusters(DBClusterIdentifier="roles")["DBClusters"][0]["AssociatedRoles"] == []
