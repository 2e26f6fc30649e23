"""EC2 subnets through boto3: CIDR and zone rules, attributes, filters, and the route tables,
network ACLs and network interfaces that come with them."""

from harness import DEFAULT_ACCOUNT, REGION
from refusals import refused


def make_vpc(ec2, cidr="10.0.0.0/16") -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def test_create_a_subnet_in_a_zone(ec2):
    vpc = make_vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=f"{REGION}b",
                               TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "Name", "Value": "db-b"}]}])["Subnet"]
    assert subnet["SubnetId"].startswith("subnet-") and subnet["State"] == "available"
    assert (subnet["VpcId"], subnet["CidrBlock"], subnet["AvailabilityZone"], subnet["AvailabilityZoneId"]) == \
        (vpc, "10.0.1.0/24", f"{REGION}b", "use1-az2")
    assert subnet["SubnetArn"] == f"arn:aws:ec2:{REGION}:{DEFAULT_ACCOUNT}:subnet/{subnet['SubnetId']}"
    assert subnet["AvailableIpAddressCount"] == 251 and subnet["OwnerId"] == DEFAULT_ACCOUNT
    assert subnet["DefaultForAz"] is False and subnet["MapPublicIpOnLaunch"] is False
    assert subnet["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "ip-name"
    assert subnet["Tags"] == [{"Key": "Name", "Value": "db-b"}]

    by_zone_id = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/28", AvailabilityZoneId="use1-az3")["Subnet"]
    assert by_zone_id["AvailabilityZone"] == f"{REGION}c" and by_zone_id["AvailableIpAddressCount"] == 11
    ec2.get_waiter("subnet_available").wait(SubnetIds=[by_zone_id["SubnetId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 2})


def test_subnets_without_a_zone_spread_over_the_zones(ec2):
    vpc = make_vpc(ec2)
    zones = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["AvailabilityZone"] for i in range(3)]
    assert sorted(zones) == [f"{REGION}a", f"{REGION}b", f"{REGION}c"]


def test_subnet_cidr_and_zone_refusals(ec2, boto):
    vpc = make_vpc(ec2)
    ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/20")
    with refused("InvalidSubnet.Conflict", 400, "The CIDR '10.0.1.0/24' conflicts with another subnet"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")
    with refused("InvalidSubnet.Conflict", 400):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/16")
    with refused("InvalidSubnet.Range", 400, "The CIDR '10.1.0.0/24' is invalid."):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.0.0/24")
    with refused("InvalidSubnet.Range", 400, "10.0.16.0/29"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.16.0/29")
    with refused("InvalidParameterValue", 400, "10.0.16.1/24", "not a valid CIDR block"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.16.1/24")
    with refused("InvalidParameterValue", 400, f"Subnets can currently only be created in the following availability zones: {REGION}a, {REGION}b, {REGION}c"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.16.0/24", AvailabilityZone=f"{REGION}z")
    with refused("InvalidParameterValue", 400, "availabilityZoneId"):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.16.0/24", AvailabilityZoneId="use1-az9")
    with refused("InvalidParameterCombination", 400):
        ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.16.0/24", AvailabilityZone=f"{REGION}a", AvailabilityZoneId="use1-az1")
    with refused("InvalidVpcID.NotFound", 400, "vpc-0123456789abcdef0"):
        ec2.create_subnet(VpcId="vpc-0123456789abcdef0", CidrBlock="10.0.16.0/24")
    with refused("MissingParameter", 400, "VpcId"):
        boto("ec2", validate=False).create_subnet(CidrBlock="10.0.16.0/24")
    with refused("MissingParameter", 400, "cidrBlock"):
        ec2.create_subnet(VpcId=vpc)
    assert len(ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]) == 1


def test_describe_subnets_filters(ec2):
    vpc = make_vpc(ec2)
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24", AvailabilityZone=f"{REGION}a",
                          TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "tier", "Value": "db"}]}])["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24", AvailabilityZone=f"{REGION}b")["Subnet"]["SubnetId"]

    def ids(*filters) -> set[str]:
        return {s["SubnetId"] for s in ec2.describe_subnets(Filters=[{"Name": n, "Values": v} for n, v in filters])["Subnets"]}

    assert ids(("vpc-id", [vpc])) == {a, b}
    assert ids(("vpc-id", [vpc]), ("availability-zone", [f"{REGION}b"])) == {b}
    assert ids(("vpc-id", [vpc]), ("availabilityZone", [f"{REGION}a"])) == {a}
    assert ids(("availability-zone-id", ["use1-az2"]), ("vpc-id", [vpc])) == {b}
    assert ids(("cidr-block", ["10.0.1.0/24"])) == {a}
    assert ids(("cidrBlock", ["10.0.*"])) == {a, b}
    assert ids(("tag:tier", ["db"])) == {a}
    assert ids(("vpc-id", [vpc]), ("default-for-az", ["false"])) == {a, b}
    assert len(ids(("defaultForAz", ["true"]))) == 3
    assert ids(("subnet-id", [b]), ("state", ["available"])) == {b}
    assert ids(("vpc-id", [vpc]), ("available-ip-address-count", ["251"])) == {a, b}
    assert ids(("subnet-arn", [f"arn:aws:ec2:*:*:subnet/{a}"])) == {a}
    assert ids(("vpc-id", [vpc]), ("map-public-ip-on-launch", ["true"])) == set()
    with refused("InvalidParameterValue", 400, "The filter 'size' is invalid"):
        ec2.describe_subnets(Filters=[{"Name": "size", "Values": ["big"]}])
    with refused("InvalidSubnetID.NotFound", 400, "The subnet ID 'subnet-0000000000000000f' does not exist"):
        ec2.describe_subnets(SubnetIds=[a, "subnet-0000000000000000f"])
    assert [s["SubnetId"] for s in ec2.describe_subnets(SubnetIds=[b, a])["Subnets"]] == [a, b]


def test_modify_subnet_attributes(ec2):
    vpc = make_vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": True})
    ec2.modify_subnet_attribute(SubnetId=subnet, EnableResourceNameDnsARecordOnLaunch={"Value": True})
    ec2.modify_subnet_attribute(SubnetId=subnet, PrivateDnsHostnameTypeOnLaunch="resource-name")
    ec2.modify_subnet_attribute(SubnetId=subnet, EnableDns64={"Value": True})
    ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": False})
    [described] = ec2.describe_subnets(SubnetIds=[subnet])["Subnets"]
    assert described["MapPublicIpOnLaunch"] is True and described["EnableDns64"] is True
    assert described["PrivateDnsNameOptionsOnLaunch"] == {
        "HostnameType": "resource-name", "EnableResourceNameDnsARecord": True, "EnableResourceNameDnsAAAARecord": False}
    assert ec2.describe_subnets(Filters=[{"Name": "map-public-ip-on-launch", "Values": ["true"]},
                                         {"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]["SubnetId"] == subnet

    with refused("InvalidParameterCombination", 400, "one attribute at a time"):
        ec2.modify_subnet_attribute(SubnetId=subnet, MapPublicIpOnLaunch={"Value": False}, EnableDns64={"Value": False})
    with refused("InvalidParameterValue", 400, "IPv6"):
        ec2.modify_subnet_attribute(SubnetId=subnet, AssignIpv6AddressOnCreation={"Value": True})
    with refused("InvalidParameterValue", 400, "PrivateDnsHostnameTypeOnLaunch"):
        ec2.modify_subnet_attribute(SubnetId=subnet, PrivateDnsHostnameTypeOnLaunch="fancy-name")
    with refused("InvalidSubnetID.NotFound", 400):
        ec2.modify_subnet_attribute(SubnetId="subnet-0000000000000000f", MapPublicIpOnLaunch={"Value": True})
    with refused("MissingParameter", 400):
        ec2.modify_subnet_attribute(SubnetId=subnet)


def test_delete_subnet(ec2):
    vpc = make_vpc(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                               TagSpecifications=[{"ResourceType": "subnet", "Tags": [{"Key": "k", "Value": "v"}]}])["Subnet"]["SubnetId"]
    ec2.delete_subnet(SubnetId=subnet)
    with refused("InvalidSubnetID.NotFound", 400, f"The subnet ID '{subnet}' does not exist"):
        ec2.delete_subnet(SubnetId=subnet)
    assert ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [subnet]}])["Tags"] == []
    with refused("DryRunOperation", 412):
        ec2.delete_subnet(SubnetId=subnet, DryRun=True)


def test_network_interfaces_are_listed_but_none_exist_yet(ec2):
    vpc = make_vpc(ec2)
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []
    assert ec2.describe_network_interfaces(MaxResults=5)["NetworkInterfaces"] == []
    for name, values in [("vpc-id", [vpc]), ("subnet-id", ["subnet-*"]), ("attachment.instance-owner-id", [DEFAULT_ACCOUNT]),
                         ("requester-id", ["*"]), ("description", ["AWS created network interface for directory *"]),
                         ("group-id", ["sg-*"]), ("status", ["in-use"]), ("tag:Name", ["x"]), ("addresses.private-ip-address", ["10.0.0.4"])]:
        assert ec2.describe_network_interfaces(Filters=[{"Name": name, "Values": values}])["NetworkInterfaces"] == []
    with refused("InvalidParameterValue", 400, "The filter 'colour' is invalid"):
        ec2.describe_network_interfaces(Filters=[{"Name": "colour", "Values": ["x"]}])
    with refused("InvalidNetworkInterfaceID.NotFound", 400, "eni-0123456789abcdef0"):
        ec2.describe_network_interfaces(NetworkInterfaceIds=["eni-0123456789abcdef0"])


def test_every_vpc_has_a_main_route_table(ec2):
    vpc = make_vpc(ec2, "10.5.0.0/16")
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "association.main", "Values": ["true"]}])
    [table] = tables["RouteTables"]
    assert table["RouteTableId"].startswith("rtb-") and table["VpcId"] == vpc and table["OwnerId"] == DEFAULT_ACCOUNT
    assert table["Routes"] == [{"DestinationCidrBlock": "10.5.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}]
    [association] = table["Associations"]
    assert association["Main"] is True and association["RouteTableId"] == table["RouteTableId"]
    assert association["AssociationState"]["State"] == "associated"

    assert len(ec2.describe_route_tables()["RouteTables"]) == 2  # and the default VPC's
    assert ec2.describe_route_tables(RouteTableIds=[table["RouteTableId"]])["RouteTables"] == [table]
    assert ec2.describe_route_tables(Filters=[{"Name": "route.destination-cidr-block", "Values": ["10.5.0.0/16"]}])["RouteTables"] == [table]
    assert ec2.describe_route_tables(Filters=[{"Name": "association.subnet-id", "Values": ["subnet-*"]}])["RouteTables"] == []
    with refused("InvalidRouteTableID.NotFound", 400, "rtb-0123456789abcdef0"):
        ec2.describe_route_tables(RouteTableIds=["rtb-0123456789abcdef0"])
    with refused("InvalidParameterValue", 400, "The filter 'main' is invalid"):
        ec2.describe_route_tables(Filters=[{"Name": "main", "Values": ["true"]}])

    ec2.create_tags(Resources=[table["RouteTableId"]], Tags=[{"Key": "Name", "Value": "main"}])
    assert ec2.describe_route_tables(Filters=[{"Name": "tag:Name", "Values": ["main"]}])["RouteTables"][0]["Tags"] == [
        {"Key": "Name", "Value": "main"}]


def test_every_vpc_has_a_default_network_acl(ec2):
    vpc = make_vpc(ec2)
    a = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    b = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    [acl] = ec2.describe_network_acls(Filters=[{"Name": "default", "Values": ["true"]}, {"Name": "vpc-id", "Values": [vpc]}])["NetworkAcls"]
    assert acl["NetworkAclId"].startswith("acl-") and acl["IsDefault"] is True and acl["OwnerId"] == DEFAULT_ACCOUNT
    assert sorted(x["SubnetId"] for x in acl["Associations"]) == sorted([a, b])
    assert all(x["NetworkAclId"] == acl["NetworkAclId"] and x["NetworkAclAssociationId"].startswith("aclassoc-") for x in acl["Associations"])
    assert [(e["Egress"], e["RuleNumber"], e["RuleAction"], e["Protocol"], e["CidrBlock"]) for e in acl["Entries"]] == [
        (True, 100, "allow", "-1", "0.0.0.0/0"), (True, 32767, "deny", "-1", "0.0.0.0/0"),
        (False, 100, "allow", "-1", "0.0.0.0/0"), (False, 32767, "deny", "-1", "0.0.0.0/0")]

    assert ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [b]}])["NetworkAcls"][0]["NetworkAclId"] == \
        acl["NetworkAclId"]
    assert len(ec2.describe_network_acls(Filters=[{"Name": "entry.rule-number", "Values": ["32767"]}])["NetworkAcls"]) == 2
    assert len(ec2.describe_network_acls(MaxResults=5)["NetworkAcls"]) == 2
    with refused("InvalidNetworkAclID.NotFound", 400):
        ec2.describe_network_acls(NetworkAclIds=["acl-0123456789abcdef0"])
