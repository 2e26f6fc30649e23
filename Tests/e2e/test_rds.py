"""RDS for PostgreSQL on real PostgreSQL: the seed story (directory, role, instance, kinit, psql),
password logins, the refusals, lifecycle operations, and the restart after kill -9."""

from __future__ import annotations

import datetime
import json
import os
import re
import signal
import time
from pathlib import Path

import pytest

from databases import (MASTER_PASSWORD, DatabaseClient, create_instance, kerberos_role, restore_around, wait_for_membership,
                       wait_for_snapshot, wait_for_status)
from directories import ADMIN_PASSWORD, create_directory, trusted_forest, user_with_password
from harness import assert_gone
from refusals import refused
from kerberos import KerberosClient

REALM = "CORP.EXAMPLE.COM"
ALICE_PASSWORD = "Wonder-Land-42"


@pytest.fixture
def db(endpoint, tmp_path):
    return DatabaseClient(endpoint, tmp_path)


@pytest.fixture
def krb(endpoint, tmp_path):
    return KerberosClient(endpoint, tmp_path)


def kerberos_instance(rds, ds, dsdata, iam, ec2, **extra):
    directory = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory)
    user_with_password(ds, dsdata, directory, "alice", ALICE_PASSWORD)
    role = kerberos_role(iam)
    instance = create_instance(rds, Domain=directory, DomainIAMRoleName=role, **extra)
    return directory, instance


# --- passwords, endpoints, TLS -------------------------------------------------------------------

def wait_for_refusal(kerbside, instance: dict, method: str, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        engine = [e for e in kerbside.health()["engines"] if e["dbiResourceId"] == instance["DbiResourceId"]][0]
        found = [r for r in engine["refusedLogins"] if r["method"] == method]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no {method} refusal reported: {engine['refusedLogins']}"
        time.sleep(0.1)


def test_an_instance_is_a_real_postgres_reached_by_its_endpoint_over_verified_tls(rds, db, kerbside):
    created = rds.create_db_instance(DBInstanceIdentifier="AppDB", Engine="postgres", DBInstanceClass="db.t3.micro",
                                     AllocatedStorage=20, MasterUsername="master", MasterUserPassword=MASTER_PASSWORD,
                                     DBName="app", Tags=[{"Key": "team", "Value": "db"}])["DBInstance"]
    assert created["DBInstanceStatus"] == "creating" and created["DBInstanceIdentifier"] == "appdb"
    instance = wait_for_status(rds, "appdb")
    assert re.fullmatch(r"db-[A-Z2-7]{26}", instance["DbiResourceId"])
    assert re.fullmatch(r"appdb\.[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com", instance["Endpoint"]["Address"])
    assert instance["Endpoint"]["Port"] == 5432 and instance["Engine"] == "postgres"
    assert instance["DBInstanceArn"] == "arn:aws:rds:us-east-1:123456789012:db:appdb"
    assert instance["TagList"] == [{"Key": "team", "Value": "db"}]
    assert db.hosts()[instance["Endpoint"]["Address"]].startswith("127.")

    login = db.psql(instance, "master", "SELECT current_user || ' ' || current_database() || ' ' || "
                    "(SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())", password=MASTER_PASSWORD, database="app")
    assert login.value == "master app true"
    assert "rds_superuser" in db.master(instance, "SELECT string_agg(b.rolname, ',') FROM pg_auth_members m "
                                        "JOIN pg_roles a ON a.oid = m.member JOIN pg_roles b ON b.oid = m.roleid "
                                        "WHERE a.rolname = 'master'")
    wrong = db.psql(instance, "master", password="not-the-password")
    assert not wrong.ok and 'password authentication failed for user "master"' in wrong.stderr
    # Kerbside reports the refusal with the server's reason, never the password.
    refusal = wait_for_refusal(kerbside, instance, "password")
    assert refusal["user"] == "master" and "not-the-password" not in json.dumps(kerbside.health())
    # The certificate names the endpoint, so verify-full refuses any other name.
    other = db.psql(instance, "master", password=MASTER_PASSWORD, host="elsewhere.example.com")
    assert not other.ok and "does not match host name" in other.stderr


def test_describe_filters_paging_and_the_cli(rds, aws):
    first = create_instance(rds, "one")
    create_instance(rds, "two", wait=False)
    wait_for_status(rds, "two")
    by_resource = rds.describe_db_instances(Filters=[{"Name": "dbi-resource-id", "Values": [first["DbiResourceId"]]}])
    assert [i["DBInstanceIdentifier"] for i in by_resource["DBInstances"]] == ["one"]
    assert rds.describe_db_instances(Filters=[{"Name": "domain", "Values": ["d-1234567890"]}])["DBInstances"] == []
    page = rds.describe_db_instances(MaxRecords=20)
    assert [i["DBInstanceIdentifier"] for i in page["DBInstances"]] == ["one", "two"]
    with refused("DBInstanceNotFound", 404, "nosuch"):
        rds.describe_db_instances(DBInstanceIdentifier="nosuch")
    listed = aws("rds", "describe-db-instances", "--db-instance-identifier", "one")
    assert listed.code == 0, listed.stderr
    assert listed.json["DBInstances"][0]["DbiResourceId"] == first["DbiResourceId"]
    waited = aws("rds", "wait", "db-instance-available", "--db-instance-identifier", "two")
    assert waited.code == 0, waited.stderr


def test_bad_requests_are_refused_and_create_nothing(rds):
    base = dict(Engine="postgres", DBInstanceClass="db.t3.micro", AllocatedStorage=20, MasterUsername="postgres",
                MasterUserPassword=MASTER_PASSWORD)
    for identifier in ("1abc", "ab--c", "abc-", "a" * 64, "under_score"):
        with refused("InvalidParameterValue", 400, "is not a valid identifier"):
            rds.create_db_instance(DBInstanceIdentifier=identifier, **base)
    with refused("InvalidParameterValue", 400, "shorter than 8 characters"):
        rds.create_db_instance(DBInstanceIdentifier="x", **{**base, "MasterUserPassword": "short"})
    with refused("InvalidParameterValue", 400, "printable ASCII"):
        rds.create_db_instance(DBInstanceIdentifier="x", **{**base, "MasterUserPassword": "has/slash-123"})
    without_password = {k: v for k, v in base.items() if k != "MasterUserPassword"}
    with refused("InvalidParameterValue", 400, "MasterUserPassword"):
        rds.create_db_instance(DBInstanceIdentifier="x", **without_password)
    with refused("InvalidParameterValue", 400, "reserved word"):
        rds.create_db_instance(DBInstanceIdentifier="x", **{**base, "MasterUsername": "rdsadmin"})
    with refused("InvalidParameterCombination", 400, "Cannot find version 9.1"):
        rds.create_db_instance(DBInstanceIdentifier="x", **{**base, "EngineVersion": "9.1"})
    with refused("InvalidParameterValue", 400, "Invalid storage size"):
        rds.create_db_instance(DBInstanceIdentifier="x", **{**base, "AllocatedStorage": 5})
    with refused("InvalidParameterValue", 400):
        rds.create_db_instance(DBInstanceIdentifier="x", **{**base, "Port": 80})
    assert rds.describe_db_instances()["DBInstances"] == []
    create_instance(rds, "taken", wait=False)
    with refused("DBInstanceAlreadyExists", 400):
        rds.create_db_instance(DBInstanceIdentifier="TAKEN", **base)
    wait_for_status(rds, "taken")


# --- Kerberos: the seed story ----------------------------------------------------------------------

def test_the_seed_story_kerberos_login_with_kinit_and_psql(rds, ds, dsdata, iam, ec2, db, krb, kerbside):
    directory, instance = kerberos_instance(rds, ds, dsdata, iam, ec2)
    membership = instance["DomainMemberships"][0]
    assert membership == {"Domain": directory, "Status": "kerberos-enabled", "FQDN": "corp.example.com",
                          "IAMRoleName": "rds-directoryservice-kerberos-access-role"}
    assert rds.describe_db_instances(Filters=[{"Name": "domain", "Values": [directory]}])["DBInstances"][0]["DBInstanceIdentifier"] == "kerbdb"
    db.master(instance, f'CREATE USER "alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{REALM}";')
    assert f"{instance['Endpoint']['Address']} = {REALM}" in krb.refresh()

    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    login = db.psql(instance, f"alice@{REALM}", "SELECT current_user || ' ' || (SELECT gss_authenticated FROM pg_stat_gssapi WHERE pid = pg_backend_pid())",
                    cache="alice")
    assert login.value == f"alice@{REALM} true"
    encrypted = db.psql(instance, f"alice@{REALM}", "SELECT encrypted FROM pg_stat_gssapi WHERE pid = pg_backend_pid()",
                        cache="alice", gssencmode="require", sslmode="disable")
    assert encrypted.value == "t"

    # No ticket, a ticket of someone else, a password instead of a ticket: all refused.
    no_ticket = db.psql(instance, f"alice@{REALM}", cache="nobody")
    assert not no_ticket.ok and "GSSAPI" in no_ticket.stderr
    assert krb.kinit(f"Admin@{REALM}", ADMIN_PASSWORD, cache="admin").ok
    impostor = db.psql(instance, f"alice@{REALM}", cache="admin")
    assert not impostor.ok and f'GSSAPI authentication failed for user "alice@{REALM}"' in impostor.stderr
    assert wait_for_refusal(kerbside, instance, "kerberos")["user"] == f"alice@{REALM}"
    db.master(instance, f"ALTER ROLE \"alice@{REALM}\" PASSWORD 'Some-Password-1'")
    by_password = db.psql(instance, f"alice@{REALM}", password="Some-Password-1")
    assert not by_password.ok and "GSSAPI" in by_password.stderr and "password" not in by_password.stderr


def test_the_join_refuses_unknown_directories_and_invalid_roles(rds, ds, iam, ec2):
    directory = create_directory(ds, ec2)
    with refused("DomainNotFoundFault", 404):
        create_instance(rds, Domain="d-0000000000", DomainIAMRoleName="whatever")
    message = "IAM role provided is not valid, please check that the role exists and has the correct policies"
    with refused("InvalidParameterValue", 400, message):
        create_instance(rds, Domain=directory, DomainIAMRoleName="missing")
    only_rds = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                       "Principal": {"Service": "rds.amazonaws.com"}}]}
    kerberos_role(iam, "only-rds", trust=only_rds)
    with refused("InvalidParameterValue", 400, message):
        create_instance(rds, Domain=directory, DomainIAMRoleName="only-rds")
    kerberos_role(iam, "no-policy", attach=False)
    with refused("InvalidParameterValue", 400, message):
        create_instance(rds, Domain=directory, DomainIAMRoleName="no-policy")
    with refused("InvalidParameterCombination", 400):
        create_instance(rds, Domain=directory)
    assert rds.describe_db_instances()["DBInstances"] == []


def test_a_network_that_cannot_reach_the_directory_fails_the_join_until_fixed(rds, ds, dsdata, iam, ec2, db, krb):
    directory = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory)
    user_with_password(ds, dsdata, directory, "alice", ALICE_PASSWORD)
    role = kerberos_role(iam)
    vpc = [v for v in ec2.describe_vpcs()["Vpcs"] if v["IsDefault"]][0]["VpcId"]
    closed = ec2.create_security_group(GroupName="closed", Description="no egress", VpcId=vpc)["GroupId"]
    ec2.revoke_security_group_egress(GroupId=closed, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    create_instance(rds, Domain=directory, DomainIAMRoleName=role, VpcSecurityGroupIds=[closed])
    failed = wait_for_membership(rds, "kerbdb", ["enable-kerberos-failed"])
    assert failed["DomainMemberships"][0]["Domain"] == directory
    health = [e for e in db_health(db) if e["dbInstanceIdentifier"] == "kerbdb"][0]
    assert "allow no traffic" in health["domainStatusReason"]

    ec2.authorize_security_group_egress(GroupId=closed, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 88, "ToPort": 88,
                                                                         "IpRanges": [{"CidrIp": "172.31.0.0/16"}]}])
    rds.modify_db_instance(DBInstanceIdentifier="kerbdb", Domain=directory, DomainIAMRoleName=role, ApplyImmediately=True)
    instance = wait_for_membership(rds, "kerbdb", ["kerberos-enabled"])
    db.master(instance, f'CREATE USER "alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{REALM}";')
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    assert db.psql(instance, f"alice@{REALM}", cache="alice").value == f"alice@{REALM}"


def db_health(db) -> list[dict]:
    import urllib.request
    with urllib.request.urlopen(f"{db.endpoint}/_kerbside/health", timeout=10) as response:
        return json.loads(response.read())["engines"]


def test_joining_later_leaving_and_a_pending_join_applied_at_reboot(rds, ds, dsdata, iam, ec2, db, krb):
    directory = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory)
    user_with_password(ds, dsdata, directory, "alice", ALICE_PASSWORD)
    role = kerberos_role(iam)
    instance = create_instance(rds)
    assert instance["DomainMemberships"] == []

    pending = rds.modify_db_instance(DBInstanceIdentifier="kerbdb", Domain=directory, DomainIAMRoleName=role)["DBInstance"]
    assert pending["DomainMemberships"][0]["Status"] == "pending-enable-kerberos"
    rds.reboot_db_instance(DBInstanceIdentifier="kerbdb")
    instance = wait_for_membership(rds, "kerbdb", ["kerberos-enabled"])
    wait_for_status(rds, "kerbdb")
    db.master(instance, f'CREATE USER "alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{REALM}";')
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    assert db.psql(instance, f"alice@{REALM}", cache="alice").ok

    # Leaving without ApplyImmediately waits for the reboot.
    pending_leave = rds.modify_db_instance(DBInstanceIdentifier="kerbdb", DisableDomain=True)["DBInstance"]
    assert pending_leave["DomainMemberships"][0]["Status"] == "pending-disable-kerberos"
    assert db.psql(instance, f"alice@{REALM}", cache="alice").ok
    rds.reboot_db_instance(DBInstanceIdentifier="kerbdb")
    wait_for_membership(rds, "kerbdb", [None])
    wait_for_status(rds, "kerbdb")
    left = db.psql(instance, f"alice@{REALM}", cache="alice")
    assert not left.ok and "pg_hba.conf rejects connection" in left.stderr
    assert instance["Endpoint"]["Address"] not in krb.refresh()

    # Joining and leaving with ApplyImmediately take effect at once.
    # The service's keys are new after leaving and joining again, so a fresh ticket is needed
    # (a cached one fails its integrity check, as with any re-keyed Kerberos service).
    rds.modify_db_instance(DBInstanceIdentifier="kerbdb", Domain=directory, DomainIAMRoleName=role, ApplyImmediately=True)
    wait_for_membership(rds, "kerbdb", ["kerberos-enabled"])
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice-again").ok
    assert db.psql(instance, f"alice@{REALM}", cache="alice-again").ok
    rds.modify_db_instance(DBInstanceIdentifier="kerbdb", Domain="none", ApplyImmediately=True)
    wait_for_membership(rds, "kerbdb", [None])
    assert not db.psql(instance, f"alice@{REALM}", cache="alice-again").ok


# --- lifecycle ----------------------------------------------------------------------------------

def test_stop_start_reboot_modify_and_delete_act_on_the_server(rds, db, kerbside):
    instance = create_instance(rds)
    db.master(instance, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('before stop')")
    with refused("InvalidDBInstanceState", 400):
        rds.start_db_instance(DBInstanceIdentifier="kerbdb")
    assert rds.stop_db_instance(DBInstanceIdentifier="kerbdb")["DBInstance"]["DBInstanceStatus"] == "stopping"
    wait_for_status(rds, "kerbdb", ["stopped"])
    stopped = db.psql(instance, "postgres", password=MASTER_PASSWORD)
    assert not stopped.ok
    with refused("InvalidDBInstanceState", 400):
        rds.modify_db_instance(DBInstanceIdentifier="kerbdb", MasterUserPassword="Another-Pass-1")
    rds.start_db_instance(DBInstanceIdentifier="kerbdb")
    wait_for_status(rds, "kerbdb")
    assert db.master(instance, "SELECT note FROM kept") == "before stop"

    rds.modify_db_instance(DBInstanceIdentifier="kerbdb", MasterUserPassword="Another-Pass-1", ApplyImmediately=True)
    assert not db.psql(instance, "postgres", password=MASTER_PASSWORD).ok
    assert db.psql(instance, "postgres", password="Another-Pass-1").ok
    rds.modify_db_instance(DBInstanceIdentifier="kerbdb", MasterUserPassword=MASTER_PASSWORD, ApplyImmediately=True)

    rds.reboot_db_instance(DBInstanceIdentifier="kerbdb")
    wait_for_status(rds, "kerbdb")
    assert db.master(instance, "SELECT note FROM kept") == "before stop"

    rds.modify_db_instance(DBInstanceIdentifier="kerbdb", DBPortNumber=6543, ApplyImmediately=True)
    instance = wait_for_status(rds, "kerbdb")
    assert instance["Endpoint"]["Port"] == 6543
    assert db.master(instance, "SELECT current_setting('port')") == "6543"

    with refused("InvalidParameterCombination", 400):
        rds.delete_db_instance(DBInstanceIdentifier="kerbdb")
    deleted = rds.delete_db_instance(DBInstanceIdentifier="kerbdb", SkipFinalSnapshot=True)["DBInstance"]
    assert deleted["DBInstanceStatus"] == "deleting"
    gone = rds.get_waiter("db_instance_deleted")
    gone.wait(DBInstanceIdentifier="kerbdb", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    health = kerbside.health()
    assert health["engines"] == []


def test_a_killed_kerbside_brings_its_instances_back_with_their_data(start_kerbside, boto):
    data = start_kerbside.base / "restart-data"
    first = start_kerbside(data)
    rds = first.client("rds")
    instance = create_instance(rds)
    client = DatabaseClient(first.endpoint, data.parent)
    client.master(instance, "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('survives')")
    [postmaster] = first.crash()

    second = start_kerbside(data)
    rds = second.client("rds")
    again = wait_for_status(rds, "kerbdb")
    assert again["Endpoint"] == instance["Endpoint"]
    client = DatabaseClient(second.endpoint, data.parent)
    assert client.master(again, "SELECT note FROM kept") == "survives"
    engine = second.health()["engines"][0]
    assert engine["server"]["state"] == "running" and engine["server"]["pid"] != postmaster
    assert_gone([postmaster])


# --- snapshots, restores, events -----------------------------------------------------------------

def test_a_snapshot_restores_the_data_written_before_it_and_not_after(rds, db, ds, dsdata, iam, ec2, krb):
    source = create_instance(rds)
    db.master(source, "CREATE TABLE notes (note text); INSERT INTO notes VALUES ('before')")
    rds.create_db_snapshot(DBSnapshotIdentifier="first", DBInstanceIdentifier="kerbdb", Tags=[{"Key": "k", "Value": "v"}])
    snapshot = wait_for_snapshot(rds, "first")
    assert snapshot["DbiResourceId"] == source["DbiResourceId"] and snapshot["SnapshotType"] == "manual"
    assert snapshot["TagList"] == [{"Key": "k", "Value": "v"}]
    db.master(source, "INSERT INTO notes VALUES ('after')")
    with refused("DBSnapshotAlreadyExists", 400):
        rds.create_db_snapshot(DBSnapshotIdentifier="first", DBInstanceIdentifier="kerbdb")

    directory = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory)
    user_with_password(ds, dsdata, directory, "alice", ALICE_PASSWORD)
    role = kerberos_role(iam)
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="restored", DBSnapshotIdentifier="first",
                                             Domain=directory, DomainIAMRoleName=role)
    # The restore is done when its call answers (CallWork), so the snapshot is free again.
    restored = wait_for_status(rds, "restored")
    assert restored["DomainMemberships"][0]["Status"] == "kerberos-enabled"
    assert db.master(restored, "SELECT string_agg(note, ',') FROM notes") == "before"
    assert db.master(source, "SELECT string_agg(note, ',' ORDER BY note) FROM notes") == "after,before"
    # The restored instance is joined to the directory: Kerberos logins work on it.
    db.master(restored, f'CREATE USER "alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{REALM}";')
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    assert db.psql(restored, f"alice@{REALM}", cache="alice").value == f"alice@{REALM}"

    snapshot_arn = "arn:aws:rds:us-east-1:123456789012:snapshot:first"
    rds.add_tags_to_resource(ResourceName=snapshot_arn, Tags=[{"Key": "keep", "Value": "yes"}])
    assert rds.list_tags_for_resource(ResourceName=snapshot_arn)["TagList"] == [{"Key": "k", "Value": "v"}, {"Key": "keep", "Value": "yes"}]
    rds.delete_db_snapshot(DBSnapshotIdentifier="first")
    with refused("DBSnapshotNotFound", 404):
        rds.describe_db_snapshots(DBSnapshotIdentifier="first")
    with refused("DBSnapshotNotFound", 404):
        rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="again", DBSnapshotIdentifier="first")


def test_a_point_in_time_restore_replays_the_log_until_that_time(rds, db):
    source = create_instance(rds)
    db.master(source, "CREATE TABLE notes (note text); INSERT INTO notes VALUES ('early')")
    as_of, latest = restore_around(rds, "kerbdb", lambda: db.master(source, "INSERT INTO notes VALUES ('late')"))
    assert db.master(as_of, "SELECT string_agg(note, ',') FROM notes") == "early"
    assert db.master(latest, "SELECT string_agg(note, ',' ORDER BY note) FROM notes") == "early,late"
    # A restored instance is an ordinary one: it takes writes.
    db.master(as_of, "INSERT INTO notes VALUES ('new')")

    too_early = datetime.datetime(2001, 1, 1, tzinfo=datetime.timezone.utc)
    with refused("InvalidRestoreFault", 400):
        rds.restore_db_instance_to_point_in_time(SourceDBInstanceIdentifier="kerbdb", TargetDBInstanceIdentifier="x", RestoreTime=too_early)
    with refused("InvalidParameterCombination", 400):
        rds.restore_db_instance_to_point_in_time(SourceDBInstanceIdentifier="kerbdb", TargetDBInstanceIdentifier="x")
    create_instance(rds, "nobackups", BackupRetentionPeriod=0)
    with refused("PointInTimeRestoreNotEnabled", 400):
        rds.restore_db_instance_to_point_in_time(SourceDBInstanceIdentifier="nobackups", TargetDBInstanceIdentifier="x", UseLatestRestorableTime=True)


def test_a_final_snapshot_outlives_its_instance_and_events_tell_the_story(rds, db):
    instance = create_instance(rds)
    db.master(instance, "CREATE TABLE notes (note text); INSERT INTO notes VALUES ('last words')")
    rds.reboot_db_instance(DBInstanceIdentifier="kerbdb")
    wait_for_status(rds, "kerbdb")
    rds.delete_db_instance(DBInstanceIdentifier="kerbdb", FinalDBSnapshotIdentifier="final")
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="kerbdb", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    wait_for_snapshot(rds, "final")
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="kerbdb", DBSnapshotIdentifier="final")
    again = wait_for_status(rds, "kerbdb")
    assert db.master(again, "SELECT note FROM notes") == "last words"

    messages = [e["Message"] for e in rds.describe_events(SourceType="db-instance", SourceIdentifier="kerbdb")["Events"]]
    for expected in ("DB instance created", "DB instance available", "DB instance restarted", "DB instance deleted",
                     "Snapshot final created"):
        assert expected in messages, messages
    with refused("InvalidParameterCombination", 400):
        rds.describe_events(SourceIdentifier="kerbdb")


def test_users_of_a_trusted_forest_log_in_too(rds, ds, dsdata, iam, ec2, db, krb):
    corp, instance = kerberos_instance(rds, ds, dsdata, iam, ec2)
    outgoing = trusted_forest(ds, dsdata, ec2, corp)
    assert ds.describe_trusts(TrustIds=[outgoing])["Trusts"][0]["TrustState"] == "Verified"

    db.master(instance, 'CREATE USER "bob@ONPREM.EXAMPLE.COM" WITH LOGIN; GRANT rds_ad TO "bob@ONPREM.EXAMPLE.COM";')
    assert krb.kinit("bob@ONPREM.EXAMPLE.COM", "Rabbit-Hole-123", cache="bob").ok
    assert db.psql(instance, "bob@ONPREM.EXAMPLE.COM", cache="bob").value == "bob@ONPREM.EXAMPLE.COM"
    assert "krbtgt/CORP.EXAMPLE.COM@ONPREM.EXAMPLE.COM" in krb.klist("bob").stdout
    # Without the trust the ONPREM ticket reaches nothing in CORP.
    ds.delete_trust(TrustId=outgoing)
    assert not db.psql(instance, "bob@ONPREM.EXAMPLE.COM", cache="bob-fresh").ok


def test_an_instance_in_another_account_joins_a_shared_directory(ds, dsdata, ec2, boto, db, krb):
    from harness import Credentials

    owner = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=owner)
    user_with_password(ds, dsdata, owner, "alice", ALICE_PASSWORD)
    consumer = Credentials("111122223333", "secret")
    shared = ds.share_directory(DirectoryId=owner, ShareTarget={"Id": "111122223333", "Type": "ACCOUNT"},
                                ShareMethod="HANDSHAKE")["SharedDirectoryId"]
    consumer_rds, consumer_iam, consumer_ec2 = boto("rds", consumer), boto("iam", consumer), boto("ec2", consumer)
    role = kerberos_role(consumer_iam)
    with refused("DomainNotFoundFault", 404):
        create_instance(consumer_rds, Domain=shared, DomainIAMRoleName=role)
    boto("ds", consumer).accept_shared_directory(SharedDirectoryId=shared)

    # The consumer's database lives in a VPC of its own: until it is peered with the directory's,
    # the join fails (as AWS finds out only later), and a repeated modify recovers.
    vpc = consumer_ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [consumer_ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{i}.0/24", AvailabilityZone=f"us-east-1{zone}")["Subnet"]["SubnetId"]
               for i, zone in enumerate("ab")]
    consumer_rds.create_db_subnet_group(DBSubnetGroupName="app", DBSubnetGroupDescription="app", SubnetIds=subnets)
    create_instance(consumer_rds, Domain=shared, DomainIAMRoleName=role, DBSubnetGroupName="app")
    failed = wait_for_membership(consumer_rds, "kerbdb", ["enable-kerberos-failed"])
    assert failed["DBSubnetGroup"]["VpcId"] == vpc
    owner_vpc = ds.describe_directories(DirectoryIds=[owner])["DirectoryDescriptions"][0]["VpcSettings"]["VpcId"]
    peering = consumer_ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=owner_vpc, PeerOwnerId="123456789012")
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering["VpcPeeringConnection"]["VpcPeeringConnectionId"])
    consumer_rds.modify_db_instance(DBInstanceIdentifier="kerbdb", Domain=shared, DomainIAMRoleName=role, ApplyImmediately=True)
    instance = wait_for_membership(consumer_rds, "kerbdb", ["kerberos-enabled"])
    assert instance["DomainMemberships"][0]["Domain"] == shared

    db.master(instance, f'CREATE USER "alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{REALM}";')
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    assert db.psql(instance, f"alice@{REALM}", cache="alice").value == f"alice@{REALM}"


def test_a_crashed_server_is_restarted_and_secrets_are_private(rds, ds, dsdata, iam, ec2, db, kerbside):
    directory, instance = kerberos_instance(rds, ds, dsdata, iam, ec2)
    engine = [e for e in kerbside.health()["engines"] if e["dbInstanceIdentifier"] == "kerbdb"][0]
    folder = kerbside.data_dir / "engines" / engine["dbiResourceId"]
    for secret in (folder / "krb5.keytab", folder / "tls" / "server.key", kerbside.data_dir / "ca" / "ca.key"):
        assert secret.stat().st_mode & 0o777 == 0o600, secret
    assert (folder / "pgdata").stat().st_mode & 0o077 == 0
    old = engine["server"]["pid"]
    os.kill(old, signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        engine = [e for e in kerbside.health()["engines"] if e["dbInstanceIdentifier"] == "kerbdb"][0]
        if engine["server"]["state"] == "running" and engine["server"]["pid"] != old:
            break
        time.sleep(0.05)
    assert engine["server"]["pid"] != old and engine["server"]["restarts"] >= 1, engine
    assert db.master(instance, "SELECT 1") == "1"
    # The log never holds the master password.
    assert MASTER_PASSWORD not in kerbside.log_text(tail=10_000_000)


def test_tags_follow_the_instance_by_its_arn(rds):
    create_instance(rds, wait=False, Tags=[{"Key": "team", "Value": "db"}])
    arn = "arn:aws:rds:us-east-1:123456789012:db:kerbdb"
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "env", "Value": "ci"}, {"Key": "team", "Value": "platform"}])
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "team", "Value": "platform"}, {"Key": "env", "Value": "ci"}]
    rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["team"])
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "env", "Value": "ci"}]
    with refused("DBInstanceNotFound", 404):
        rds.list_tags_for_resource(ResourceName="arn:aws:rds:us-east-1:123456789012:db:nosuch")
    with refused("InvalidParameterValue", 400):
        rds.list_tags_for_resource(ResourceName="not-an-arn")
    wait_for_status(rds, "kerbdb")
    assert rds.describe_db_instances()["DBInstances"][0]["TagList"] == [{"Key": "env", "Value": "ci"}]


def test_parameter_groups_reach_the_server(rds, db):
    rds.create_db_parameter_group(DBParameterGroupName="kerberos", DBParameterGroupFamily="postgres17", Description="k")
    rds.modify_db_parameter_group(DBParameterGroupName="kerberos", Parameters=[
        {"ParameterName": "krb_caseins_users", "ParameterValue": "1", "ApplyMethod": "immediate"},
        {"ParameterName": "log_connections", "ParameterValue": "1", "ApplyMethod": "immediate"},
        {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"}])
    instance = create_instance(rds, DBParameterGroupName="kerberos", EngineVersion="17")
    assert instance["DBParameterGroups"][0]["DBParameterGroupName"] == "kerberos"
    assert db.master(instance, "SELECT current_setting('krb_caseins_users') || current_setting('log_connections')") == "onon"
    assert db.psql(instance, "postgres", password=MASTER_PASSWORD, sslmode="disable").ok

    rds.modify_db_parameter_group(DBParameterGroupName="kerberos", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    plain = db.psql(instance, "postgres", password=MASTER_PASSWORD, sslmode="disable")
    assert not plain.ok and "no encryption" in plain.stderr
    assert db.psql(instance, "postgres", password=MASTER_PASSWORD).ok
    with refused("InvalidDBParameterGroupState", 400):
        rds.delete_db_parameter_group(DBParameterGroupName="kerberos")
    with refused("InvalidParameterCombination", 400):
        create_instance(rds, "other", DBParameterGroupName="kerberos", EngineVersion="16")


def test_reset_stops_every_server_and_removes_its_files(rds, db, kerbside):
    create_instance(rds, "one")
    create_instance(rds, "two", wait=False)   # still starting when the reset comes
    engines = kerbside.data_dir / "engines"

    def servers() -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            try:
                if entry.name.isdigit() and str(engines) in (entry / "cmdline").read_bytes().decode(errors="replace") \
                        and (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z":
                    found.append(int(entry.name))
            except OSError:
                pass
        return found

    assert servers()
    kerbside.reset()
    deadline = time.monotonic() + 10
    while servers() and time.monotonic() < deadline:
        time.sleep(0.05)
    # Work in flight at the reset (a server starting, a base backup) cleans up after itself.
    leftovers = lambda: engines.exists() and list(engines.iterdir())
    deadline = time.monotonic() + 10
    while leftovers() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert servers() == [] and not leftovers(), (
        [str(path) for folder in leftovers() or [] for path in list(folder.rglob("*"))[:15]], kerbside.log_text(6000))
    assert rds.describe_db_instances()["DBInstances"] == [] and kerbside.health()["engines"] == []
