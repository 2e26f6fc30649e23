"""Terraform's AWS provider builds the Aurora story in Kerbside: the role, an AWS Managed Microsoft
AD, a cluster parameter group, and an Aurora PostgreSQL cluster joined to the directory with IAM
database authentication, with a writer, a reader and a custom endpoint. Apply, a plan with no changes, then destroy.
As for DB instances, the provider's fixed waiter delays set the pace."""

import pytest

from terraform_runner import terraform_runner


@pytest.fixture
def terraform(tmp_path, endpoint):
    return terraform_runner(tmp_path, endpoint, "aurora", shared=("directory",))


def test_apply_replan_destroy_a_kerberos_aurora_cluster(terraform, rds, ds, iam):
    values = terraform.apply()

    [cluster] = rds.describe_db_clusters(DBClusterIdentifier="orders")["DBClusters"]
    assert cluster["Status"] == "available" and cluster["IAMDatabaseAuthenticationEnabled"] is True
    assert [(m["Domain"], m["Status"]) for m in cluster["DomainMemberships"]] == [(values["directory_id"], "kerberos-enabled")]
    assert (values["endpoint"], values["reader_endpoint"], values["resource_id"]) == (
        cluster["Endpoint"], cluster["ReaderEndpoint"], cluster["DbClusterResourceId"])
    # Terraform creates both members at once: whichever RDS takes first is the writer.
    assert sorted(m["DBInstanceIdentifier"] for m in cluster["DBClusterMembers"]) == ["orders-1", "orders-2"]
    assert sorted(m["IsClusterWriter"] for m in cluster["DBClusterMembers"]) == sorted(values["writers"]) == [False, True]
    assert cluster["DBClusterParameterGroup"] == "kerberos-aurora-postgresql16"
    assert cluster["TagList"] == [{"Key": "team", "Value": "databases"}]
    [reports] = rds.describe_db_cluster_endpoints(DBClusterEndpointIdentifier="reports")["DBClusterEndpoints"]
    assert (reports["Endpoint"], reports["StaticMembers"], reports["Status"]) == (values["reports_endpoint"], ["orders-2"], "available")
    parameters = rds.describe_db_cluster_parameters(DBClusterParameterGroupName="kerberos-aurora-postgresql16", Source="user")["Parameters"]
    assert [(p["ParameterName"], p["ParameterValue"]) for p in parameters] == [("krb_caseins_users", "1")]

    terraform.assert_no_changes()

    terraform.destroy()
    assert rds.describe_db_clusters()["DBClusters"] == []
    assert rds.describe_db_instances()["DBInstances"] == []
    assert ds.describe_directories()["DirectoryDescriptions"] == []
    assert [g["DBClusterParameterGroupName"] for g in rds.describe_db_cluster_parameter_groups()["DBClusterParameterGroups"]
            if not g["DBClusterParameterGroupName"].startswith("default.")] == []
    print(f"terraform took {terraform.took}")
