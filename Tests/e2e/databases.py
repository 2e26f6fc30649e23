"""DB instance helpers: an instance made and waited for, the Kerberos role RDS needs, and `psql`
run as a user would (endpoint name as `host`, its loopback address as `hostaddr`)."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

MASTER_PASSWORD = "Master-Pass-123"
AVAILABLE_TIMEOUT = 30.0
KERBEROS_ROLE = "rds-directoryservice-kerberos-access-role"
DIRECTORY_ACCESS_POLICY = "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"
RDS_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                   "Principal": {"Service": ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]}}],
}


def kerberos_role(iam, name: str = KERBEROS_ROLE, trust: dict = RDS_TRUST, attach: bool = True) -> str:
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
    if attach:
        iam.attach_role_policy(RoleName=name, PolicyArn=DIRECTORY_ACCESS_POLICY)
    return name


def wait_for_status(rds, identifier: str, statuses=("available",), timeout: float = AVAILABLE_TIMEOUT) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        if instance["DBInstanceStatus"] in statuses:
            return instance
        assert instance["DBInstanceStatus"] not in ("failed",) or "failed" in statuses, f"{identifier} failed: {instance}"
        assert time.monotonic() < deadline, f"{identifier} stayed {instance['DBInstanceStatus']} for {timeout}s"
        time.sleep(0.05)


def wait_for_snapshot(rds, identifier: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        snapshot = rds.describe_db_snapshots(DBSnapshotIdentifier=identifier)["DBSnapshots"][0]
        if snapshot["Status"] == "available":
            return snapshot
        assert snapshot["Status"] == "creating" and time.monotonic() < deadline, snapshot
        time.sleep(0.05)


def restore_around(rds, source: str, write_late) -> tuple[dict, dict]:
    """Restores `source` to a moment between what it holds now and what `write_late()` writes
    (seconds apart: MariaDB's binary log has whole seconds), and to its latest restorable time;
    answers both restored instances, `as-of` and `latest`, once available."""
    time.sleep(1.2)
    restore_time = datetime.datetime.now(datetime.timezone.utc)
    time.sleep(1.2)
    write_late()
    rds.restore_db_instance_to_point_in_time(SourceDBInstanceIdentifier=source, TargetDBInstanceIdentifier="as-of",
                                             RestoreTime=restore_time)
    rds.restore_db_instance_to_point_in_time(SourceDBInstanceIdentifier=source, TargetDBInstanceIdentifier="latest",
                                             UseLatestRestorableTime=True)
    return wait_for_status(rds, "as-of", timeout=60), wait_for_status(rds, "latest", timeout=60)


def wait_for_membership(rds, identifier: str, statuses, timeout: float = AVAILABLE_TIMEOUT) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
        memberships = instance["DomainMemberships"]
        current = memberships[0]["Status"] if memberships else None
        if current in statuses:
            return instance
        assert time.monotonic() < deadline, f"{identifier} membership stayed {current} for {timeout}s: {memberships}"
        time.sleep(0.05)


def create_instance(rds, identifier: str = "kerbdb", wait: bool = True, **extra) -> dict:
    arguments = dict(DBInstanceIdentifier=identifier, Engine="postgres", DBInstanceClass="db.t3.micro",
                     AllocatedStorage=20, MasterUsername="postgres", MasterUserPassword=MASTER_PASSWORD)
    arguments.update(extra)
    created = rds.create_db_instance(**arguments)["DBInstance"]
    return wait_for_status(rds, identifier) if wait else created


@dataclass
class Login:
    code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0

    @property
    def value(self) -> str:
        assert self.ok, self.stderr
        return self.stdout.strip()


class DatabaseClient:
    """psql against Kerbside's instances, with Kerbside's CA bundle and krb5.conf."""

    def __init__(self, endpoint: str, workdir: Path):
        if shutil.which("psql") is None:
            pytest.fail("psql is not installed (postgresql-client); make test installs it")
        self.endpoint = endpoint
        self.workdir = workdir
        self.ca_bundle = workdir / "kerbside-ca.pem"
        self.krb5_config = workdir / "krb5.conf"

    def refresh(self) -> None:
        for route, target in (("ca.pem", self.ca_bundle), ("krb5.conf", self.krb5_config)):
            with urllib.request.urlopen(f"{self.endpoint}/_kerbside/{route}", timeout=10) as response:
                target.write_bytes(response.read())

    def hosts(self) -> dict[str, str]:
        with urllib.request.urlopen(f"{self.endpoint}/_kerbside/hosts", timeout=10) as response:
            lines = response.read().decode().splitlines()
        return {name: address for address, name in (line.split() for line in lines if line.strip())}

    def psql(self, instance: dict, user: str, sql: str = "SELECT current_user", *, host: str | None = None, **options) -> Login:
        """psql to a DB instance's endpoint (or, with `host`, another name on the same address)."""
        endpoint = instance["Endpoint"]
        return self.connect(endpoint["Address"], endpoint["Port"], user, sql, name=host, **options)

    def connect(self, endpoint: str, port: int, user: str, sql: str = "SELECT current_user", *, password: str | None = None,
                cache: str | None = None, database: str = "postgres", sslmode: str = "verify-full",
                gssencmode: str = "disable", name: str | None = None, verbose: bool = False) -> Login:
        """psql to an endpoint name (an instance's or a cluster's), at its address from /_kerbside/hosts."""
        self.refresh()
        address = self.hosts()[endpoint]
        target = f"host={name or endpoint} hostaddr={address} port={port} dbname={database} " \
                 f"user='{user}' sslmode={sslmode} sslrootcert={self.ca_bundle} gssencmode={gssencmode} connect_timeout=10"
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "KRB5_CONFIG": str(self.krb5_config),
               "KRB5CCNAME": f"FILE:{self.workdir / ('cc-' + (cache or 'none'))}", "PGPASSFILE": "/dev/null",
               "HOME": str(self.workdir)}
        if password is not None:
            env["PGPASSWORD"] = password
        flags = ["-v", "VERBOSITY=verbose"] if verbose else []
        done = subprocess.run(["psql", target, "-X", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", *flags, "-c", sql],
                              capture_output=True, text=True, timeout=30, env=env, stdin=subprocess.DEVNULL)
        return Login(done.returncode, done.stdout, done.stderr)

    def master(self, instance: dict, sql: str) -> str:
        return self.psql(instance, instance["MasterUsername"], sql, password=MASTER_PASSWORD).value
