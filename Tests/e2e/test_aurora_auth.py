"""Logging in to Aurora PostgreSQL as the Aurora guide describes it: a cluster joined to a
directory (kinit, then psql over GSSAPI to the cluster, reader and instance endpoints, a user of a
trusted forest too), IAM tokens for the cluster's endpoints, the master password on the cluster,
and the cluster parameter group's settings on every member."""

from __future__ import annotations

import json

import pytest

from clusters import add_instance, cluster_with_members, create_cluster, eventually, wait_for_cluster
from databases import MASTER_PASSWORD, DatabaseClient, kerberos_role
from directories import create_directory, trusted_forest, user_with_password
from harness import Credentials
from kerberos import KerberosClient
from refusals import refused

REALM = "CORP.EXAMPLE.COM"
ALICE_PASSWORD = "Wonder-Land-42"


@pytest.fixture
def db(endpoint, tmp_path):
    return DatabaseClient(endpoint, tmp_path)


@pytest.fixture
def krb(endpoint, tmp_path):
    return KerberosClient(endpoint, tmp_path)


def master(db, host, statement, password=MASTER_PASSWORD):
    return db.connect(host, 5432, "postgres", statement, password=password)


def member_endpoint(rds, name):
    return rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]["Endpoint"]["Address"]


def wait_for_domain(rds, identifier, statuses=("kerberos-enabled",), timeout=30.0):
    return wait_for_cluster(rds, identifier, timeout=timeout, check=lambda c: (c["DomainMemberships"] or [{}])[0].get("Status") in statuses)


# --- Kerberos: the seed story on a cluster --------------------------------------------------------

def test_the_seed_story_on_a_cluster_kinit_then_psql_to_every_endpoint(rds, ds, dsdata, iam, ec2, db, krb):
    directory = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory)
    user_with_password(ds, dsdata, directory, "alice", ALICE_PASSWORD)
    role = kerberos_role(iam)
    cluster = cluster_with_members(rds, "kerb", readers=1, Domain=directory, DomainIAMRoleName=role)
    cluster = wait_for_domain(rds, "kerb")
    assert cluster["DomainMemberships"] == [{"Domain": directory, "Status": "kerberos-enabled", "FQDN": "corp.example.com",
                                             "IAMRoleName": role}]
    for name in ("kerb-1", "kerb-2"):
        member = rds.describe_db_instances(DBInstanceIdentifier=name)["DBInstances"][0]
        assert member["DomainMemberships"] == cluster["DomainMemberships"]
    assert [c["DBClusterIdentifier"] for c in rds.describe_db_clusters(Filters=[{"Name": "domain", "Values": [directory]}])["DBClusters"]] == ["kerb"]

    assert master(db, cluster["Endpoint"], f'CREATE USER "alice@{REALM}" WITH LOGIN; GRANT rds_ad TO "alice@{REALM}";').ok
    configuration = krb.refresh()
    for host in (cluster["Endpoint"], cluster["ReaderEndpoint"], member_endpoint(rds, "kerb-2")):
        assert f"{host} = {REALM}" in configuration
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    query = "SELECT current_user || ' ' || (SELECT gss_authenticated FROM pg_stat_gssapi WHERE pid = pg_backend_pid()) || ' ' || pg_is_in_recovery()"
    assert db.connect(cluster["Endpoint"], 5432, f"alice@{REALM}", query, cache="alice").value == f"alice@{REALM} true false"
    assert eventually(lambda: db.connect(cluster["ReaderEndpoint"], 5432, f"alice@{REALM}", query, cache="alice").ok)
    assert db.connect(cluster["ReaderEndpoint"], 5432, f"alice@{REALM}", query, cache="alice").value == f"alice@{REALM} true true"
    assert db.connect(member_endpoint(rds, "kerb-2"), 5432, f"alice@{REALM}", query, cache="alice").value == f"alice@{REALM} true true"
    encrypted = db.connect(cluster["Endpoint"], 5432, f"alice@{REALM}", "SELECT encrypted FROM pg_stat_gssapi WHERE pid = pg_backend_pid()",
                           cache="alice", gssencmode="require", sslmode="disable")
    assert encrypted.value == "t"
    no_ticket = db.connect(cluster["Endpoint"], 5432, f"alice@{REALM}", cache="nobody")
    assert not no_ticket.ok and "GSSAPI" in no_ticket.stderr

    # A member added later and a custom endpoint made later take Kerberos logins too.
    add_instance(rds, "kerb", "kerb-3")
    custom = rds.create_db_cluster_endpoint(DBClusterIdentifier="kerb", DBClusterEndpointIdentifier="reports",
                                            EndpointType="ANY")["Endpoint"]
    eventually(lambda: rds.describe_db_cluster_endpoints(DBClusterEndpointIdentifier="reports")["DBClusterEndpoints"][0]["Status"] == "available")
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice2").ok
    for host in (member_endpoint(rds, "kerb-3"), custom):
        assert db.connect(host, 5432, f"alice@{REALM}", "SELECT current_user", cache="alice2").value == f"alice@{REALM}"

    # Leaving the directory (Terraform's empty Domain) ends Kerberos logins on every member.
    left = rds.modify_db_cluster(DBClusterIdentifier="kerb", Domain="", DomainIAMRoleName="", ApplyImmediately=True)["DBCluster"]
    assert left["DomainMemberships"] == []
    refusal = db.connect(cluster["Endpoint"], 5432, f"alice@{REALM}", cache="alice2")
    assert not refusal.ok and "pg_hba.conf rejects connection" in refusal.stderr


def test_a_user_of_a_trusted_forest_logs_in_to_the_cluster(rds, ds, dsdata, iam, ec2, db, krb):
    corp = create_directory(ds, ec2)
    trusted_forest(ds, dsdata, ec2, corp)
    cluster = cluster_with_members(rds, "forest", readers=0, Domain=corp, DomainIAMRoleName=kerberos_role(iam))
    cluster = wait_for_domain(rds, "forest")
    assert master(db, cluster["Endpoint"], 'CREATE USER "bob@ONPREM.EXAMPLE.COM" WITH LOGIN; GRANT rds_ad TO "bob@ONPREM.EXAMPLE.COM";').ok
    krb.refresh()
    assert krb.kinit("bob@ONPREM.EXAMPLE.COM", "Rabbit-Hole-123", cache="bob").ok
    assert db.connect(cluster["Endpoint"], 5432, "bob@ONPREM.EXAMPLE.COM", cache="bob").value == "bob@ONPREM.EXAMPLE.COM"
    assert "krbtgt/CORP.EXAMPLE.COM@ONPREM.EXAMPLE.COM" in krb.klist("bob").stdout


def test_a_cluster_joins_later_and_refuses_a_bad_role(rds, ds, iam, ec2, kerbside):
    directory = create_directory(ds, ec2)
    cluster_with_members(rds, "later", readers=0)
    with refused("InvalidParameterValue", 400, "IAM role provided is not valid"):
        rds.modify_db_cluster(DBClusterIdentifier="later", Domain=directory, DomainIAMRoleName="missing", ApplyImmediately=True)
    with refused("InvalidParameterCombination", 400, "DomainIAMRoleName"):
        rds.create_db_cluster(DBClusterIdentifier="x", Engine="aurora-postgresql", MasterUsername="postgres",
                              MasterUserPassword=MASTER_PASSWORD, Domain=directory)
    rds.modify_db_cluster(DBClusterIdentifier="later", Domain=directory, DomainIAMRoleName=kerberos_role(iam), ApplyImmediately=True)
    wait_for_domain(rds, "later")
    health = [c for c in kerbside.health()["clusters"] if c["dbClusterIdentifier"] == "later"][0]
    assert health["domainStatus"] == "kerberos-enabled" and health["writer"] == "later-1"


# --- IAM database authentication ------------------------------------------------------------------

def iam_user(iam, name, resource):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="connect", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect", "Resource": resource}]}))
    return Credentials.of_access_key(iam.create_access_key(UserName=name)["AccessKey"])


def test_iam_tokens_for_the_cluster_reader_and_instance_endpoints(rds, iam, boto, db, kerbside):
    cluster = cluster_with_members(rds, "tokens", readers=1, EnableIAMDatabaseAuthentication=True)
    assert cluster["IAMDatabaseAuthenticationEnabled"] is True
    assert master(db, cluster["Endpoint"], "CREATE USER app; GRANT rds_iam TO app;").ok
    resource = f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{cluster['DbClusterResourceId']}/app"
    app = iam_user(iam, "app", resource)
    signer = boto("rds", app)

    def login(host, user="app", credentials=signer, port=5432):
        token = credentials.generate_db_auth_token(DBHostname=host, Port=port, DBUsername=user, Region="us-east-1")
        return db.connect(host, 5432, "app", "SELECT current_user || ' ' || pg_is_in_recovery()", password=token)

    assert login(cluster["Endpoint"]).value == "app false"
    assert eventually(lambda: login(cluster["ReaderEndpoint"]).ok)
    assert login(cluster["ReaderEndpoint"]).value == "app true"
    assert login(member_endpoint(rds, "tokens-2")).value == "app true"

    # The policy must name the cluster's resource id, not a member's.
    member_id = rds.describe_db_instances(DBInstanceIdentifier="tokens-1")["DBInstances"][0]["DbiResourceId"]
    wrong = boto("rds", iam_user(iam, "member-only", f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{member_id}/app"))
    refusal = login(cluster["Endpoint"], credentials=wrong)
    assert not refusal.ok and 'PAM authentication failed for user "app"' in refusal.stderr
    reasons = [r["reason"] for e in kerbside.health()["engines"] if e["dbInstanceIdentifier"] == "tokens-1" for r in e["refusedLogins"]]
    assert any(resource.replace("/app", "") in reason for reason in reasons), reasons
    assert not login(cluster["Endpoint"], port=5433).ok
    token = signer.generate_db_auth_token(DBHostname=cluster["Endpoint"], Port=5432, DBUsername="app", Region="us-east-1")
    assert token not in json.dumps(kerbside.health()) and token not in kerbside.log_text(200_000)

    # Turning IAM authentication off on the cluster turns it off on every member.
    rds.modify_db_cluster(DBClusterIdentifier="tokens", EnableIAMDatabaseAuthentication=False, ApplyImmediately=True)
    assert not login(member_endpoint(rds, "tokens-2")).ok


def test_iam_authentication_waits_for_apply_immediately(rds):
    create_cluster(rds, "pending")
    pending = rds.modify_db_cluster(DBClusterIdentifier="pending", EnableIAMDatabaseAuthentication=True)["DBCluster"]
    assert pending["IAMDatabaseAuthenticationEnabled"] is False
    assert pending["PendingModifiedValues"] == {"IAMDatabaseAuthenticationEnabled": True}
    applied = rds.modify_db_cluster(DBClusterIdentifier="pending", EnableIAMDatabaseAuthentication=True, ApplyImmediately=True)["DBCluster"]
    assert applied["IAMDatabaseAuthenticationEnabled"] is True and "PendingModifiedValues" not in applied


# --- the master password and the cluster parameter group ------------------------------------------

def test_the_master_password_lives_on_the_cluster(rds, db):
    cluster = cluster_with_members(rds, "secret", readers=1)
    rds.modify_db_cluster(DBClusterIdentifier="secret", MasterUserPassword="Another-Pass-456", ApplyImmediately=True)
    assert master(db, cluster["Endpoint"], "SELECT 1", password="Another-Pass-456").ok
    old = master(db, cluster["Endpoint"], "SELECT 1")
    assert not old.ok and 'password authentication failed for user "postgres"' in old.stderr
    assert eventually(lambda: master(db, member_endpoint(rds, "secret-2"), "SELECT 1", password="Another-Pass-456").ok)
    # A writer added after every member went finds the new password (the cluster keeps its data).
    with refused("InvalidParameterValue", 400, "shorter than 8"):
        rds.modify_db_cluster(DBClusterIdentifier="secret", MasterUserPassword="short")


def test_cluster_parameter_groups_reach_every_member(rds, db):
    group = rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="Strict-TLS", DBParameterGroupFamily="aurora-postgresql16",
                                                  Description="TLS only")["DBClusterParameterGroup"]
    assert (group["DBClusterParameterGroupName"], group["DBClusterParameterGroupArn"]) == (
        "strict-tls", "arn:aws:rds:us-east-1:123456789012:cluster-pg:strict-tls")
    defaults = rds.describe_db_cluster_parameters(DBClusterParameterGroupName="strict-tls")["Parameters"]
    assert {p["ParameterName"]: p.get("ParameterValue") for p in defaults}["rds.force_ssl"] == "0"
    cluster = cluster_with_members(rds, "tls", readers=1, DBClusterParameterGroupName="strict-tls")
    assert cluster["DBClusterParameterGroup"] == "strict-tls"
    plain = db.connect(cluster["Endpoint"], 5432, "postgres", "SELECT 1", password=MASTER_PASSWORD, sslmode="disable")
    assert plain.ok

    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="strict-tls", Parameters=[
        {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    user_set = rds.describe_db_cluster_parameters(DBClusterParameterGroupName="strict-tls", Source="user")["Parameters"]
    assert [(p["ParameterName"], p["ParameterValue"]) for p in user_set] == [("rds.force_ssl", "1")]
    for host in (cluster["Endpoint"], member_endpoint(rds, "tls-2")):
        refusal = db.connect(host, 5432, "postgres", "SELECT 1", password=MASTER_PASSWORD, sslmode="disable")
        assert not refusal.ok and "no encryption" in refusal.stderr
        assert db.connect(host, 5432, "postgres", "SELECT 1", password=MASTER_PASSWORD).ok

    rds.reset_db_cluster_parameter_group(DBClusterParameterGroupName="strict-tls", ResetAllParameters=True)
    assert db.connect(cluster["Endpoint"], 5432, "postgres", "SELECT 1", password=MASTER_PASSWORD, sslmode="disable").ok
    with refused("InvalidDBParameterGroupState", 400, "DB clusters are still members"):
        rds.delete_db_cluster_parameter_group(DBClusterParameterGroupName="strict-tls")
    rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="unused", DBParameterGroupFamily="aurora-postgresql16", Description="d")
    rds.delete_db_cluster_parameter_group(DBClusterParameterGroupName="unused")
    with refused("InvalidDBParameterGroupState", 400, "Default DBClusterParameterGroup cannot be deleted"):
        rds.delete_db_cluster_parameter_group(DBClusterParameterGroupName="default.aurora-postgresql16")
    with refused("InvalidParameterValue", 400, "DBParameterGroupFamily is not valid"):
        rds.create_db_cluster_parameter_group(DBClusterParameterGroupName="bad", DBParameterGroupFamily="aurora-postgresql99", Description="d")
    with refused("DBParameterGroupNotFound", 404):
        rds.describe_db_cluster_parameters(DBClusterParameterGroupName="nosuch")
    with refused("InvalidParameterValue", 400, "Could not find parameter"):
        rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="strict-tls", Parameters=[
            {"ParameterName": "no_such_thing", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    listed = rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
    assert {"default.aurora-postgresql16", "strict-tls", "default.aurora-mysql8.0"} <= {g["DBClusterParameterGroupName"] for g in listed}
    assert "default.postgres16" not in {g["DBClusterParameterGroupName"] for g in listed}
    engine = rds.describe_engine_default_cluster_parameters(DBParameterGroupFamily="aurora-postgresql16")["EngineDefaults"]
    assert engine["DBParameterGroupFamily"] == "aurora-postgresql16" and engine["Parameters"]
    mysql = rds.describe_engine_default_cluster_parameters(DBParameterGroupFamily="aurora-mysql8.0")["EngineDefaults"]["Parameters"]
    assert "require_secure_transport" in {p["ParameterName"] for p in mysql}

    # krb_caseins_users and log_connections reach the servers as well.
    rds.modify_db_cluster_parameter_group(DBClusterParameterGroupName="strict-tls", Parameters=[
        {"ParameterName": "krb_caseins_users", "ParameterValue": "1", "ApplyMethod": "immediate"},
        {"ParameterName": "log_connections", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    shown = master(db, member_endpoint(rds, "tls-2"), "SHOW krb_caseins_users; SHOW log_connections")
    assert shown.stdout.split() == ["on", "on"]
