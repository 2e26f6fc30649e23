"""Terraform's AWS provider builds the MySQL family in Kerbside: an RDS for MySQL instance with IAM
database authentication, and an Aurora MySQL cluster joined to an AWS Managed Microsoft AD with a
writer. Apply, a plan with no changes, a login to each, then destroy. As for PostgreSQL, the
provider's fixed waiter delays set the pace."""

import json

import pytest

from mysql_clients import MASTER_PASSWORD, MySQLClients, at
from terraform_runner import explain, terraform_runner


@pytest.fixture
def terraform(tmp_path, endpoint):
    return terraform_runner(tmp_path, endpoint, "mysql")


def test_apply_replan_destroy_a_mysql_instance_and_an_aurora_mysql_cluster(terraform, rds, ds, endpoint, tmp_path):
    init = terraform("init", "-input=false", "-no-color")
    assert init.returncode == 0, explain("init", init)
    apply = terraform("apply", "-auto-approve", "-input=false", "-no-color")
    assert apply.returncode == 0, explain("apply", apply)
    outputs = terraform("output", "-json")
    assert outputs.returncode == 0, explain("output", outputs)
    values = {name: entry["value"] for name, entry in json.loads(outputs.stdout).items()}

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

    plan = terraform("plan", "-detailed-exitcode", "-input=false", "-no-color")
    assert plan.returncode == 0, explain("plan (expected no changes after apply)", plan)

    destroy = terraform("destroy", "-auto-approve", "-input=false", "-no-color", "-refresh=false")
    assert destroy.returncode == 0, explain("destroy", destroy)
    assert rds.describe_db_clusters()["DBClusters"] == []
    assert rds.describe_db_instances()["DBInstances"] == []
    assert ds.describe_directories()["DirectoryDescriptions"] == []
    print(f"terraform took {terraform.took}")
