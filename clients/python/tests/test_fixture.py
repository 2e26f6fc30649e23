"""The fixtures as a user's suite uses them: nothing here knows Kerbside's internals. One test
runs the Kerberos story (a directory, a user, the role, a PostgreSQL instance joined to the
directory, `kinit`, `psql` over GSSAPI) and an IAM-token login; the next finds Kerbside empty
again; one logs in to an RDS for MySQL instance with PyMySQL."""

import json

import pytest

PASSWORD = "Master-Pass-123"
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"Service": ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]}}]})


def wait_until(check, what: str, attempts: int = 600):
    """boto3's own waiters poll every 30 s; Kerbside's lifecycles take moments."""
    import time
    for _ in range(attempts):
        if outcome := check():
            return outcome
        time.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {attempts * 0.05:.0f} s")


def instance_available(rds, identifier: str) -> dict:
    instance = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]
    return instance if instance["DBInstanceStatus"] == "available" else None


def test_the_kerberos_story_and_an_iam_token(kerbside):
    ds, ec2, iam, rds = (kerbside.client(s) for s in ("ds", "ec2", "iam", "rds"))
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = [s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]][:2]
    directory = ds.create_microsoft_ad(Name="corp.example.com", Password="Sup3r-Secret-Pass!", Edition="Standard",
                                       VpcSettings={"VpcId": vpc, "SubnetIds": subnets})["DirectoryId"]
    wait_until(lambda: ds.describe_directories(DirectoryIds=[directory])["DirectoryDescriptions"][0]["Stage"] == "Active",
               "the directory")
    ds.enable_directory_data_access(DirectoryId=directory)
    kerbside.client("ds-data").create_user(DirectoryId=directory, SAMAccountName="alice")
    ds.reset_user_password(DirectoryId=directory, UserName="alice", NewPassword="Wonder-Land-42")
    iam.create_role(RoleName="rds-directory", AssumeRolePolicyDocument=TRUST)
    iam.attach_role_policy(RoleName="rds-directory", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess")
    rds.create_db_instance(DBInstanceIdentifier="kerbdb", Engine="postgres", DBInstanceClass="db.t3.micro",
                           AllocatedStorage=20, MasterUsername="postgres", MasterUserPassword=PASSWORD,
                           Domain=directory, DomainIAMRoleName="rds-directory", EnableIAMDatabaseAuthentication=True)
    instance = wait_until(lambda: (lambda i: i if i and i["DomainMemberships"][0]["Status"] == "kerberos-enabled" else None)(
        instance_available(rds, "kerbdb")), "the joined instance")
    kerbside.psql(instance, 'CREATE USER "alice@CORP.EXAMPLE.COM" WITH LOGIN; GRANT rds_ad TO "alice@CORP.EXAMPLE.COM";'
                  " CREATE USER app WITH LOGIN; GRANT rds_iam TO app;", "postgres", password=PASSWORD)

    tickets = kerbside.kinit("alice@CORP.EXAMPLE.COM", "Wonder-Land-42")
    assert kerbside.psql(instance, "SELECT current_user", "alice@CORP.EXAMPLE.COM", kerberos=tickets) == "alice@CORP.EXAMPLE.COM"

    # As the guide has it: an IAM user allowed rds-db:connect on this database user signs the token.
    iam.create_user(UserName="app")
    iam.put_user_policy(UserName="app", PolicyName="connect", PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Action": "rds-db:connect",
        "Resource": f"arn:aws:rds-db:us-east-1:123456789012:dbuser:{instance['DbiResourceId']}/app"}]}))
    key = iam.create_access_key(UserName="app")["AccessKey"]
    signer = kerbside.client("rds", key["AccessKeyId"], key["SecretAccessKey"])
    token = signer.generate_db_auth_token(DBHostname=instance["Endpoint"]["Address"], Port=5432, DBUsername="app")
    assert kerbside.psql(instance, "SELECT current_user", "app", password=token) == "app"
    with pytest.raises(RuntimeError, match="password authentication failed|PAM authentication failed"):
        kerbside.psql(instance, "SELECT 1", "app", password=token.replace("X-Amz-Signature=", "X-Amz-Signature=0"))


def test_each_test_starts_with_an_empty_kerbside(kerbside):
    assert kerbside.client("rds").describe_db_instances()["DBInstances"] == []
    assert kerbside.client("ds").describe_directories()["DirectoryDescriptions"] == []
    assert "rds-directory" not in [r["RoleName"] for r in kerbside.client("iam").list_roles()["Roles"]]


def test_a_mysql_instance_takes_its_master_password_over_verified_tls(kerbside):
    rds = kerbside.client("rds")
    rds.create_db_instance(DBInstanceIdentifier="shop", Engine="mysql", DBInstanceClass="db.t3.micro", AllocatedStorage=20,
                           MasterUsername="admin", MasterUserPassword=PASSWORD)
    instance = wait_until(lambda: instance_available(rds, "shop"), "the MySQL instance")
    connection = kerbside.connect_mysql(instance, "admin", PASSWORD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT CURRENT_USER(), @@version")
        assert cursor.fetchone() == ("admin@%", "8.0.42")
    connection.close()


def test_the_session_kerbside_is_one_process_for_the_whole_session(kerbside_session, kerbside):
    assert kerbside is kerbside_session and kerbside.health()["status"] == "ready"
    assert kerbside.krb5_conf.exists() and kerbside.ca_path.read_text().startswith("-----BEGIN CERTIFICATE-----")
