#!/usr/bin/env python3
"""MySQL-family benchmark: CreateDBInstance (engine mysql) to `available`, an Aurora MySQL cluster
with a writer and a reader to all `available`, logins per second through Kerbside's MySQL front
door (passwords over TLS and in plaintext, IAM tokens with PyMySQL; passwords and Kerberos
tickets with mysql-connector-python) with the server side's CPU per login, and the memory of an idle
instance and of a three-member cluster. Run by `make bench`.

Loopback only, against a Kerbside this script starts in a fresh data dir and stops by its pid;
every wait has a deadline and every loop a count and a time limit. Results print as Markdown."""
import argparse
import json
import os
import ssl
import statistics
import sys
import time
from pathlib import Path

import pymysql

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_aurora import add_member, cluster_state, instance_available, timed_cluster, wait  # noqa: E402
from bench_rds import Clients, Kerbside, children, cmdline, create_directory, directory_user, pss_mb  # noqa: E402

MASTER, PASSWORD = "admin", "Master-Pass-123"
POLL = 0.003
WAIT_LIMIT = 60.0
LOGIN_SECONDS = 3.0
LOGIN_LIMIT = 20_000


def create_until_available(rds, identifier):
    started = time.monotonic()
    rds.create_db_instance(DBInstanceIdentifier=identifier, Engine="mysql", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername=MASTER, MasterUserPassword=PASSWORD)
    while time.monotonic() - started < WAIT_LIMIT:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        if instance["DBInstanceStatus"] == "available":
            return time.monotonic() - started, instance
        if instance["DBInstanceStatus"] == "failed":
            sys.exit(f"{identifier} failed: {instance}")
        time.sleep(POLL)
    sys.exit(f"{identifier} was not available within {WAIT_LIMIT} s")


def cpu_seconds(pid):
    """User and system CPU the process has used so far (/proc/<pid>/stat fields 14 and 15)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu_seconds(kerbside):
    """CPU of the server side of a login: Kerbside (its front door) and its MariaDB servers."""
    servers = [pid for pid in children(kerbside.process.pid) if "mariadbd" in cmdline(pid)]
    return sum(map(cpu_seconds, [kerbside.process.pid] + servers))


def timed_logins(kerbside, login_once):
    """Runs `login_once` in a loop bounded by time and count; answers logins per second and the
    server side's CPU per login in milliseconds (what the client spends is not in it)."""
    before = server_cpu_seconds(kerbside)
    count, started = 0, time.monotonic()
    while time.monotonic() - started < LOGIN_SECONDS and count < LOGIN_LIMIT:
        login_once()
        count += 1
    elapsed = time.monotonic() - started
    return count / elapsed, (server_cpu_seconds(kerbside) - before) * 1000 / count


def logins_per_second(kerbside, address, port, context, user=MASTER, password=PASSWORD):
    """PyMySQL: connect, log in, `SELECT 1`, close."""
    def login_once():
        options = dict(host=address, port=port, user=user, password=password, connect_timeout=10)
        options.update(ssl=context) if context else options.update(ssl_disabled=True)
        connection = pymysql.connect(**options)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        connection.close()
    return timed_logins(kerbside, login_once)


def iam_logins_per_second(kerbside, rds, instance, address, port, context):
    """IAM-token logins of an `AWSAuthenticationPlugin` account, reusing one token (valid for 15
    minutes), so the loop measures the door's check and not the client's signing."""
    identifier = instance["DBInstanceIdentifier"]
    rds.modify_db_instance(DBInstanceIdentifier=identifier, EnableIAMDatabaseAuthentication=True, ApplyImmediately=True)
    wait(lambda: instance_available(rds, identifier), f"IAM authentication on {identifier}")
    master = pymysql.connect(host=address, port=port, user=MASTER, password=PASSWORD, ssl=context, connect_timeout=10)
    with master.cursor() as cursor:
        cursor.execute("CREATE USER app IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS'")
    master.close()
    iam = kerbside.client("iam")
    iam.create_user(UserName="bench")
    iam.put_user_policy(UserName="bench", PolicyName="connect", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "rds-db:connect",
                                                "Resource": f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{instance['DbiResourceId']}/app"}]}))
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    signer = kerbside.client("rds", key["AccessKeyId"], key["SecretAccessKey"])
    token = signer.generate_db_auth_token(DBHostname=instance["Endpoint"]["Address"], Port=port, DBUsername="app", Region="us-east-1")
    return logins_per_second(kerbside, address, port, context, user="app", password=token)


def connector_logins_per_second(kerbside, address, port, ca, user, password, environment):
    """mysql-connector-python (pure Python) logins, in plaintext when `ca` is None; Kerberos
    ones take the ticket cache and krb5.conf from `environment`."""
    import mysql.connector
    os.environ.update(environment)
    tls = dict(ssl_ca=str(ca)) if ca else dict(ssl_disabled=True)

    def login_once():
        connection = mysql.connector.connect(host=address, port=port, user=user, password=password, use_pure=True,
                                             connection_timeout=10, **tls)
        cursor = connection.cursor()
        cursor.execute("SELECT 1")
        cursor.fetchall()
        connection.close()
    return timed_logins(kerbside, login_once)


def kerberos_and_password_logins(kerbside, rds, ca):
    """Kerberos logins of an Aurora `authentication_kerberos` account after one kinit, beside
    the master user's password logins, both with mysql-connector-python on one joined cluster."""
    directory = create_directory(kerbside.client("ds"), kerbside.client("ec2"), "corp.example.com")
    directory_user(kerbside.client("ds"), kerbside.client("ds-data"), directory, "alice", "Wonder-Land-42")
    iam = kerbside.client("iam")
    iam.create_role(RoleName="kerberos", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole",
         "Principal": {"Service": ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]}}]}))
    iam.attach_role_policy(RoleName="kerberos", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess")
    rds.create_db_cluster(DBClusterIdentifier="joined", Engine="aurora-mysql", MasterUsername=MASTER, MasterUserPassword=PASSWORD,
                          Domain=directory, DomainIAMRoleName="kerberos")
    wait(lambda: cluster_state(rds, "joined")["Status"] == "available", "the joined cluster")
    add_member(rds, "joined", "joined-1", "aurora-mysql")
    wait(lambda: instance_available(rds, "joined-1") and cluster_state(rds, "joined")["DomainMemberships"][0]["Status"] == "kerberos-enabled",
         "the joined cluster's writer")
    member = rds.describe_db_instances(DBInstanceIdentifier="joined-1")["DBInstances"][0]
    hosts = dict(reversed(line.split()) for line in kerbside.get("hosts").decode().splitlines() if line.strip())
    address, port = hosts[member["Endpoint"]["Address"]], member["Endpoint"]["Port"]
    master = pymysql.connect(host=address, port=port, user=MASTER, password=PASSWORD, ssl={"ca": str(ca)}, connect_timeout=10)
    with master.cursor() as cursor:
        cursor.execute("CREATE USER alice IDENTIFIED WITH 'authentication_kerberos' BY 'CORP.EXAMPLE.COM'")
    master.close()
    clients = Clients(kerbside)
    clients.refresh()
    clients.kinit("alice@CORP.EXAMPLE.COM", "Wonder-Land-42", "alice")
    environment = clients.environment("alice")
    environment["KRB5CCNAME"] = environment["KRB5CCNAME"].removeprefix("FILE:")   # the connector adds it
    # Over TLS the client's own set-up dominates (it loads the system's CA store for every
    # connection, about 90 ms), so the two are measured in plaintext as well.
    return {(method, tls): connector_logins_per_second(kerbside, address, port, ca if tls else None, user, secret, env)
            for method, user, secret, env in (("password", MASTER, PASSWORD, {}), ("Kerberos", "alice", "", environment))
            for tls in (True, False)}


def three_member_cluster_pss(kerbside, rds):
    """PSS of the MariaDB servers of an idle Aurora MySQL cluster with a writer and two readers."""
    timed_cluster(rds, "measured", engine="aurora-mysql", master=MASTER)
    add_member(rds, "measured", "measured-3", "aurora-mysql")
    wait(lambda: instance_available(rds, "measured-3"), "the third member")
    time.sleep(1)
    ids = [rds.describe_db_instances(DBInstanceIdentifier=f"measured-{n}")["DBInstances"][0]["DbiResourceId"] for n in (1, 2, 3)]
    servers = [pid for pid in children(kerbside.process.pid) if "mariadbd" in cmdline(pid) and any(i in cmdline(pid) for i in ids)]
    return sum(map(pss_mb, servers))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kerbside", required=True)
    parser.add_argument("--runs", type=int, default=8)
    arguments = parser.parse_args()
    kerbside = Kerbside(arguments.kerbside)
    try:
        rds = kerbside.client("rds")
        first, _ = create_until_available(rds, "bench-first")
        times = []
        for run in range(arguments.runs):
            took, instance = create_until_available(rds, f"bench-{run}")
            times.append(took)
        hosts = dict(reversed(line.split()) for line in kerbside.get("hosts").decode().splitlines() if line.strip())
        address, port = hosts[instance["Endpoint"]["Address"]], instance["Endpoint"]["Port"]
        ca = kerbside.work / "ca.pem"
        ca.write_bytes(kerbside.get("ca.pem"))
        context = ssl.create_default_context(cafile=str(ca))
        context.check_hostname = False     # reached by address; the name is checked in the e2e suite
        tls = logins_per_second(kerbside, address, port, context)
        plain = logins_per_second(kerbside, address, port, None)
        iam = iam_logins_per_second(kerbside, rds, instance, address, port, context)
        connector = kerberos_and_password_logins(kerbside, rds, ca)
        time.sleep(1)
        servers = [pid for pid in children(kerbside.process.pid) if "mariadbd" in cmdline(pid)]
        memory = [pss_mb(pid) for pid in servers]
        clusters = [timed_cluster(rds, f"aurora-{run}", engine="aurora-mysql", master=MASTER) for run in range(arguments.runs)]
        cluster_memory = three_member_cluster_pss(kerbside, rds)
        print("| MySQL-family measure | Result |")
        print("|---|---|")
        print(f"| CreateDBInstance (mysql) → available, first (template made) | {first * 1000:.0f} ms |")
        print(f"| CreateDBInstance (mysql) → available, median of {len(times)} | {statistics.median(times) * 1000:.0f} ms "
              f"(max {max(times) * 1000:.0f} ms) |")
        def rate(measured):
            return f"{measured[0]:.0f}/s, server CPU {measured[1]:.2f} ms per login"
        print(f"| Password logins through the front door, TLS (PyMySQL, one client) | {rate(tls)} |")
        print(f"| Password logins through the front door, plaintext | {rate(plain)} |")
        print(f"| IAM-token logins through the front door, TLS (one client, one token) | {rate(iam)} |")
        for (method, tls), measured in connector.items():
            print(f"| {method} logins with mysql-connector-python (pure Python), {'TLS' if tls else 'plaintext'}"
                  f"{' (`authentication_kerberos`, one kinit)' if method == 'Kerberos' else ''} | {rate(measured)} |")
        print(f"| Aurora MySQL cluster + writer + reader → all available, median of {len(clusters)} | "
              f"{statistics.median(clusters):.0f} ms (max {max(clusters):.0f} ms) |")
        if memory:
            print(f"| Idle MariaDB server (PSS, median of {len(memory)}) | {statistics.median(memory):.0f} MB |")
        print(f"| Idle Aurora MySQL cluster of three members (PSS) | {cluster_memory:.0f} MB |")
    finally:
        kerbside.stop()


if __name__ == "__main__":
    main()
