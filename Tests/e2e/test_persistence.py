"""State lives in the data directory: it survives a restart, and concurrent writers are safe."""

import concurrent.futures
import threading

from accounts import role, role_session, user_with_key
from policies import trust_arn
from refusals import refused


def test_state_survives_a_restart(start_kerbside, boto):
    data = start_kerbside.base / "persistent"
    first = start_kerbside(data)
    iam = boto("iam", endpoint=first.endpoint)
    user, credentials = user_with_key(iam, "alice")
    db_role = role(iam, "db-admin", trust_arn(user["Arn"]), Tags=[{"Key": "env", "Value": "test"}])
    iam.attach_role_policy(RoleName="db-admin", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess")
    policy = iam.create_policy(PolicyName="p", PolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ds:*","Resource":"*"}]}')["Policy"]
    _, session = role_session(boto("sts", credentials, endpoint=first.endpoint), db_role["Arn"], "before-restart")
    assert first.stop() == 0

    second = start_kerbside(data)
    assert second.pid != first.pid
    iam = boto("iam", endpoint=second.endpoint)
    assert iam.get_user(UserName="alice")["User"]["UserId"] == user["UserId"]
    restored = iam.get_role(RoleName="db-admin")["Role"]
    assert restored["RoleId"] == db_role["RoleId"] and restored["Tags"] == [{"Key": "env", "Value": "test"}]
    assert [p["PolicyName"] for p in iam.list_attached_role_policies(RoleName="db-admin")["AttachedPolicies"]] == \
        ["AmazonRDSDirectoryServiceAccess"]
    assert iam.get_policy(PolicyArn=policy["Arn"])["Policy"]["PolicyId"] == policy["PolicyId"]
    # The old access key still signs, and is still alice.
    assert boto("sts", credentials, endpoint=second.endpoint).get_caller_identity()["Arn"] == user["Arn"]
    # So does the role session issued before the restart.
    assert boto("sts", session, endpoint=second.endpoint).get_caller_identity()["Arn"].endswith("/db-admin/before-restart")
    assert second.stop() == 0


def test_concurrent_creates_are_safe(iam, boto):
    distinct = [f"user-{i:02d}" for i in range(20)]
    clients = [boto("iam") for _ in range(30)]
    start = threading.Barrier(30, timeout=30)

    def create(index: int, name: str) -> str:
        start.wait()
        try:
            clients[index].create_user(UserName=name)
            return "created"
        except clients[index].exceptions.EntityAlreadyExistsException:
            return "exists"

    jobs = [(i, name) for i, name in enumerate(distinct)] + [(20 + i, "contended") for i in range(10)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=30) as pool:
        outcomes = list(pool.map(lambda job: (job[1], create(*job)), jobs, timeout=60))
    assert all(outcome == "created" for name, outcome in outcomes if name != "contended")
    contended = [outcome for name, outcome in outcomes if name == "contended"]
    assert contended.count("created") == 1 and contended.count("exists") == 9
    names = {u["UserName"] for page in iam.get_paginator("list_users").paginate() for u in page["Users"]}
    assert names == set(distinct) | {"contended"}


def test_concurrent_access_keys_respect_the_quota(iam, boto):
    iam.create_user(UserName="alice")
    clients = [boto("iam") for _ in range(8)]
    start = threading.Barrier(8, timeout=30)

    def create(client) -> str:
        start.wait()
        try:
            client.create_access_key(UserName="alice")
            return "created"
        except client.exceptions.LimitExceededException:
            return "limit"

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(create, clients, timeout=60))
    assert outcomes.count("created") == 2 and outcomes.count("limit") == 6
    assert len(iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2
    with refused("LimitExceeded", 409):
        iam.create_access_key(UserName="alice")
