"""RDS for MySQL and RDS for MariaDB on real MariaDB servers behind Kerbside's MySQL front door:
the endpoint, verified TLS, the version clients see, the master user RDS makes, refused logins,
`require_secure_transport`, lifecycle operations, snapshots, restores, read replicas, and what is refused."""

from __future__ import annotations

import json
import os
import signal
import socket
import time

import pymysql
import pytest

from databases import restore_around, wait_for_snapshot, wait_for_status
from mysql_clients import MASTER, MASTER_PASSWORD, MySQLClients
from refusals import refused


@pytest.fixture
def my(endpoint, tmp_path):
    return MySQLClients(endpoint, tmp_path)


def create_mysql(rds, identifier: str = "shop", engine: str = "mysql", wait: bool = True, **extra) -> dict:
    arguments = dict(DBInstanceIdentifier=identifier, Engine=engine, DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                     MasterUsername=MASTER, MasterUserPassword=MASTER_PASSWORD)
    arguments.update(extra)
    created = rds.create_db_instance(**arguments)["DBInstance"]
    return wait_for_status(rds, identifier) if wait else created


def wait_for_refusal(kerbside, instance: dict, timeout: float = 5.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        engine = [e for e in kerbside.health()["engines"] if e["dbiResourceId"] == instance["DbiResourceId"]][0]
        if engine["refusedLogins"]:
            return engine["refusedLogins"][-1]
        assert time.monotonic() < deadline, "no refused login reported"
        time.sleep(0.1)


def test_a_mysql_instance_is_a_real_server_behind_its_endpoint_over_verified_tls(rds, my, kerbside):
    created = create_mysql(rds, DBName="orders", wait=False)
    assert created["DBInstanceStatus"] == "creating" and created["Engine"] == "mysql"
    instance = wait_for_status(rds, "shop")
    assert instance["EngineVersion"] == "8.0.42"
    assert instance["LicenseModel"] == "general-public-license"
    assert instance["DBParameterGroups"][0]["DBParameterGroupName"] == "default.mysql8.0"
    assert instance["Endpoint"]["Port"] == 3306
    assert instance["Endpoint"]["Address"].startswith("shop.") and instance["Endpoint"]["Address"].endswith(".rds.amazonaws.com")
    assert "LatestRestorableTime" in instance

    connection = my.pymysql(instance, database="orders")
    try:
        # ORMs read the version from the handshake and from VERSION(): MySQL 8.0's, as on RDS.
        assert connection.get_server_info() == "8.0.42"
        with connection.cursor() as cursor:
            cursor.execute("SELECT VERSION(), @@version, CURRENT_USER(), USER(), DATABASE()")
            version, variable, current, user, database = cursor.fetchone()
            cursor.execute("SHOW SESSION STATUS LIKE 'Ssl_version'")
            tls = cursor.fetchone()[1]
            cursor.execute("CREATE TABLE items (id INT PRIMARY KEY AUTO_INCREMENT, name TEXT)")
            cursor.execute("INSERT INTO items (name) VALUES ('first'), ('second')")
            connection.commit()
    finally:
        connection.close()
    assert (version, variable, current, database) == ("8.0.42", "8.0.42", "admin@%", "orders")
    # The server sees the client's own address (the front door says who connects), not its own socket.
    assert user.startswith("admin@127.")
    assert tls.startswith("TLSv1.")
    assert my.query(instance, "SELECT name FROM orders.items ORDER BY id") == [("first",), ("second",)]

    # RDS's master user: most privileges, not SUPER, FILE or SHUTDOWN.
    grants = my.query(instance, "SHOW GRANTS")[0][0]
    assert "CREATE USER" in grants and "WITH GRANT OPTION" in grants and "REPLICATION SLAVE" in grants
    assert "SUPER" not in grants and "FILE" not in grants and "SHUTDOWN" not in grants
    with pytest.raises(pymysql.err.OperationalError) as denied:
        my.query(instance, "SET GLOBAL max_connections = 50")
    assert denied.value.args[0] == 1227

    # The mariadb client verifies the certificate; mysql-connector-python logs in too.
    cli = my.cli(instance, "SELECT CONCAT(CURRENT_USER(), ' ', VERSION())")
    assert cli.ok and cli.stdout.strip() == "admin@% 8.0.42", cli.stderr
    connector = my.connector(instance, database="orders")
    try:
        cursor = connector.cursor()
        cursor.execute("SELECT COUNT(*) FROM items")
        assert cursor.fetchone() == (2,)
        assert connector.server_info == "8.0.42"
    finally:
        connector.close()

    # A wrong password gets MySQL's own refusal, and health records it without the password.
    with pytest.raises(pymysql.err.OperationalError) as wrong:
        my.pymysql(instance, password="not-the-password")
    assert wrong.value.args[0] == 1045
    assert wrong.value.args[1].startswith("Access denied for user 'admin'@'127.") and "(using password: YES)" in wrong.value.args[1]
    refusal = wait_for_refusal(kerbside, instance)
    assert refusal["user"] == "admin" and refusal["method"] == "password" and "Access denied" in refusal["reason"]
    assert "not-the-password" not in json.dumps(kerbside.health())
    cli = my.cli(instance, "SELECT 1", MASTER, "not-the-password")
    assert not cli.ok and "ERROR 1045 (28000): Access denied for user 'admin'@" in cli.stderr


def test_a_mariadb_instance_reports_its_own_version(rds, my):
    instance = create_mysql(rds, "catalog", engine="mariadb", EngineVersion="10.11")
    assert instance["EngineVersion"] == "10.11.11"
    assert instance["DBParameterGroups"][0]["DBParameterGroupName"] == "default.mariadb10.11"
    assert my.query(instance, "SELECT VERSION(), CURRENT_USER()") == [("10.11.11-MariaDB-log", "admin@%")]
    plain = my.cli(instance, "SELECT 1", MASTER, MASTER_PASSWORD, "--skip-ssl")
    assert plain.ok, plain.stderr


def test_require_secure_transport_refuses_plaintext_logins(rds, my):
    rds.create_db_parameter_group(DBParameterGroupName="tls-only", DBParameterGroupFamily="mysql8.0", Description="TLS only")
    instance = create_mysql(rds, DBParameterGroupName="tls-only")
    assert my.query(instance, "SELECT 1", tls=False) == [(1,)]

    rds.modify_db_parameter_group(DBParameterGroupName="tls-only", Parameters=[
        {"ParameterName": "require_secure_transport", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    with pytest.raises(pymysql.err.OperationalError) as plain:
        my.pymysql(instance, tls=False)
    assert plain.value.args == (3159, "Connections using insecure transport are prohibited while --require_secure_transport=ON.")
    cli = my.cli(instance, "SELECT 1", MASTER, MASTER_PASSWORD, "--skip-ssl")
    assert not cli.ok and "ERROR 3159 (HY000)" in cli.stderr
    assert my.query(instance, "SELECT 1") == [(1,)]


def test_stop_start_reboot_port_password_and_delete_act_on_the_server(rds, my, kerbside):
    instance = create_mysql(rds, DBName="shop")
    my.query(instance, "CREATE TABLE shop.kept (note TEXT)")
    my.query(instance, "INSERT INTO shop.kept VALUES ('before stop')")
    rds.stop_db_instance(DBInstanceIdentifier="shop")
    wait_for_status(rds, "shop", ["stopped"])
    with pytest.raises(ConnectionRefusedError):   # nothing listens on a stopped instance's endpoint
        my.pymysql(instance)
    rds.start_db_instance(DBInstanceIdentifier="shop")
    wait_for_status(rds, "shop")
    assert my.query(instance, "SELECT note FROM shop.kept") == [("before stop",)]

    rds.modify_db_instance(DBInstanceIdentifier="shop", MasterUserPassword="Another-Pass-1", ApplyImmediately=True)
    with pytest.raises(pymysql.err.OperationalError):
        my.pymysql(instance)
    assert my.query(instance, "SELECT 1", password="Another-Pass-1") == [(1,)]

    rds.reboot_db_instance(DBInstanceIdentifier="shop")
    wait_for_status(rds, "shop")
    assert my.query(instance, "SELECT note FROM shop.kept", password="Another-Pass-1") == [("before stop",)]

    rds.modify_db_instance(DBInstanceIdentifier="shop", DBPortNumber=3307, ApplyImmediately=True)
    moved = wait_for_status(rds, "shop")
    assert moved["Endpoint"]["Port"] == 3307
    assert my.query(moved, "SELECT note FROM shop.kept", password="Another-Pass-1") == [("before stop",)]

    # A server killed behind the endpoint is started again by Kerbside's supervisor.
    pid = [e for e in kerbside.health()["engines"] if e["dbiResourceId"] == moved["DbiResourceId"]][0]["server"]["pid"]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        try:
            if my.query(moved, "SELECT note FROM shop.kept", password="Another-Pass-1") == [("before stop",)]:
                break
        except pymysql.err.OperationalError:
            pass
        assert time.monotonic() < deadline, "the killed server did not come back"
        time.sleep(0.2)

    address = my.address(moved["Endpoint"]["Address"])
    rds.delete_db_instance(DBInstanceIdentifier="shop", SkipFinalSnapshot=True)
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="shop", WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    assert kerbside.health()["engines"] == []
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((address, 3307), timeout=5)


def test_the_mysql_family_refuses_what_rds_or_kerbside_does_not_do(rds, ds, ec2, iam):
    with refused("InvalidParameterValue", 400, "Invalid DB engine: oracle-ee"):
        create_mysql(rds, engine="oracle-ee")
    with refused("InvalidParameterValue", 400, "longer than 41 characters"):
        create_mysql(rds, MasterUserPassword="x" * 42)
    with refused("InvalidParameterValue", 400, "reserved word"):
        create_mysql(rds, MasterUsername="rdsadmin")
    with refused("InvalidParameterValue", 400, "DBName"):
        create_mysql(rds, DBName="mysql")
    with refused("InvalidParameterCombination", 400, "Kerberos authentication is not supported for engine mariadb"):
        create_mysql(rds, engine="mariadb", Domain="d-1234567890", DomainIAMRoleName="role")
    assert rds.describe_db_instances()["DBInstances"] == []


def test_a_snapshot_of_a_mysql_instance_restores_what_was_written_before_it(rds, my):
    source = create_mysql(rds, DBName="orders")
    my.query(source, "CREATE TABLE orders.notes (note VARCHAR(20))")
    my.query(source, "INSERT INTO orders.notes VALUES ('before')")
    my.query(source, "CREATE USER reporter IDENTIFIED BY 'reporter-password-1'")
    rds.create_db_snapshot(DBSnapshotIdentifier="shop-1", DBInstanceIdentifier="shop")
    snapshot = wait_for_snapshot(rds, "shop-1")
    assert snapshot["Engine"] == "mysql" and snapshot["Port"] == 3306
    my.query(source, "INSERT INTO orders.notes VALUES ('after')")

    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="shop-copy", DBSnapshotIdentifier="shop-1")
    copy = wait_for_status(rds, "shop-copy")
    assert copy["Engine"] == "mysql" and copy["EngineVersion"] == "8.0.42"
    assert my.query(copy, "SELECT note FROM orders.notes") == [("before",)]
    # The copy's accounts are the source's: the master user and the one made before the snapshot.
    assert my.query(copy, "SELECT CURRENT_USER()", user="reporter", password="reporter-password-1") == [("reporter@%",)]
    # It is a server of its own: it takes writes, and the source is untouched by them.
    my.query(copy, "INSERT INTO orders.notes VALUES ('copy')")
    assert my.query(source, "SELECT note FROM orders.notes ORDER BY note") == [("after",), ("before",)]

    # A snapshot of the copy carries the copy's history too.
    rds.create_db_snapshot(DBSnapshotIdentifier="copy-1", DBInstanceIdentifier="shop-copy")
    wait_for_snapshot(rds, "copy-1")
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="copy-of-copy", DBSnapshotIdentifier="copy-1")
    again = wait_for_status(rds, "copy-of-copy")
    assert my.query(again, "SELECT note FROM orders.notes ORDER BY note") == [("before",), ("copy",)]


def test_a_point_in_time_restore_of_a_mysql_instance_replays_its_binary_log_until_then(rds, my):
    source = create_mysql(rds, DBName="orders")
    my.query(source, "CREATE TABLE orders.notes (note VARCHAR(20))")
    my.query(source, "INSERT INTO orders.notes VALUES ('early')")
    as_of, latest = restore_around(rds, "shop", lambda: my.query(source, "INSERT INTO orders.notes VALUES ('late')"))
    assert my.query(as_of, "SELECT note FROM orders.notes") == [("early",)]
    assert my.query(latest, "SELECT note FROM orders.notes ORDER BY note") == [("early",), ("late",)]
    my.query(as_of, "INSERT INTO orders.notes VALUES ('new')")


def test_a_read_replica_of_a_mysql_instance_streams_its_rows_and_refuses_writes(rds, my):
    source = create_mysql(rds, DBName="orders")
    my.query(source, "CREATE TABLE orders.notes (note VARCHAR(20))")
    my.query(source, "INSERT INTO orders.notes VALUES ('before')")
    rds.create_db_instance_read_replica(DBInstanceIdentifier="shop-replica", SourceDBInstanceIdentifier="shop")
    replica = wait_for_status(rds, "shop-replica")
    assert replica["ReadReplicaSourceDBInstanceIdentifier"] == "shop" and replica["Engine"] == "mysql"
    # What the source had when the replica was asked for is there once it is available.
    assert my.query(replica, "SELECT note FROM orders.notes") == [("before",)]

    my.query(source, "INSERT INTO orders.notes VALUES ('after')")
    deadline = time.monotonic() + 10
    while my.query(replica, "SELECT COUNT(*) FROM orders.notes") != [(2,)]:
        assert time.monotonic() < deadline, "the replica never saw the second row"
        time.sleep(0.05)
    with pytest.raises(pymysql.err.OperationalError) as refused_write:
        my.query(replica, "INSERT INTO orders.notes VALUES ('here')")
    assert refused_write.value.args[0] == 1290 and "--read-only" in refused_write.value.args[1]

    # Promoted, it is a primary of its own.
    rds.promote_read_replica(DBInstanceIdentifier="shop-replica")
    deadline = time.monotonic() + 30
    while "ReadReplicaSourceDBInstanceIdentifier" in wait_for_status(rds, "shop-replica"):
        assert time.monotonic() < deadline, "the replica was never promoted"
        time.sleep(0.1)
    my.query(replica, "INSERT INTO orders.notes VALUES ('promoted')")
    assert my.query(replica, "SELECT COUNT(*) FROM orders.notes") == [(3,)]


def test_the_catalog_lists_the_mysql_family(rds):
    versions = rds.describe_db_engine_versions(Engine="mysql")["DBEngineVersions"]
    assert {v["DBParameterGroupFamily"] for v in versions} == {"mysql8.0", "mysql8.4"}
    assert rds.describe_db_engine_versions(Engine="mysql", DefaultOnly=True)["DBEngineVersions"][0]["EngineVersion"] == "8.0.42"
    assert {v["DBParameterGroupFamily"] for v in rds.describe_db_engine_versions(Engine="mariadb")["DBEngineVersions"]} == {"mariadb10.11"}
    mariadb = rds.describe_orderable_db_instance_options(Engine="mariadb", DBInstanceClass="db.t3.micro")["OrderableDBInstanceOptions"]
    mysql = rds.describe_orderable_db_instance_options(Engine="mysql", DBInstanceClass="db.t3.micro")["OrderableDBInstanceOptions"]
    assert mariadb and not any(o["SupportsKerberosAuthentication"] for o in mariadb)
    assert mysql and all(o["SupportsKerberosAuthentication"] for o in mysql)
    parameters = {p["ParameterName"]: p for p in rds.describe_engine_default_parameters(DBParameterGroupFamily="mysql8.0")
                  ["EngineDefaults"]["Parameters"]}
    assert parameters["require_secure_transport"]["ParameterValue"] == "0"
