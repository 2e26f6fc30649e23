"""IAM database authentication on the MySQL family: `CREATE USER … IDENTIFIED WITH
AWSAuthenticationPlugin AS 'RDS'`, then a token from `generate_db_auth_token(host, 3306, user)` as
the password over TLS, with PyMySQL, mysql-connector-python and the `mariadb` client; Kerbside's
front door checks it as it checks PostgreSQL's, and every refusal is MySQL's 1045."""

from __future__ import annotations

import json
import time

import pymysql
import pytest

from harness import Credentials
from policies import db_connect
from mysql_clients import MASTER, MySQLClients
from test_mysql import create_mysql


@pytest.fixture
def my(endpoint, tmp_path):
    return MySQLClients(endpoint, tmp_path)


def connect_policy(instance: dict, user: str = "app") -> str:
    return db_connect(instance["DbiResourceId"], user)


def signer(iam, name: str, policy: str | None) -> Credentials:
    iam.create_user(UserName=name)
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="connect", PolicyDocument=policy)
    return Credentials.of_access_key(iam.create_access_key(UserName=name)["AccessKey"])


def token(boto, credentials: Credentials, instance: dict, user: str = "app", port: int | None = None) -> str:
    endpoint = instance["Endpoint"]
    return boto("rds", credentials).generate_db_auth_token(DBHostname=endpoint["Address"], Port=port or endpoint["Port"],
                                                           DBUsername=user, Region="us-east-1")


def wait_for_iam_refusal(kerbside, instance: dict, count: int, timeout: float = 5.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while True:
        engine = [e for e in kerbside.health()["engines"] if e["dbiResourceId"] == instance["DbiResourceId"]][0]
        found = [r for r in engine["refusedLogins"] if r["method"] == "iam"]
        if len(found) >= count:
            return found
        assert time.monotonic() < deadline, f"fewer than {count} IAM refusals reported: {engine['refusedLogins']}"
        time.sleep(0.1)


@pytest.mark.parametrize("engine", ["mysql", "mariadb"])
def test_a_token_is_the_password_of_an_aws_authentication_plugin_account(rds, iam, boto, my, engine):
    instance = create_mysql(rds, engine=engine, EnableIAMDatabaseAuthentication=True)
    assert instance["IAMDatabaseAuthenticationEnabled"] is True
    my.query(instance, "CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
    assert my.query(instance, "SHOW CREATE USER app")[0][0] == "CREATE USER `app`@`%` IDENTIFIED VIA AWSAuthenticationPlugin USING 'RDS'"
    my.query(instance, "GRANT SELECT ON *.* TO app")
    app = signer(iam, "app-signer", connect_policy(instance))

    # PyMySQL: the server asks for the cleartext plugin, the client sends the token over TLS.
    signed = token(boto, app, instance)
    rows = my.query(instance, "SELECT CURRENT_USER(), @@external_user, (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
                              " WHERE VARIABLE_NAME = 'SSL_VERSION')", user="app", password=signed)
    assert rows[0][0] == "app@%" and rows[0][1] == "app" and rows[0][2].startswith("TLSv1.")
    # The same token again within its 15 minutes, as RDS allows.
    assert my.query(instance, "SELECT 1", user="app", password=signed) == [(1,)]

    # The mariadb client, as the RDS guide has it (the MariaDB client needs no cleartext flag).
    cli = my.cli(instance, "SELECT CURRENT_USER()", "app", token(boto, app, instance), "--enable-cleartext-plugin")
    # (Debian's client warns that the flag is obsolete, on its standard output.)
    assert cli.ok and cli.stdout.strip().splitlines()[-1] == "app@%", cli.stderr

    # mysql-connector-python with the cleartext plugin named.
    connector = my.connector(instance, user="app", password=token(boto, app, instance), auth_plugin="mysql_clear_password")
    try:
        cursor = connector.cursor()
        cursor.execute("SELECT CURRENT_USER()")
        assert cursor.fetchone() == ("app@%",)
    finally:
        connector.close()

    # The master user's password login still goes end to end beside it.
    assert my.query(instance, "SELECT CURRENT_USER()") == [(f"{MASTER}@%",)]


def test_refusals_no_tls_other_user_other_port_forged_no_policy_unknown_key(rds, iam, boto, my, kerbside):
    instance = create_mysql(rds, EnableIAMDatabaseAuthentication=True)
    my.query(instance, "CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
    my.query(instance, "CREATE USER other IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
    app = signer(iam, "app-signer", connect_policy(instance))
    nobody = signer(iam, "no-policy", None)
    signed = token(boto, app, instance)
    forged = signed[:-4] + ("0000" if not signed.endswith("0000") else "1111")
    unknown = token(boto, Credentials("AKIAUNKNOWNKEY000000", "secret"), instance)
    attempts = [
        dict(user="app", password=signed, tls=False),                       # no TLS: the token would cross in the clear
        dict(user="other", password=signed),                                # a token for app, presented for other
        dict(user="app", password=token(boto, app, instance, port=3307)),    # signed for another port
        dict(user="app", password=forged),
        dict(user="app", password=token(boto, nobody, instance)),            # no rds-db:connect
        dict(user="app", password=unknown),                                  # a key Kerbside never issued
    ]
    for attempt in attempts:
        with pytest.raises(pymysql.err.OperationalError) as refused:
            my.query(instance, "SELECT 1", **attempt)
        code, message = refused.value.args
        assert code == 1045 and message.startswith(f"Access denied for user '{attempt['user']}'@'127.") \
            and message.endswith("(using password: YES)"), refused.value.args
    reasons = [r["reason"] for r in wait_for_iam_refusal(kerbside, instance, len(attempts))][-len(attempts):]
    assert "requires TLS" in reasons[0]
    health = json.dumps(kerbside.health())
    assert signed not in health and signed[-64:] not in health   # never the token, nor its signature


def test_with_iam_authentication_off_the_plugin_is_not_loaded(rds, my):
    instance = create_mysql(rds)
    with pytest.raises(pymysql.err.OperationalError) as refused:
        my.query(instance, "CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
    assert refused.value.args == (1524, "Plugin 'AWSAuthenticationPlugin' is not loaded")

    rds.modify_db_instance(DBInstanceIdentifier="shop", EnableIAMDatabaseAuthentication=True, ApplyImmediately=True)
    instance = wait_for_iam(rds, "shop", True)
    my.query(instance, "CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
    assert my.query(instance, "SELECT COUNT(*) FROM mysql.user WHERE user = 'app'") == [(1,)]


def wait_for_iam(rds, identifier: str, enabled: bool, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        if instance["IAMDatabaseAuthenticationEnabled"] == enabled and instance["DBInstanceStatus"] == "available":
            return instance
        assert time.monotonic() < deadline, f"{identifier} did not turn IAM authentication {enabled}: {instance}"
        time.sleep(0.05)
