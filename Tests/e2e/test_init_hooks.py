"""Init hooks, as containers and CI jobs use them: `kerbside serve --init-dir DIR` runs every
executable file in DIR/ready.d once it serves, in name order, with the endpoint and test
credentials in their environment; `Ready.` comes after them, so what they made is there when a
suite that waits for that line starts; health says how each one ended."""

from __future__ import annotations

import time

from clusters import eventually

SEED = """#!/bin/sh
set -e
aws iam create-role --role-name seeded --assume-role-policy-document \\
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":"sts:AssumeRole"}]}' >/dev/null
VPC=$(aws ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)
SUBNETS=$(aws ec2 describe-subnets --filters Name=vpc-id,Values=$VPC --query 'Subnets[0:2].SubnetId' --output text | tr '\\t' ,)
aws ds create-microsoft-ad --name corp.example.com --password 'Sup3r-Secret-Pass!' --edition Standard \\
    --vpc-settings VpcId=$VPC,SubnetIds=$SUBNETS >/dev/null
"""
INSTANCE = """#!/bin/sh
set -e
aws --endpoint-url "$AWS_ENDPOINT_URL" rds create-db-instance --db-instance-identifier seeded --engine postgres \\
    --db-instance-class db.t3.micro --allocated-storage 20 --master-username postgres --master-user-password Master-Pass-123 >/dev/null
"""
FAILING = """#!/bin/sh
echo "no such thing" >&2
exit 3
"""


def test_ready_hooks_run_in_order_before_ready_and_report_in_health(start_kerbside):
    ready = start_kerbside.base / "init" / "ready.d"
    ready.mkdir(parents=True)
    for name, text in (("10-seed.sh", SEED), ("20-instance.sh", INSTANCE), ("30-fails.sh", FAILING), ("notes.txt", "not a hook")):
        (ready / name).write_text(text)
        if name.endswith(".sh"):
            (ready / name).chmod(0o755)
    server = start_kerbside(arguments=("--init-dir", str(ready.parent)))
    eventually(lambda: "Ready." in server.log_text(tail=200_000), timeout=60)

    # Made before `Ready.`: a suite that waited for it finds them.
    rds, ds, iam = server.client("rds"), server.client("ds"), server.client("iam")
    assert [i["DBInstanceIdentifier"] for i in rds.describe_db_instances()["DBInstances"]] == ["seeded"]
    assert [d["Name"] for d in ds.describe_directories()["DirectoryDescriptions"]] == ["corp.example.com"]
    assert iam.get_role(RoleName="seeded")["Role"]["RoleName"] == "seeded"
    hooks = server.health()["initHooks"]
    assert [(h["name"], h["state"], h.get("exitCode")) for h in hooks] == [
        ("10-seed.sh", "succeeded", 0), ("20-instance.sh", "succeeded", 0), ("30-fails.sh", "failed", 3)]
    assert hooks[2]["error"] == "no such thing"
    log = server.log_text(tail=200_000)
    assert log.index("init hook 30-fails.sh exited 3") < log.index("Ready.")
    # The instance the hook asked for is up: its create answered once the server was.
    deadline = time.monotonic() + 10
    while rds.describe_db_instances(DBInstanceIdentifier="seeded")["DBInstances"][0]["DBInstanceStatus"] != "available":
        assert time.monotonic() < deadline
        time.sleep(0.05)
