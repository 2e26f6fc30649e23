"""Terraform's AWS provider builds the seed story in Kerbside: the role RDS joins directories with,
an AWS Managed Microsoft AD, a parameter group and a subnet group, and a PostgreSQL instance joined
to the directory with IAM database authentication. Apply, then a plan with no changes, then destroy.

The provider's waiters, not Kerbside, set the pace (about three and a half minutes): it polls a new
DB instance first after a minute and wants three `available` answers ten seconds apart, and looks at
a deleted DB instance, then a deleted directory, only after a minute each. Timeouts cannot shorten
these fixed delays."""

import pytest

from databases import MASTER_PASSWORD, wait_for_status
from terraform_runner import terraform_runner


@pytest.fixture
def terraform(tmp_path, endpoint):
    return terraform_runner(tmp_path, endpoint, "rds", shared=("directory",))


@pytest.fixture
def rds(boto):
    return boto("rds")


@pytest.fixture
def ds(boto):
    return boto("ds")


def test_apply_replan_destroy_a_kerberos_database(terraform, rds, ds, iam):
    values = terraform.apply()

    # What Terraform made is really there, as it described it.
    [instance] = rds.describe_db_instances(DBInstanceIdentifier="kerbdb")["DBInstances"]
    assert instance["DBInstanceStatus"] == "available"
    assert instance["IAMDatabaseAuthenticationEnabled"] is True
    assert [(m["Domain"], m["Status"], m["IAMRoleName"]) for m in instance["DomainMemberships"]] == [
        (values["directory_id"], "kerberos-enabled", "rds-directoryservice-kerberos-access-role")]
    assert instance["DbiResourceId"] == values["resource_id"]
    assert values["address"] == instance["Endpoint"]["Address"]
    assert values["endpoint"] == f"{instance['Endpoint']['Address']}:{instance['Endpoint']['Port']}"
    assert [g["DBParameterGroupName"] for g in instance["DBParameterGroups"]] == ["kerberos-postgres17"]
    assert instance["DBSubnetGroup"]["DBSubnetGroupName"] == "databases"
    assert instance["TagList"] == [{"Key": "team", "Value": "databases"}]
    [directory] = ds.describe_directories(DirectoryIds=[values["directory_id"]])["DirectoryDescriptions"]
    assert (directory["Name"], directory["Stage"], directory["Edition"]) == ("corp.example.com", "Active", "Standard")
    assert sorted(values["directory_dns"]) == sorted(directory["DnsIpAddrs"])
    parameters = rds.describe_db_parameters(DBParameterGroupName="kerberos-postgres17", Source="user")["Parameters"]
    assert [(p["ParameterName"], p["ParameterValue"]) for p in parameters] == [("krb_caseins_users", "1")]

    terraform.assert_no_changes()

    terraform.destroy()
    assert rds.describe_db_instances()["DBInstances"] == []
    assert ds.describe_directories()["DirectoryDescriptions"] == []
    assert [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]] == ["default"]
    assert [g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]
            if not g["DBParameterGroupName"].startswith("default.")] == []
    assert "rds-directoryservice-kerberos-access-role" not in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    print(f"terraform took {terraform.took}")


def test_empty_engine_version_and_database_name_are_not_given(rds):
    # As Terraform's provider sends them for an instance that names neither: the default version,
    # and no database but `postgres`.
    created = rds.create_db_instance(DBInstanceIdentifier="plain", Engine="postgres", EngineVersion="", DBName="",
                                     DBInstanceClass="db.t3.micro", AllocatedStorage=20, MasterUsername="postgres",
                                     MasterUserPassword=MASTER_PASSWORD)["DBInstance"]
    assert "DBName" not in created
    [default] = rds.describe_db_engine_versions(Engine="postgres", DefaultOnly=True)["DBEngineVersions"]
    instance = wait_for_status(rds, "plain")
    assert instance["EngineVersion"] == default["EngineVersion"] and "DBName" not in instance
