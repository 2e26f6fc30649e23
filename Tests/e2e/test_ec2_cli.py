"""EC2 networking through the AWS CLI, as a user types it (subprocesses with their own environment)."""

import json
from concurrent.futures import ThreadPoolExecutor

from harness import DEFAULT_ACCOUNT, Credentials


def ok(result):
    assert result.code == 0, result.stderr
    return result.json


def test_a_network_through_the_cli(aws, tmp_path):
    vpc = ok(aws("ec2", "create-vpc", "--cidr-block", "10.40.0.0/16",
                 "--tag-specifications", "ResourceType=vpc,Tags=[{Key=Name,Value=cli}]"))["Vpc"]
    vpc_id = vpc["VpcId"]
    assert vpc["Tags"] == [{"Key": "Name", "Value": "cli"}]
    assert ok(aws("ec2", "modify-vpc-attribute", "--vpc-id", vpc_id, "--enable-dns-hostnames")) is None
    described = ok(aws("ec2", "describe-vpc-attribute", "--vpc-id", vpc_id, "--attribute", "enableDnsHostnames"))
    assert described["EnableDnsHostnames"] == {"Value": True}

    found = ok(aws("ec2", "describe-vpcs", "--filters", "Name=tag:Name,Values=cli", "Name=cidr,Values=10.40.*",
                   "--query", "Vpcs[].[VpcId,State]"))
    assert found == [[vpc_id, "available"]]

    subnet = ok(aws("ec2", "create-subnet", "--vpc-id", vpc_id, "--cidr-block", "10.40.1.0/24",
                    "--availability-zone", "us-east-1b"))["Subnet"]["SubnetId"]
    ok(aws("ec2", "modify-subnet-attribute", "--subnet-id", subnet, "--map-public-ip-on-launch"))
    listed = ok(aws("ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={vpc_id}"))["Subnets"]
    assert [(s["SubnetId"], s["AvailabilityZone"], s["MapPublicIpOnLaunch"]) for s in listed] == [(subnet, "us-east-1b", True)]

    group_id = ok(aws("ec2", "create-security-group", "--group-name", "db", "--description", "databases",
                      "--vpc-id", vpc_id))["GroupId"]
    # The CLI's shorthand sends the legacy top-level parameters.
    ok(aws("ec2", "authorize-security-group-ingress", "--group-id", group_id, "--protocol", "tcp", "--port", "5432",
           "--cidr", "10.40.0.0/16"))
    permissions = tmp_path / "permissions.json"
    permissions.write_text(json.dumps([{"IpProtocol": "udp", "FromPort": 88, "ToPort": 88,
                                        "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "kerberos"}]}]))
    added = ok(aws("ec2", "authorize-security-group-ingress", "--group-id", group_id, "--ip-permissions", f"file://{permissions}"))
    assert added["SecurityGroupRules"][0]["Description"] == "kerberos"
    group = ok(aws("ec2", "describe-security-groups", "--group-ids", group_id))["SecurityGroups"][0]
    assert [(p["IpProtocol"], p["FromPort"]) for p in group["IpPermissions"]] == [("tcp", 5432), ("udp", 88)]
    rules = ok(aws("ec2", "describe-security-group-rules", "--filters", f"Name=group-id,Values={group_id}"))
    assert len(rules["SecurityGroupRules"]) == 3
    ok(aws("ec2", "revoke-security-group-ingress", "--group-id", group_id, "--protocol", "tcp", "--port", "5432",
           "--cidr", "10.40.0.0/16"))

    default_vpc = ok(aws("ec2", "describe-vpcs", "--filters", "Name=isDefault,Values=true"))["Vpcs"][0]["VpcId"]
    pcx = ok(aws("ec2", "create-vpc-peering-connection", "--vpc-id", vpc_id, "--peer-vpc-id", default_vpc))
    pcx_id = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    accepted = ok(aws("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx_id))
    assert accepted["VpcPeeringConnection"]["Status"]["Code"] == "active"

    ok(aws("ec2", "create-tags", "--resources", vpc_id, group_id, "--tags", "Key=team,Value=db"))

    # Read-only questions, asked side by side.
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda args: ok(aws(*args)), [
            ("ec2", "describe-tags", "--filters", "Name=key,Values=team"),
            ("ec2", "describe-availability-zones", "--query", "AvailabilityZones[].ZoneName"),
            ("ec2", "describe-account-attributes", "--attribute-names", "default-vpc"),
            ("ec2", "describe-network-interfaces"),
            ("ec2", "describe-route-tables", "--filters", f"Name=vpc-id,Values={vpc_id}"),
            ("ec2", "describe-network-acls", "--filters", "Name=default,Values=true"),
            ("ec2", "describe-regions", "--query", "Regions[].RegionName"),
        ]))
    tags, zones, attributes, interfaces, tables, acls, regions = answers
    assert sorted(t["ResourceType"] for t in tags["Tags"]) == ["security-group", "vpc"]
    assert zones == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert attributes["AccountAttributes"][0]["AttributeValues"] == [{"AttributeValue": default_vpc}]
    assert interfaces["NetworkInterfaces"] == []
    assert len(tables["RouteTables"]) == 1 and len(acls["NetworkAcls"]) == 2
    assert "us-east-1" in regions

    # Tear it all down again.
    ok(aws("ec2", "delete-vpc-peering-connection", "--vpc-peering-connection-id", pcx_id))
    ok(aws("ec2", "delete-security-group", "--group-id", group_id))
    ok(aws("ec2", "delete-subnet", "--subnet-id", subnet))
    ok(aws("ec2", "delete-vpc", "--vpc-id", vpc_id))
    assert [v["VpcId"] for v in ok(aws("ec2", "describe-vpcs"))["Vpcs"]] == [default_vpc]


def test_cli_refusals_exit_255_with_the_error_code(aws):
    with ThreadPoolExecutor(max_workers=5) as pool:
        dry, bad, missing, filtered, group = pool.map(lambda args: aws(*args), [
            ("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16", "--dry-run"),
            ("ec2", "create-vpc", "--cidr-block", "10.0.0.0/8"),
            ("ec2", "delete-vpc", "--vpc-id", "vpc-0123456789abcdef0"),
            ("ec2", "describe-subnets", "--filters", "Name=colour,Values=red"),
            ("ec2", "create-security-group", "--group-name", "default", "--description", "d"),
        ])
    assert dry.code == 255 and "DryRunOperation" in dry.stderr and "Request would have succeeded" in dry.stderr
    assert bad.code == 255 and "InvalidVpc.Range" in bad.stderr
    assert missing.code == 255 and "InvalidVpcID.NotFound" in missing.stderr and "vpc-0123456789abcdef0" in missing.stderr
    assert filtered.code == 255 and "InvalidParameterValue" in filtered.stderr and "The filter 'colour' is invalid" in filtered.stderr
    assert group.code == 255 and "InvalidParameterValue" in group.stderr and "reserved" in group.stderr


def test_the_cli_pages_and_sees_other_accounts_separately(aws, ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.50.0.0/16")["Vpc"]["VpcId"]
    for i in range(7):
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.50.{i}.0/24")
    paged = ok(aws("ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={vpc_id}", "--page-size", "5"))
    assert len(paged["Subnets"]) == 7
    capped = ok(aws("ec2", "describe-subnets", "--filters", f"Name=vpc-id,Values={vpc_id}", "--max-items", "3"))
    assert len(capped["Subnets"]) == 3 and capped.get("NextToken")

    other = Credentials("210987654321", "x")
    theirs = ok(aws("ec2", "describe-vpcs", credentials=other))["Vpcs"]
    assert [v["IsDefault"] for v in theirs] == [True] and theirs[0]["OwnerId"] == "210987654321"
    mine = ok(aws("ec2", "describe-vpcs"))["Vpcs"]
    assert {v["OwnerId"] for v in mine} == {DEFAULT_ACCOUNT}
