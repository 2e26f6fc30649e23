"""MySQL-family clients as a user runs them against Kerbside's endpoints: PyMySQL (reaching the
endpoint's address, verifying the certificate against the endpoint's name), mysql-connector-python,
and the `mariadb` command-line client."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pymysql
import pytest

MASTER = "admin"
MASTER_PASSWORD = "Master-Pass-123"


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str

    @property
    def ok(self) -> bool:
        return self.code == 0


def at(name: str, port: int = 3306) -> dict:
    """An endpoint by name (a cluster's, its reader's, a custom one), shaped as an instance's,
    which is what the clients below take."""
    return {"Endpoint": {"Address": name, "Port": port}}


class MySQLClients:
    def __init__(self, endpoint: str, workdir: Path):
        self.endpoint = endpoint
        self.workdir = workdir
        self.ca_bundle = workdir / "kerbside-ca.pem"

    def refresh(self) -> None:
        with urllib.request.urlopen(f"{self.endpoint}/_kerbside/ca.pem", timeout=10) as response:
            self.ca_bundle.write_bytes(response.read())

    def address(self, name: str) -> str:
        with urllib.request.urlopen(f"{self.endpoint}/_kerbside/hosts", timeout=10) as response:
            lines = response.read().decode().splitlines()
        return {host: address for address, host in (line.split() for line in lines if line.strip())}[name]

    def pymysql(self, instance: dict, user: str = MASTER, password: str = MASTER_PASSWORD, *, tls: bool = True,
                database: str | None = None) -> pymysql.connections.Connection:
        """PyMySQL to the endpoint by its name: the socket reaches the name's address (no DNS
        here), and TLS verifies the certificate against the name, as against RDS."""
        self.refresh()
        name, port = instance["Endpoint"]["Address"], instance["Endpoint"]["Port"]
        options = dict(host=name, port=port, user=user, password=password, database=database, connect_timeout=10,
                       defer_connect=True)
        if tls:
            # With a CA, PyMySQL requires a valid certificate for the host name (its own defaults).
            options["ssl"] = {"ca": str(self.ca_bundle), "check_hostname": True}
        else:
            options["ssl_disabled"] = True
        connection = pymysql.connect(**options)
        connection.connect(socket.create_connection((self.address(name), port), timeout=10))
        return connection

    def query(self, instance: dict, sql: str, **options) -> list[tuple]:
        connection = self.pymysql(instance, **options)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                rows = list(cursor.fetchall())
            connection.commit()
            return rows
        finally:
            connection.close()

    def connector(self, instance: dict, user: str = MASTER, password: str = MASTER_PASSWORD, **options):
        """mysql-connector-python (pure Python) to the endpoint's address, verifying the CA."""
        import mysql.connector
        self.refresh()
        endpoint = instance["Endpoint"]
        return mysql.connector.connect(host=self.address(endpoint["Address"]), port=endpoint["Port"], user=user,
                                       password=password, ssl_ca=str(self.ca_bundle), ssl_verify_cert=True,
                                       use_pure=True, connection_timeout=10, **options)

    def cli(self, instance: dict, sql: str, user: str = MASTER, password: str | None = MASTER_PASSWORD,
            *flags: str, environment: dict[str, str] | None = None) -> Outcome:
        """The `mariadb` client, TLS verified (the certificate names the endpoint's address too);
        with no password, as a Kerberos login takes it (`environment` names the ticket cache)."""
        if shutil.which("mariadb") is None:
            pytest.fail("the mariadb client is not installed (mariadb-client); make test installs it")
        self.refresh()
        endpoint = instance["Endpoint"]
        command = ["mariadb", "--no-defaults", "-h", self.address(endpoint["Address"]), "-P", str(endpoint["Port"]),
                   "-u", user, *([f"--password={password}"] if password is not None else []), "--protocol=tcp", "--batch",
                   "--skip-column-names", "--connect-timeout=10", *flags, "-e", sql]
        if "--skip-ssl" not in flags:
            command[2:2] = [f"--ssl-ca={self.ca_bundle}", "--ssl-verify-server-cert"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL,
                              env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.workdir), **(environment or {})})
        return Outcome(done.returncode, done.stdout, done.stderr)
