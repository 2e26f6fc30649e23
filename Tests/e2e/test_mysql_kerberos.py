"""Active Directory on the MySQL family: Aurora MySQL's `IDENTIFIED WITH 'authentication_kerberos'
BY 'REALM'` accounts with mysql-connector-python's own Kerberos client (after `kinit`, or with the
AD password), MariaDB's own `IDENTIFIED VIA gssapi` with the `mariadb` client, and RDS for MySQL's
`IDENTIFIED WITH 'auth_pam'` with the AD password, on an RDS for MySQL instance and an Aurora
MySQL cluster joined to an AWS Managed Microsoft AD, through every endpoint over verified TLS;
no ticket, another user's, a wrong password or plaintext is refused."""

from __future__ import annotations

import gc

import pymysql
import pytest

from clusters import cluster_with_members, eventually, wait_for_cluster
from databases import kerberos_role, wait_for_status
from directories import create_directory, trusted_forest, user_with_password
from kerberos import KerberosClient
from mysql_clients import MySQLClients, at
from test_mysql import create_mysql

REALM = "CORP.EXAMPLE.COM"
ALICE_PASSWORD = "Wonder-Land-42"


@pytest.fixture
def my(endpoint, tmp_path):
    return MySQLClients(endpoint, tmp_path)


@pytest.fixture
def krb(endpoint, tmp_path):
    return KerberosClient(endpoint, tmp_path)


@pytest.fixture
def directory(ds, dsdata, ec2):
    directory = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory)
    user_with_password(ds, dsdata, directory, "alice", ALICE_PASSWORD)
    user_with_password(ds, dsdata, directory, "bob", "Rabbit-Hole-123")
    return directory


def kerberos_login(my, krb, endpoint: dict, user: str, cache: str):
    krb.refresh()
    return my.cli(endpoint, "SELECT CURRENT_USER(), @@read_only", user, None, environment=krb.environment(cache))


def test_an_instance_joined_to_a_directory_takes_gssapi_logins(rds, iam, my, krb, directory):
    create_mysql(rds, "shop", Domain=directory, DomainIAMRoleName=kerberos_role(iam))
    instance = eventually(lambda: (lambda i: i if i["DomainMemberships"] and i["DomainMemberships"][0]["Status"] == "kerberos-enabled"
                                   else None)(wait_for_status(rds, "shop")), timeout=30)
    my.query(instance, f"CREATE USER alice IDENTIFIED VIA gssapi USING 'alice@{REALM}'")
    krb.refresh()
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    login = kerberos_login(my, krb, instance, "alice", "alice")
    assert login.ok and login.stdout.split() == ["alice@%", "0"], login.stderr

    # No ticket, or bob's ticket for alice's account: refused, as MariaDB refuses them.
    assert not kerberos_login(my, krb, instance, "alice", "nobody").ok
    assert krb.kinit(f"bob@{REALM}", "Rabbit-Hole-123", cache="bob").ok
    refused = kerberos_login(my, krb, instance, "alice", "bob")
    assert not refused.ok and "ERROR 1045" in refused.stderr

    # A snapshot of it, restored without a directory, keeps the account and refuses its tickets.
    rds.create_db_snapshot(DBSnapshotIdentifier="shop-1", DBInstanceIdentifier="shop")
    eventually(lambda: rds.describe_db_snapshots(DBSnapshotIdentifier="shop-1")["DBSnapshots"][0]["Status"] == "available", timeout=30)
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="copy", DBSnapshotIdentifier="shop-1")
    copy = wait_for_status(rds, "copy")
    assert my.query(copy, "SELECT plugin FROM mysql.user WHERE user = 'alice'") == [("gssapi",)]
    assert not kerberos_login(my, krb, copy, "alice", "alice").ok


def test_a_cluster_joined_to_a_directory_takes_gssapi_logins_on_every_endpoint(rds, iam, my, krb, directory):
    cluster = cluster_with_members(rds, "kerb", readers=1, engine="aurora-mysql", Domain=directory,
                                   DomainIAMRoleName=kerberos_role(iam))
    cluster = wait_for_cluster(rds, "kerb", check=lambda c: c["DomainMemberships"] and c["DomainMemberships"][0]["Status"] == "kerberos-enabled")
    my.query(at(cluster["Endpoint"]), f"CREATE USER alice IDENTIFIED VIA gssapi USING 'alice@{REALM}'")
    krb.refresh()
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    member = rds.describe_db_instances(DBInstanceIdentifier="kerb-2")["DBInstances"][0]
    expected = {cluster["Endpoint"]: "0", cluster["ReaderEndpoint"]: "1", member["Endpoint"]["Address"]: "1"}
    for name, read_only in expected.items():
        login = eventually(lambda: (lambda outcome: outcome if outcome.ok else None)(kerberos_login(my, krb, at(name), "alice", "alice")))
        assert login.stdout.split() == ["alice@%", read_only], (name, login.stderr)


def connector_login(my, krb, endpoint: dict, user: str, cache: str, monkeypatch, password: str = ""):
    """mysql-connector-python's own Kerberos client (pure Python), in this process: the ticket
    cache and krb5.conf go in through its environment."""
    krb.refresh()
    environment = krb.environment(cache)
    monkeypatch.setenv("KRB5_CONFIG", environment["KRB5_CONFIG"])
    # The connector prefixes `FILE:` itself.
    monkeypatch.setenv("KRB5CCNAME", environment["KRB5CCNAME"].removeprefix("FILE:"))
    connection = my.connector(endpoint, user=user, password=password)
    try:
        cursor = connection.cursor()
        cursor.execute("SELECT CURRENT_USER(), @@external_user, @@read_only")
        return cursor.fetchone()
    finally:
        connection.close()


def test_aurora_kerberos_accounts_log_in_with_mysql_connector_python(rds, iam, dsdata, my, krb, directory, kerbside, monkeypatch):
    cluster = cluster_with_members(rds, "guide", readers=1, engine="aurora-mysql", Domain=directory,
                                   DomainIAMRoleName=kerberos_role(iam))
    cluster = wait_for_cluster(rds, "guide", check=lambda c: c["DomainMemberships"] and c["DomainMemberships"][0]["Status"] == "kerberos-enabled")
    writer, reader = at(cluster["Endpoint"]), at(cluster["ReaderEndpoint"])
    # The guide's statements verbatim, from the mariadb client and from PyMySQL: Kerbside's front
    # door puts them in MariaDB's words.
    created = my.cli(writer, f"CREATE USER alice@'%' IDENTIFIED WITH 'authentication_kerberos' BY '{REALM}';")
    assert created.ok, created.stderr
    my.query(writer, f"ALTER USER alice@'%' IDENTIFIED WITH 'authentication_kerberos' BY '{REALM}'")
    assert my.query(writer, "SHOW CREATE USER alice")[0][0] == f"CREATE USER `alice`@`%` IDENTIFIED VIA authentication_kerberos USING '{REALM}'"
    krb.refresh()
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    assert connector_login(my, krb, writer, "alice", "alice", monkeypatch) == ("alice@%", f"alice@{REALM}", 0)
    member = rds.describe_db_instances(DBInstanceIdentifier="guide-2")["DBInstances"][0]
    for endpoint in (reader, member):
        assert eventually(lambda: succeeds_with_ticket(my, krb, endpoint, monkeypatch)), endpoint
        assert connector_login(my, krb, endpoint, "alice", "alice", monkeypatch) == ("alice@%", f"alice@{REALM}", 1)
    # With no ticket, the AD password given to the client, as the guide allows.
    assert connector_login(my, krb, writer, "alice", "none", monkeypatch, password=ALICE_PASSWORD)[0] == "alice@%"

    # Disabled in the directory, alice's ticket from before no longer logs her in; health says why.
    dsdata.disable_user(DirectoryId=directory, SAMAccountName="alice")
    with pytest.raises(Exception, match="1045|Invalid token"):
        connector_login(my, krb, writer, "alice", "alice", monkeypatch)
    reasons = [r["reason"] for e in kerbside.health()["engines"] for r in e["refusedLogins"] if r["method"] == "kerberos"]
    assert "The directory user alice of corp.example.com is disabled." in reasons, reasons


def kerberos_refusals(kerbside, cluster_member: str) -> list[str]:
    return [r["reason"] for e in kerbside.health()["engines"] if e["dbInstanceIdentifier"] == cluster_member
            for r in e["refusedLogins"] if r["method"] == "kerberos"]


def test_a_running_aurora_mysql_cluster_joins_a_directory_and_refuses_kerberos_until_then(
        rds, iam, my, krb, directory, kerbside, monkeypatch):
    cluster = cluster_with_members(rds, "later", readers=0, engine="aurora-mysql")
    writer = at(cluster["Endpoint"])
    # Aurora MySQL 3 has the plugin joined or not: the account is made, its logins refused.
    my.query(writer, f"CREATE USER alice IDENTIFIED WITH 'authentication_kerberos' BY '{REALM}'")
    my.query(writer, f"CREATE USER bob IDENTIFIED VIA gssapi USING 'bob@{REALM}'")
    krb.refresh()
    assert krb.kinit(f"alice@{REALM}", ALICE_PASSWORD, cache="alice").ok
    with pytest.raises(Exception, match="1045|Invalid token"):
        connector_login(my, krb, writer, "alice", "alice", monkeypatch)
    assert "Kerberos authentication is not enabled: the DB cluster is not joined to a directory." in kerberos_refusals(kerbside, "later-1")

    # Joined while it runs: the servers take the directory's principal (MariaDB reads it only
    # at start, so they restart) and both kinds of account log in.
    rds.modify_db_cluster(DBClusterIdentifier="later", Domain=directory, DomainIAMRoleName=kerberos_role(iam), ApplyImmediately=True)
    wait_for_cluster(rds, "later", check=lambda c: c["DomainMemberships"] and c["DomainMemberships"][0]["Status"] == "kerberos-enabled")
    krb.refresh()
    assert eventually(lambda: succeeds_with_ticket(my, krb, writer, monkeypatch), timeout=30)
    assert connector_login(my, krb, writer, "alice", "alice", monkeypatch) == ("alice@%", f"alice@{REALM}", 0)
    assert krb.kinit(f"bob@{REALM}", "Rabbit-Hole-123", cache="bob").ok
    login = kerberos_login(my, krb, writer, "bob", "bob")
    assert login.ok and login.stdout.split() == ["bob@%", "0"], login.stderr

    # No ticket and no password: the client gives up on its own side; health still says why.
    with pytest.raises(Exception):
        connector_login(my, krb, writer, "alice", "nobody", monkeypatch)
    gc.collect()    # the client's socket closes with its connection object
    eventually(lambda: any(reason.startswith("The client sent no Kerberos ticket for mysql/")
                           for reason in kerberos_refusals(kerbside, "later-1")))


def succeeds_with_ticket(my, krb, endpoint, monkeypatch) -> bool:
    try:
        connector_login(my, krb, endpoint, "alice", "alice", monkeypatch)
        return True
    except Exception:
        return False


def test_a_user_of_a_trusted_forest_logs_in_to_an_aurora_mysql_cluster(rds, ds, dsdata, iam, ec2, my, krb, kerbside, monkeypatch):
    corp = create_directory(ds, ec2)
    trusted_forest(ds, dsdata, ec2, corp)
    cluster_with_members(rds, "forest", readers=0, engine="aurora-mysql", Domain=corp, DomainIAMRoleName=kerberos_role(iam))
    cluster = wait_for_cluster(rds, "forest", check=lambda c: c["DomainMemberships"] and c["DomainMemberships"][0]["Status"] == "kerberos-enabled")
    writer = at(cluster["Endpoint"])
    # The account names bob's own realm: the door asks his client for a ticket from there.
    my.query(writer, "CREATE USER bob IDENTIFIED WITH 'authentication_kerberos' BY 'ONPREM.EXAMPLE.COM'")
    krb.refresh()
    assert krb.kinit("bob@ONPREM.EXAMPLE.COM", "Rabbit-Hole-123", cache="bob").ok
    assert connector_login(my, krb, writer, "bob", "bob", monkeypatch) == ("bob@%", "bob@ONPREM.EXAMPLE.COM", 0)
    assert "krbtgt/CORP.EXAMPLE.COM@ONPREM.EXAMPLE.COM" in krb.klist("bob").stdout

    # A ticket of the right realm for another user (the client made to send it anyway): refused
    # by Kerbside, with the reason in health.
    my.query(writer, "CREATE USER carol IDENTIFIED WITH authentication_kerberos AS 'ONPREM.EXAMPLE.COM'")
    import mysql.connector.plugins.authentication_kerberos_client as plugin
    monkeypatch.setattr(plugin.MySQLKerberosAuthPlugin, "_acquire_cred_with_password",
                        lambda self, upn: plugin.gssapi.Credentials(usage="initiate"), raising=False)
    # The door answers MySQL's 1045; this client reads any answer there as the server's Kerberos
    # reply (it never looks for an error), so it reports an invalid token instead.
    with pytest.raises(Exception, match="1045|Invalid token"):
        connector_login(my, krb, writer, "carol", "bob", monkeypatch)
    reasons = [r["reason"] for e in kerbside.health()["engines"] for r in e["refusedLogins"] if r["method"] == "kerberos"]
    assert any("bob@ONPREM.EXAMPLE.COM" in reason and "carol@ONPREM.EXAMPLE.COM" in reason for reason in reasons), reasons


def test_rds_for_mysql_active_directory_accounts_take_the_directory_password(rds, iam, my, directory, kerbside):
    create_mysql(rds, "shop", Domain=directory, DomainIAMRoleName=kerberos_role(iam))
    instance = eventually(lambda: (lambda i: i if i["DomainMemberships"] and i["DomainMemberships"][0]["Status"] == "kerberos-enabled"
                                   else None)(wait_for_status(rds, "shop")), timeout=30)
    # As RDS for MySQL documents it: the account, then the AD password over TLS with the cleartext plugin.
    my.query(instance, "CREATE USER 'alice'@'%' IDENTIFIED WITH 'auth_pam'")
    cli = my.cli(instance, "SELECT CURRENT_USER(), @@external_user", "alice", ALICE_PASSWORD, "--enable-cleartext-plugin")
    assert cli.ok and cli.stdout.strip().splitlines()[-1].split() == ["alice@%", f"alice@{REALM}"], cli.stderr
    assert my.query(instance, "SELECT CURRENT_USER()", user="alice", password=ALICE_PASSWORD) == [("alice@%",)]

    # A wrong password and a plaintext connection are refused with MySQL's 1045, the reason in health.
    wrong = my.cli(instance, "SELECT 1", "alice", "not-her-password", "--enable-cleartext-plugin")
    assert not wrong.ok and "ERROR 1045 (28000)" in wrong.stderr
    with pytest.raises(pymysql.err.OperationalError) as plaintext:
        my.query(instance, "SELECT 1", user="alice", password=ALICE_PASSWORD, tls=False)
    assert plaintext.value.args[0] == 1045
    reasons = [r["reason"] for e in kerbside.health()["engines"] if e["dbInstanceIdentifier"] == "shop" for r in e["refusedLogins"]]
    assert any("refused alice@CORP.EXAMPLE.COM's password" in reason for reason in reasons), reasons
    assert any("over TLS only" in reason for reason in reasons), reasons
    assert "not-her-password" not in str(kerbside.health())
