"""EC2 tags through boto3: CreateTags, DeleteTags and DescribeTags across every resource type
Kerbside's EC2 has, with EC2's limits and refusals."""

from harness import Credentials
from refusals import refused


def tag_list(**tags) -> list[dict]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


def test_tag_every_kind_of_resource(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    peer = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(VpcId=vpc, GroupName="g", Description="d")["GroupId"]
    rule = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group]}])["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    acl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"][0]["NetworkAclId"]
    resources = {vpc: "vpc", subnet: "subnet", group: "security-group", rule: "security-group-rule",
                 pcx: "vpc-peering-connection", table: "route-table", acl: "network-acl"}

    ec2.create_tags(Resources=list(resources), Tags=tag_list(env="test", owner="dba"))
    described = ec2.describe_tags(Filters=[{"Name": "key", "Values": ["env"]}])["Tags"]
    assert {(t["ResourceId"], t["ResourceType"], t["Value"]) for t in described} == {(r, t, "test") for r, t in resources.items()}

    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"] == tag_list(env="test", owner="dba")
    assert ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["Tags"] == tag_list(env="test", owner="dba")
    assert ec2.describe_security_groups(GroupIds=[group])["SecurityGroups"][0]["Tags"] == tag_list(env="test", owner="dba")
    assert ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]["Tags"] == \
        tag_list(env="test", owner="dba")

    # Retagging replaces values, keeping the first order.
    ec2.create_tags(Resources=[vpc], Tags=tag_list(env="prod", extra=""))
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"] == tag_list(env="prod", owner="dba", extra="")


def test_delete_tags_by_key_by_value_or_all(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": tag_list(a="1", b="2", c="3", d="4")}])
    vpc = vpc["Vpc"]["VpcId"]
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "a"}])                 # whatever its value
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "b", "Value": "nope"}])  # only with this value: stays
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "c", "Value": "3"}])
    ec2.delete_tags(Resources=[vpc], Tags=[{"Key": "missing"}])
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"] == tag_list(b="2", d="4")
    ec2.delete_tags(Resources=[vpc])
    assert "Tags" not in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]


def test_describe_tags_filters_and_pages(ec2):
    vpcs = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(3)]
    subnet = ec2.create_subnet(VpcId=vpcs[0], CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ec2.create_tags(Resources=vpcs + [subnet], Tags=tag_list(Name="net", cost="42"))

    assert len(ec2.describe_tags()["Tags"]) == 8
    assert {t["ResourceId"] for t in ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["subnet"]}])["Tags"]} == {subnet}
    assert [t["Key"] for t in ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [subnet]}])["Tags"]] == ["Name", "cost"]
    assert len(ec2.describe_tags(Filters=[{"Name": "value", "Values": ["4?"]}])["Tags"]) == 4
    assert len(ec2.describe_tags(Filters=[{"Name": "tag:Name", "Values": ["net"]}])["Tags"]) == 4
    assert len(ec2.describe_tags(Filters=[{"Name": "key", "Values": ["Name"]}, {"Name": "resource-type", "Values": ["vpc"]}])["Tags"]) == 3

    first = ec2.describe_tags(MaxResults=5)
    second = ec2.describe_tags(MaxResults=5, NextToken=first["NextToken"])
    assert len(first["Tags"]) == 5 and len(second["Tags"]) == 3 and "NextToken" not in second
    seen = [(t["ResourceId"], t["Key"]) for t in first["Tags"] + second["Tags"]]
    assert len(set(seen)) == 8
    pages = list(ec2.get_paginator("describe_tags").paginate(PaginationConfig={"PageSize": 5}))
    assert sum(len(p["Tags"]) for p in pages) == 8

    with refused("InvalidParameterValue", 400, "The filter 'resource' is invalid"):
        ec2.describe_tags(Filters=[{"Name": "resource", "Values": ["x"]}])
    with refused("InvalidParameterValue", 400, "maxResults"):
        ec2.describe_tags(MaxResults=2000)


def test_tag_refusals(ec2, boto):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with refused("InvalidVpcID.NotFound", 400, "vpc-0123456789abcdef0"):
        ec2.create_tags(Resources=[vpc, "vpc-0123456789abcdef0"], Tags=tag_list(a="b"))
    # All or nothing: the first resource was not tagged either.
    assert "Tags" not in ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]
    with refused("InvalidSubnetID.NotFound", 400):
        ec2.create_tags(Resources=["subnet-0123456789abcdef0"], Tags=tag_list(a="b"))
    with refused("InvalidGroup.NotFound", 400):
        ec2.create_tags(Resources=["sg-0123456789abcdef0"], Tags=tag_list(a="b"))
    with refused("InvalidVpcPeeringConnectionID.NotFound", 400):
        ec2.create_tags(Resources=["pcx-0123456789abcdef0"], Tags=tag_list(a="b"))
    with refused("InvalidSecurityGroupRuleId.NotFound", 400):
        ec2.create_tags(Resources=["sgr-0123456789abcdef0"], Tags=tag_list(a="b"))
    with refused("InvalidNetworkInterfaceID.NotFound", 400):
        ec2.create_tags(Resources=["eni-0123456789abcdef0"], Tags=tag_list(a="b"))
    with refused("InvalidRouteTableID.NotFound", 400):
        ec2.delete_tags(Resources=["rtb-0123456789abcdef0"])
    with refused("InvalidID", 400, "The ID 'i-0123456789abcdef0' is not valid"):
        ec2.create_tags(Resources=["i-0123456789abcdef0"], Tags=tag_list(a="b"))
    with refused("InvalidParameterValue", 400, "aws:"):
        ec2.create_tags(Resources=[vpc], Tags=tag_list(**{"aws:cloudformation:stack-name": "x"}))
    with refused("InvalidParameterValue", 400, "128"):
        ec2.create_tags(Resources=[vpc], Tags=tag_list(**{"k" * 129: "x"}))
    with refused("InvalidParameterValue", 400, "256"):
        ec2.create_tags(Resources=[vpc], Tags=tag_list(k="v" * 257))
    with refused("MissingParameter", 400, "Tags"):
        boto("ec2", validate=False).create_tags(Resources=[vpc])
    # Another account's resources are not there for the caller.
    with refused("InvalidVpcID.NotFound", 400):
        boto("ec2", Credentials("210987654321", "x")).create_tags(Resources=[vpc], Tags=tag_list(a="b"))
    with refused("DryRunOperation", 412):
        ec2.create_tags(Resources=[vpc], Tags=tag_list(a="b"), DryRun=True)


def test_fifty_tags_per_resource(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": f"k{i}", "Value": str(i)} for i in range(50)])
    ec2.create_tags(Resources=[vpc], Tags=[{"Key": "k0", "Value": "replaced"}])
    with refused("TagLimitExceeded", 400, "The maximum number of Tags for a resource has been reached."):
        ec2.create_tags(Resources=[vpc], Tags=tag_list(one="too many"))
    assert len(ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["Tags"]) == 50
