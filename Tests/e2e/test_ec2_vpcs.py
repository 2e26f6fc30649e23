"""EC2 VPCs through boto3: the default VPC every region starts with, CreateVpc and its refusals,
filters and paging on DescribeVpcs, the DNS attributes, and what DeleteVpc waits for."""

import pytest

from harness import DEFAULT_ACCOUNT, REGION, Credentials
from refusals import refused


def vpc_tags(**tags) -> list[dict]:
    return [{"ResourceType": "vpc", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}]


def default_vpc(ec2) -> dict:
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    assert len(vpcs) == 1, vpcs
    return vpcs[0]


def test_every_region_starts_with_a_default_vpc(ec2):
    vpc = default_vpc(ec2)
    assert vpc["CidrBlock"] == "172.31.0.0/16" and vpc["IsDefault"] and vpc["State"] == "available"
    assert vpc["OwnerId"] == DEFAULT_ACCOUNT and vpc["InstanceTenancy"] == "default"
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlock"] == "172.31.0.0/16"
    assert vpc["CidrBlockAssociationSet"][0]["CidrBlockState"]["State"] == "associated"

    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["Subnets"]
    assert [(s["AvailabilityZone"], s["CidrBlock"], s["DefaultForAz"], s["MapPublicIpOnLaunch"]) for s in subnets] == [
        (f"{REGION}a", "172.31.0.0/20", True, True), (f"{REGION}b", "172.31.16.0/20", True, True),
        (f"{REGION}c", "172.31.32.0/20", True, True)]
    assert subnets[0]["AvailableIpAddressCount"] == 4096 - 5

    groups = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc["VpcId"]]}])["SecurityGroups"]
    assert [g["GroupName"] for g in groups] == ["default"]
    assert groups[0]["Description"] == "default VPC security group"
    # The default group admits its own members and lets everything out.
    assert groups[0]["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == groups[0]["GroupId"]
    assert groups[0]["IpPermissionsEgress"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]

    dns = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute="enableDnsHostnames")
    assert dns["EnableDnsHostnames"]["Value"] is True and dns["VpcId"] == vpc["VpcId"]


def test_each_account_and_region_has_its_own_default_vpc(ec2, boto):
    other = boto("ec2", Credentials("210987654321", "x"))
    west = boto("ec2", region="us-west-2")
    ids = {default_vpc(ec2)["VpcId"], default_vpc(other)["VpcId"], default_vpc(west)["VpcId"]}
    assert len(ids) == 3
    assert [z["ZoneName"] for z in west.describe_availability_zones()["AvailabilityZones"]] == ["us-west-2a", "us-west-2b", "us-west-2c"]
    assert {s["AvailabilityZone"] for s in west.describe_subnets()["Subnets"]} == {"us-west-2a", "us-west-2b", "us-west-2c"}
    # Nobody sees another account's VPCs.
    with refused("InvalidVpcID.NotFound", 400, default_vpc(ec2)["VpcId"]):
        other.describe_vpcs(VpcIds=[default_vpc(ec2)["VpcId"]])


def test_create_describe_and_tag_a_vpc(ec2):
    created = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=vpc_tags(Name="main", team="db"))["Vpc"]
    assert created["VpcId"].startswith("vpc-") and len(created["VpcId"]) == 21
    assert created["State"] == "pending" and created["IsDefault"] is False
    assert created["Tags"] == [{"Key": "Name", "Value": "main"}, {"Key": "team", "Value": "db"}]

    [described] = ec2.describe_vpcs(VpcIds=[created["VpcId"]])["Vpcs"]
    assert described["State"] == "available" and described["CidrBlock"] == "10.1.0.0/16"
    assert described["DhcpOptionsId"] == created["DhcpOptionsId"]
    assert described["Tags"] == created["Tags"]
    ec2.get_waiter("vpc_available").wait(VpcIds=[created["VpcId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 3})

    # A new VPC has DNS support but not hostnames, as on AWS.
    assert ec2.describe_vpc_attribute(VpcId=created["VpcId"], Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"] is True
    assert ec2.describe_vpc_attribute(VpcId=created["VpcId"], Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is False

    dedicated = ec2.create_vpc(CidrBlock="10.2.0.0/16", InstanceTenancy="dedicated")["Vpc"]
    assert dedicated["InstanceTenancy"] == "dedicated"


def test_filters_select_vpcs_with_wildcards(ec2):
    a = ec2.create_vpc(CidrBlock="10.1.0.0/16", TagSpecifications=vpc_tags(Name="app-blue", env="prod"))["Vpc"]["VpcId"]
    b = ec2.create_vpc(CidrBlock="10.2.0.0/16", TagSpecifications=vpc_tags(Name="app-green", env="test"))["Vpc"]["VpcId"]
    c = ec2.create_vpc(CidrBlock="192.168.0.0/24")["Vpc"]["VpcId"]

    def ids(*filters) -> set[str]:
        return {v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": n, "Values": vs} for n, vs in filters])["Vpcs"]}

    assert ids(("tag:Name", ["app-*"])) == {a, b}
    assert ids(("tag:Name", ["app-gree?"])) == {b}
    assert ids(("tag:env", ["prod", "test"]), ("cidr", ["10.2.*"])) == {b}
    assert ids(("tag-key", ["env"])) == {a, b}
    assert ids(("tag-value", ["prod"])) == {a}
    assert ids(("cidr-block-association.cidr-block", ["192.168.0.0/24"])) == {c}
    assert ids(("isDefault", ["false"])) == {a, b, c}
    assert ids(("is-default", ["true"])) == {default_vpc(ec2)["VpcId"]}
    assert ids(("vpc-id", [a, c]), ("state", ["available"])) == {a, c}
    assert ids(("owner-id", [DEFAULT_ACCOUNT]), ("tag:Name", ["*"])) == {a, b}
    assert ids(("tag:Name", ["nothing-*"])) == set()
    # A backslash makes a wildcard literal.
    assert ids(("tag:Name", ["app\\*"])) == set()
    assert ids(("vpc-id", [a]), ("dhcp-options-id", ["dopt-*"])) == {a}

    with refused("InvalidParameterValue", 400, "The filter 'colour' is invalid"):
        ec2.describe_vpcs(Filters=[{"Name": "colour", "Values": ["blue"]}])


def test_describe_vpcs_max_results_and_tokens(ec2, boto):
    made = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(4)]
    page = ec2.describe_vpcs(MaxResults=5)
    assert len(page["Vpcs"]) == 5 and "NextToken" not in page
    assert [v["VpcId"] for v in page["Vpcs"]][1:] == made  # in the order they were made, the default first
    assert [v["VpcId"] for v in ec2.describe_vpcs(MaxResults=5, Filters=[{"Name": "is-default", "Values": ["false"]}])["Vpcs"]] == made

    with refused("InvalidParameterValue", 400, "NextToken"):
        ec2.describe_vpcs(NextToken="not-a-token!")
    with refused("InvalidParameterValue", 400, "MaxResults"):
        boto("ec2", validate=False).describe_vpcs(MaxResults=2)


def test_paging_resumes_after_the_last_item_returned(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    for i in range(7):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")
    mine = [{"Name": "vpc-id", "Values": [vpc]}]
    first = ec2.describe_subnets(Filters=mine, MaxResults=5)
    assert len(first["Subnets"]) == 5 and first["NextToken"]
    # A subnet of the first page deleted between pages does not shift the second.
    ec2.delete_subnet(SubnetId=first["Subnets"][0]["SubnetId"])
    second = ec2.describe_subnets(Filters=mine, MaxResults=5, NextToken=first["NextToken"])
    assert len(second["Subnets"]) == 2 and "NextToken" not in second
    assert {s["CidrBlock"] for s in first["Subnets"] + second["Subnets"]} == {f"10.0.{i}.0/24" for i in range(7)}

    pages = list(ec2.get_paginator("describe_subnets").paginate(Filters=mine, PaginationConfig={"PageSize": 5}))
    assert [len(p["Subnets"]) for p in pages] == [5, 1]

    for i in range(6):
        ec2.create_security_group(VpcId=vpc, GroupName=f"g{i}", Description="paged")
    groups = list(ec2.get_paginator("describe_security_groups").paginate(
        Filters=[{"Name": "description", "Values": ["paged"]}], PaginationConfig={"PageSize": 5}))
    assert [[g["GroupName"] for g in p["SecurityGroups"]] for p in groups] == [[f"g{i}" for i in range(5)], ["g5"]]


def test_create_vpc_refusals(ec2):
    with refused("InvalidParameterValue", 400, "10.0.0.1/16", "not a valid CIDR block"):
        ec2.create_vpc(CidrBlock="10.0.0.1/16")
    with refused("InvalidParameterValue", 400, "not a valid CIDR block"):
        ec2.create_vpc(CidrBlock="10.0.0.0")
    with refused("InvalidVpc.Range", 400, "The CIDR '10.0.0.0/8' is invalid."):
        ec2.create_vpc(CidrBlock="10.0.0.0/8")
    with refused("InvalidVpc.Range", 400, "10.0.0.0/29"):
        ec2.create_vpc(CidrBlock="10.0.0.0/29")
    with refused("InvalidVpc.Range", 400):
        ec2.create_vpc(CidrBlock="127.0.0.0/16")
    with refused("MissingParameter", 400, "cidrBlock"):
        ec2.create_vpc()
    with refused("InvalidParameterValue", 400, "'subnet' is not a valid taggable resource type"):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "a", "Value": "b"}]}])
    with refused("InvalidParameterValue", 400, "aws:"):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=vpc_tags(**{"aws:owner": "me"}))
    with refused("InvalidParameterValue", 400, "InstanceTenancy"):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", InstanceTenancy="shared")
    # None of the refusals made anything.
    assert [v["IsDefault"] for v in ec2.describe_vpcs()["Vpcs"]] == [True]


def test_five_vpcs_per_region_counting_the_default(ec2, boto):
    for i in range(4):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    with refused("VpcLimitExceeded", 400, "The maximum number of VPCs has been reached."):
        ec2.create_vpc(CidrBlock="10.9.0.0/16")
    # Other regions have their own quota.
    assert boto("ec2", region="eu-west-1").create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]


def test_modify_vpc_attributes_one_at_a_time(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    assert ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": False})
    assert ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"] is False
    ec2.modify_vpc_attribute(VpcId=vpc, EnableNetworkAddressUsageMetrics={"Value": True})
    metrics = ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableNetworkAddressUsageMetrics")
    assert metrics["EnableNetworkAddressUsageMetrics"]["Value"] is True and "EnableDnsSupport" not in metrics

    with refused("InvalidParameterCombination", 400, "one attribute"):
        ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True}, EnableDnsSupport={"Value": True})
    with refused("MissingParameter", 400):
        ec2.modify_vpc_attribute(VpcId=vpc)
    with refused("InvalidVpcID.NotFound", 400, "vpc-0000000000000000a"):
        ec2.modify_vpc_attribute(VpcId="vpc-0000000000000000a", EnableDnsHostnames={"Value": True})
    with refused("InvalidVpcID.NotFound", 400):
        ec2.describe_vpc_attribute(VpcId="vpc-0000000000000000a", Attribute="enableDnsSupport")
    with refused("InvalidParameterValue", 400, "Attribute"):
        ec2.describe_vpc_attribute(VpcId=vpc, Attribute="enableMagic")


def test_delete_vpc_waits_for_its_subnets_and_groups(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=vpc_tags(Name="doomed"))["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(VpcId=vpc, GroupName="g", Description="g")["GroupId"]
    with refused("DependencyViolation", 400, f"The vpc '{vpc}' has dependencies and cannot be deleted."):
        ec2.delete_vpc(VpcId=vpc)
    ec2.delete_subnet(SubnetId=subnet)
    with refused("DependencyViolation", 400):
        ec2.delete_vpc(VpcId=vpc)
    ec2.delete_security_group(GroupId=group)

    ec2.delete_vpc(VpcId=vpc)
    with refused("InvalidVpcID.NotFound", 400, f"The vpc ID '{vpc}' does not exist"):
        ec2.describe_vpcs(VpcIds=[vpc])
    with refused("InvalidVpcID.NotFound", 400):
        ec2.delete_vpc(VpcId=vpc)
    # Its default group and its tags went with it.
    assert ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"] == []
    assert ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [vpc]}])["Tags"] == []


def test_the_default_vpc_can_be_deleted_and_stays_deleted(ec2):
    vpc = default_vpc(ec2)["VpcId"]
    with refused("DependencyViolation", 400):
        ec2.delete_vpc(VpcId=vpc)
    for subnet in ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=subnet["SubnetId"])
    ec2.delete_vpc(VpcId=vpc)

    assert ec2.describe_vpcs()["Vpcs"] == []
    attributes = ec2.describe_account_attributes(AttributeNames=["default-vpc"])["AccountAttributes"]
    assert attributes == [{"AttributeName": "default-vpc", "AttributeValues": [{"AttributeValue": "none"}]}]
    # Without a default VPC a group needs a VPC id.
    with refused("VPCIdNotSpecified", 400, "No default VPC"):
        ec2.create_security_group(GroupName="g", Description="g")
    # The quota now has room for five VPCs of the customer's own.
    for i in range(5):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")


def test_dry_run_answers_412_and_changes_nothing(ec2):
    with refused("DryRunOperation", 412, "Request would have succeeded, but DryRun flag is set."):
        ec2.create_vpc(CidrBlock="10.0.0.0/16", DryRun=True)
    with refused("DryRunOperation", 412):
        ec2.describe_vpcs(DryRun=True)
    with refused("DryRunOperation", 412):
        ec2.delete_vpc(VpcId=default_vpc(ec2)["VpcId"], DryRun=True)
    assert len(ec2.describe_vpcs()["Vpcs"]) == 1


def test_unknown_vpc_ids_are_refused(ec2):
    known = default_vpc(ec2)["VpcId"]
    with refused("InvalidVpcID.NotFound", 400, "The vpc ID 'vpc-12345678' does not exist"):
        ec2.describe_vpcs(VpcIds=[known, "vpc-12345678"])
    assert [v["VpcId"] for v in ec2.describe_vpcs(VpcIds=[known, known])["Vpcs"]] == [known]


@pytest.mark.parametrize("region", ["us-east-2", "ap-southeast-2"])
def test_zone_ids_follow_the_region(boto, region):
    zones = boto("ec2", region=region).describe_availability_zones()["AvailabilityZones"]
    code = {"us-east-2": "use2", "ap-southeast-2": "apse2"}[region]
    assert [(z["ZoneName"], z["ZoneId"], z["RegionName"]) for z in zones] == [
        (f"{region}{letter}", f"{code}-az{i}", region) for i, letter in enumerate("abc", start=1)]
