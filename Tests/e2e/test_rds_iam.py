"""IAM database authentication: `generate-db-auth-token` as the password of a user granted
`rds_iam`, over TLS verified with Kerbside's CA; and every refusal, by the real PostgreSQL."""

from __future__ import annotations

import datetime
import json
import time

import botocore.auth
import pytest

from databases import DatabaseClient, create_instance, wait_for_status
from harness import Credentials
from policies import db_connect


@pytest.fixture
def db(endpoint, tmp_path):
    return DatabaseClient(endpoint, tmp_path)


def connect_policy(instance: dict, user: str = "iamuser") -> str:
    return db_connect(instance["DbiResourceId"], user)


def iam_user(iam, name: str, policy: str | None) -> Credentials:
    iam.create_user(UserName=name)
    if policy:
        iam.put_user_policy(UserName=name, PolicyName="connect", PolicyDocument=policy)
    return Credentials.of_access_key(iam.create_access_key(UserName=name)["AccessKey"])


def token(boto, credentials: Credentials, instance: dict, user: str = "iamuser") -> str:
    endpoint = instance["Endpoint"]
    return boto("rds", credentials).generate_db_auth_token(DBHostname=endpoint["Address"], Port=endpoint["Port"],
                                                           DBUsername=user, Region="us-east-1")


@pytest.fixture
def iam_instance(rds, db):
    instance = create_instance(rds, EnableIAMDatabaseAuthentication=True)
    assert instance["IAMDatabaseAuthenticationEnabled"] is True
    db.master(instance, "CREATE USER iamuser; GRANT rds_iam TO iamuser; CREATE USER other; GRANT rds_iam TO other;")
    return instance


def refused_login(login, text: str = 'PAM authentication failed for user "iamuser"'):
    assert not login.ok, login.stdout
    assert text in login.stderr, login.stderr


def test_a_token_is_the_password_of_an_rds_iam_user(boto, iam, iam_instance, db, endpoint):
    app = iam_user(iam, "app", connect_policy(iam_instance))
    login = db.psql(iam_instance, "iamuser", "SELECT current_user || ' ' || (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())",
                    password=token(boto, app, iam_instance))
    assert login.value == "iamuser true"
    # The same token twice (within its 15 minutes), as RDS allows.
    cached = token(boto, app, iam_instance)
    assert db.psql(iam_instance, "iamuser", password=cached).ok
    assert db.psql(iam_instance, "iamuser", password=cached).ok


def test_an_assumed_role_session_signs_tokens_too(boto, iam, sts, iam_instance, db):
    trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]}
    iam.create_role(RoleName="db-connect", AssumeRolePolicyDocument=json.dumps(trust))
    iam.put_role_policy(RoleName="db-connect", PolicyName="connect", PolicyDocument=connect_policy(iam_instance))
    caller = iam_user(iam, "assumer", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
    session = boto("sts", caller).assume_role(RoleArn="arn:aws:iam::123456789012:role/db-connect", RoleSessionName="ci")["Credentials"]
    credentials = Credentials(session["AccessKeyId"], session["SecretAccessKey"], session["SessionToken"])
    assert db.psql(iam_instance, "iamuser", password=token(boto, credentials, iam_instance)).value == "iamuser"


def test_refusals_wrong_user_no_policy_unknown_key_expired_no_tls_password(boto, iam, iam_instance, db, kerbside, monkeypatch):
    app = iam_user(iam, "app", connect_policy(iam_instance))
    # A token for another user, presented for iamuser.
    refused_login(db.psql(iam_instance, "iamuser", password=token(boto, app, iam_instance, user="other")))
    # A user whose policies do not allow rds-db:connect on this database user.
    nobody = iam_user(iam, "nobody", None)
    refused_login(db.psql(iam_instance, "iamuser", password=token(boto, nobody, iam_instance)))
    limited = iam_user(iam, "limited", connect_policy(iam_instance, user="other"))
    refused_login(db.psql(iam_instance, "iamuser", password=token(boto, limited, iam_instance)))
    # A key Kerbside never issued (the CLI's usual `test`): a token proves nothing without it.
    refused_login(db.psql(iam_instance, "iamuser", password=token(boto, Credentials("test", "test"), iam_instance)))
    # A forged token (its signature changed) and one signed for another endpoint (misdirected).
    genuine = token(boto, app, iam_instance)
    forged = genuine[:-6] + ("000000" if not genuine.endswith("000000") else "111111")
    refused_login(db.psql(iam_instance, "iamuser", password=forged))
    elsewhere = dict(iam_instance, Endpoint=dict(iam_instance["Endpoint"], Port=iam_instance["Endpoint"]["Port"] + 1))
    refused_login(db.psql(iam_instance, "iamuser", password=token(boto, app, elsewhere)))
    # A password instead of a token.
    refused_login(db.psql(iam_instance, "iamuser", password="not-a-token-at-all"))
    # Without TLS the login rule does not match, and nothing falls through to passwords.
    refused_login(db.psql(iam_instance, "iamuser", password=token(boto, app, iam_instance), sslmode="disable"),
                  'pg_hba.conf rejects connection for host')
    # A token older than its 15 minutes.
    monkeypatch.setattr(botocore.auth, "get_current_datetime",
                        lambda remove_tzinfo=True: datetime.datetime.utcnow() - datetime.timedelta(minutes=20))
    expired = token(boto, app, iam_instance)
    monkeypatch.undo()
    refused_login(db.psql(iam_instance, "iamuser", password=expired))

    engine = [e for e in kerbside.health()["engines"] if e["dbiResourceId"] == iam_instance["DbiResourceId"]][0]
    reasons = [refusal["reason"] for refusal in engine["refusedLogins"] if refusal["method"] == "iam"]
    assert any("expired" in reason for reason in reasons), reasons
    assert any("rds-db:connect" in reason for reason in reasons), reasons
    assert any("signature" in reason.lower() for reason in reasons), reasons
    assert all(expired not in reason and forged[-64:] not in reason for reason in reasons)
    assert expired not in kerbside.log_text(tail=10_000_000) and genuine not in kerbside.log_text(tail=10_000_000)


def test_iam_authentication_follows_the_instance_setting(boto, iam, rds, db):
    instance = create_instance(rds)
    assert instance["IAMDatabaseAuthenticationEnabled"] is False
    db.master(instance, "CREATE USER iamuser; GRANT rds_iam TO iamuser;")
    app = iam_user(iam, "app", connect_policy(instance))
    refused_login(db.psql(instance, "iamuser", password=token(boto, app, instance)), "pg_hba.conf rejects connection")

    pending = rds.modify_db_instance(DBInstanceIdentifier="kerbdb", EnableIAMDatabaseAuthentication=True)["DBInstance"]
    assert pending["PendingModifiedValues"] == {"IAMDatabaseAuthenticationEnabled": True}
    rds.modify_db_instance(DBInstanceIdentifier="kerbdb", EnableIAMDatabaseAuthentication=True, ApplyImmediately=True)
    deadline = time.monotonic() + 10
    while not (login := db.psql(instance, "iamuser", password=token(boto, app, instance))).ok and time.monotonic() < deadline:
        time.sleep(0.1)
    assert login.value == "iamuser"
    described = wait_for_status(rds, "kerbdb")
    assert described["IAMDatabaseAuthenticationEnabled"] is True and "IAMDatabaseAuthenticationEnabled" not in described["PendingModifiedValues"]
