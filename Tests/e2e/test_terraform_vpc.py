"""Terraform's AWS provider builds a network in Kerbside: a VPC with DNS hostnames, subnets in two
zones, a security group with rules, an auto-accepted peering and the default VPC as data.
Apply, then a plan with no changes (everything reads back as written), then destroy."""

import pytest

from harness import DEFAULT_ACCOUNT
from terraform_runner import terraform_runner


@pytest.fixture
def terraform(tmp_path, endpoint):
    return terraform_runner(tmp_path, endpoint, "vpc")


def test_apply_replan_destroy_a_network(terraform, ec2):
    values = terraform.apply()

    # What Terraform made is really there, as it described it.
    [default_vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert (values["default_vpc_id"], values["default_vpc_cidr"]) == (default_vpc["VpcId"], "172.31.0.0/16")
    [vpc] = ec2.describe_vpcs(VpcIds=[values["vpc_id"]])["Vpcs"]
    assert vpc["CidrBlock"] == "10.20.0.0/16" and vpc["Tags"] == [{"Key": "Name", "Value": "directory"}]
    assert ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True
    subnets = ec2.describe_subnets(SubnetIds=values["subnet_ids"])["Subnets"]
    assert sorted((s["CidrBlock"], s["AvailabilityZone"]) for s in subnets) == [
        ("10.20.1.0/24", "us-east-1a"), ("10.20.2.0/24", "us-east-1b")]
    [group] = ec2.describe_security_groups(GroupIds=[values["security_group_id"]])["SecurityGroups"]
    assert group["OwnerId"] == DEFAULT_ACCOUNT
    assert sorted((p["IpProtocol"], p.get("FromPort")) for p in group["IpPermissions"]) == [("-1", None), ("tcp", 5432), ("udp", 88)]
    assert [p["IpRanges"] for p in group["IpPermissionsEgress"]] == [[{"CidrIp": "0.0.0.0/0"}]]
    assert values["peering_status"] == "active"
    [peering] = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[values["peering_id"]])["VpcPeeringConnections"]
    assert peering["Status"]["Code"] == "active" and peering["AccepterVpcInfo"]["VpcId"] == vpc["VpcId"]

    terraform.assert_no_changes()

    terraform.destroy()
    assert [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]] == [default_vpc["VpcId"]]
    assert ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["databases"]}])["SecurityGroups"] == []
    assert ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[values["peering_id"]])["VpcPeeringConnections"][0][
        "Status"]["Code"] == "deleted"
