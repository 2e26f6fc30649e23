"""Terraform's AWS provider builds the MySQL family in Kerbside: an RDS for MySQL instance with IAM
database authentication, and an Aurora MySQL cluster joined to an AWS Managed Microsoft AD with a
writer. Apply, a plan with no changes, a login to each, then destroy. As for PostgreSQL, the
provider's fixed waiter delays set the pace."""

import pytest

from mysql_clients import MASTER_PASSWORD, MySQLClients, at
from terraform_runner import terraform_runner


@pytest.fixture
def terraform(tmp_path, endpoint):
    return terraform_runner(tmp_path, endpoint, "mysql", shared=("directory",))


def test_apply_replan_destroy_a_mysql_instance_and_an_aurora_mysql_cluster(terraform, rds, ds, endpoint, tmp_path):
    values = terraform.apply()

    [instance] = rds.describe_db_instances(DBInstanceIdentifier="shop")["DBInstances"]
    assert (instance["Engine"], instance["EngineVersion"], instance["DBInstanceStatus"]) == ("mysql", "8.0.42", "available")
    assert instance["IAMDatabaseAuthenticationEnabled"] is True and instance["DbiResourceId"] == values["instance_resource_id"]
    assert values["instance_endpoint"] == f"{instance['Endpoint']['Address']}:3306"
    assert instance["TagList"] == [{"Key": "team", "Value": "databases"}]
    [cluster] = rds.describe_db_clusters(DBClusterIdentifier="ledger")["DBClusters"]
    assert (cluster["Engine"], cluster["EngineVersion"], cluster["Status"]) == ("aurora-mysql", "8.0.mysql_aurora.3.08.2", "available")
    assert cluster["IAMDatabaseAuthenticationEnabled"] is True and cluster["DbClusterResourceId"] == values["cluster_resource_id"]
    assert [(m["Domain"], m["Status"]) for m in cluster["DomainMemberships"]] == [(values["directory_id"], "kerberos-enabled")]
    assert [(m["DBInstanceIdentifier"], m["IsClusterWriter"]) for m in cluster["DBClusterMembers"]] == [("ledger-1", True)]

    # What Terraform made serves: the master user logs in to each, with the database it named.
    my = MySQLClients(endpoint, tmp_path)
    assert my.query(instance, "SELECT DATABASE(), VERSION()", database="shop") == [("shop", "8.0.42")]
    assert my.query(at(values["cluster_endpoint"]), "SELECT DATABASE(), @@read_only", database="ledger",
                    password=MASTER_PASSWORD) == [("ledger", 0)]

    terraform.assert_no_changes()

    terraform.destroy()
    assert rds.describe_db_clusters()["DBClusters"] == []
    assert rds.describe_db_instances()["DBInstances"] == []
    assert ds.describe_directories()["DirectoryDescriptions"] == []
    print(f"terraform took {terraform.took}")
