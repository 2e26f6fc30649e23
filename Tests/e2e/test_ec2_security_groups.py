"""EC2 security groups through boto3: groups, their rules as IpPermissions and as rule rows,
Authorize and Revoke in both styles, and the refusals that keep groups consistent."""

from harness import DEFAULT_ACCOUNT, REGION, Credentials
from refusals import refused


def make_vpc(ec2, cidr="10.0.0.0/16") -> str:
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def group(ec2, group_id: str) -> dict:
    [found] = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
    return found


def tcp(port: int, *cidrs: str, **extra) -> dict:
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": [{"CidrIp": c} for c in cidrs], **extra}


def test_a_new_group_lets_everything_out_and_nothing_in(ec2):
    vpc = make_vpc(ec2)
    created = ec2.create_security_group(VpcId=vpc, GroupName="db", Description="databases",
                                        TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "Name", "Value": "db"}]}])
    assert created["GroupId"].startswith("sg-")
    assert created["SecurityGroupArn"] == f"arn:aws:ec2:{REGION}:{DEFAULT_ACCOUNT}:security-group/{created['GroupId']}"
    assert created["Tags"] == [{"Key": "Name", "Value": "db"}]
    described = group(ec2, created["GroupId"])
    assert (described["GroupName"], described["Description"], described["VpcId"], described["OwnerId"]) == ("db", "databases", vpc, DEFAULT_ACCOUNT)
    assert described["IpPermissions"] == []
    assert described["IpPermissionsEgress"] == [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]
    assert described["Tags"] == [{"Key": "Name", "Value": "db"}]
    ec2.get_waiter("security_group_exists").wait(GroupIds=[created["GroupId"]], WaiterConfig={"Delay": 1, "MaxAttempts": 2})


def test_a_group_without_a_vpc_goes_in_the_default_vpc(ec2):
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    group_id = ec2.create_security_group(GroupName="web", Description="web servers")["GroupId"]
    assert group(ec2, group_id)["VpcId"] == default_vpc
    # Names are looked up in the default VPC.
    [by_name] = ec2.describe_security_groups(GroupNames=["web"])["SecurityGroups"]
    assert by_name["GroupId"] == group_id
    with refused("InvalidGroup.NotFound", 400, "The security group 'nope' does not exist in default VPC"):
        ec2.describe_security_groups(GroupNames=["nope"])


def test_create_security_group_refusals(ec2, boto):
    vpc = make_vpc(ec2)
    ec2.create_security_group(VpcId=vpc, GroupName="db", Description="d")
    with refused("InvalidGroup.Duplicate", 400, f"The security group 'db' already exists for VPC '{vpc}'"):
        ec2.create_security_group(VpcId=vpc, GroupName="db", Description="again")
    # The same name in another VPC is fine.
    ec2.create_security_group(GroupName="db", Description="d")
    with refused("InvalidParameterValue", 400, "reserved security group name: default"):
        ec2.create_security_group(VpcId=vpc, GroupName="default", Description="d")
    with refused("InvalidParameterValue", 400, "sg-*"):
        ec2.create_security_group(VpcId=vpc, GroupName="sg-lookalike", Description="d")
    with refused("InvalidParameterValue", 400, "GroupDescription"):
        ec2.create_security_group(VpcId=vpc, GroupName="x", Description="caf\u00e9")
    with refused("InvalidParameterValue", 400, "GroupName"):
        ec2.create_security_group(VpcId=vpc, GroupName="x" * 256, Description="d")
    with refused("InvalidVpcID.NotFound", 400):
        ec2.create_security_group(VpcId="vpc-0123456789abcdef0", GroupName="x", Description="d")
    with refused("MissingParameter", 400, "Description"):
        boto("ec2", validate=False).create_security_group(VpcId=vpc, GroupName="x")


def test_authorize_ingress_groups_rules_into_ip_permissions(ec2):
    vpc = make_vpc(ec2)
    sg = ec2.create_security_group(VpcId=vpc, GroupName="db", Description="d")["GroupId"]
    peer = ec2.create_security_group(VpcId=vpc, GroupName="app", Description="app servers")["GroupId"]
    answer = ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        tcp(5432, "10.0.0.0/16", "192.168.1.0/24"),
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": peer, "Description": "from app"}]},
        {"IpProtocol": "udp", "FromPort": 88, "ToPort": 88, "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "kerberos"}],
         "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}]},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "PrefixListIds": [{"PrefixListId": "pl-12345678"}]},
    ])
    assert answer["Return"] is True and len(answer["SecurityGroupRules"]) == 6
    rule = answer["SecurityGroupRules"][0]
    assert rule["SecurityGroupRuleId"].startswith("sgr-") and rule["GroupId"] == sg and rule["GroupOwnerId"] == DEFAULT_ACCOUNT
    assert (rule["IsEgress"], rule["IpProtocol"], rule["FromPort"], rule["ToPort"], rule["CidrIpv4"]) == (False, "tcp", 5432, 5432, "10.0.0.0/16")
    assert rule["SecurityGroupRuleArn"] == f"arn:aws:ec2:{REGION}:{DEFAULT_ACCOUNT}:security-group-rule/{rule['SecurityGroupRuleId']}"
    assert answer["SecurityGroupRules"][2]["ReferencedGroupInfo"] == {"GroupId": peer, "UserId": DEFAULT_ACCOUNT}

    permissions = group(ec2, sg)["IpPermissions"]
    assert permissions == [
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
         "IpRanges": [{"CidrIp": "10.0.0.0/16"}, {"CidrIp": "192.168.1.0/24"}], "Ipv6Ranges": [], "PrefixListIds": [],
         "UserIdGroupPairs": [{"Description": "from app", "GroupId": peer, "UserId": DEFAULT_ACCOUNT}]},
        {"IpProtocol": "udp", "FromPort": 88, "ToPort": 88, "IpRanges": [{"CidrIp": "10.0.0.0/16", "Description": "kerberos"}],
         "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}], "PrefixListIds": [], "UserIdGroupPairs": []},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [], "Ipv6Ranges": [],
         "PrefixListIds": [{"PrefixListId": "pl-12345678"}], "UserIdGroupPairs": []},
    ]


def test_protocols_are_normalized_and_ports_checked(ec2):
    vpc = make_vpc(ec2)
    sg = ec2.create_security_group(VpcId=vpc, GroupName="db", Description="d")["GroupId"]
    rules = ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "6", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "all", "IpRanges": [{"CidrIp": "10.1.0.0/16"}]},
        {"IpProtocol": "50", "FromPort": 1, "ToPort": 2, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]},
    ])["SecurityGroupRules"]
    assert [(r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in rules] == [("tcp", 22, 22), ("-1", -1, -1), ("50", -1, -1)]
    # All-traffic permissions have no ports in IpPermissions.
    assert "FromPort" not in group(ec2, sg)["IpPermissions"][1]

    with refused("InvalidParameterValue", 400, "Unknown protocol"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "sctp2", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    with refused("InvalidParameterValue", 400, "TCP/UDP"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    with refused("InvalidParameterValue", 400, "port range"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "udp", "FromPort": 90, "ToPort": 80,
                                                                          "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    with refused("InvalidParameterValue", 400, "port range"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(70000, "10.0.0.0/8")])
    with refused("InvalidParameterValue", 400, "ICMP"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "icmp", "FromPort": -1, "ToPort": 3,
                                                                          "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    with refused("InvalidParameterValue", 400, "CIDR block 10.0.0.1/8 is malformed"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(80, "10.0.0.1/8")])
    with refused("InvalidParameterValue", 400, "malformed"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1,
                                                                          "Ipv6Ranges": [{"CidrIpv6": "not-v6/64"}]}])
    with refused("MissingParameter", 400):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1}])
    with refused("MissingParameter", 400, "ipPermissions"):
        ec2.authorize_security_group_ingress(GroupId=sg)
    assert len(group(ec2, sg)["IpPermissions"]) == 3


def test_duplicate_rules_are_refused(ec2):
    vpc = make_vpc(ec2)
    sg = ec2.create_security_group(VpcId=vpc, GroupName="db", Description="d")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(22, "0.0.0.0/0")])
    with refused("InvalidPermission.Duplicate", 400, 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists'):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(22, "0.0.0.0/0")])
    with refused("InvalidPermission.Duplicate", 400, "peer: 0.0.0.0/0, ALL, ALLOW"):
        ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    # A duplicate inside one request refuses the whole request.
    with refused("InvalidPermission.Duplicate", 400):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(80, "10.0.0.0/8"), tcp(80, "10.0.0.0/8")])
    assert len(group(ec2, sg)["IpPermissions"]) == 1


def test_legacy_top_level_parameters(ec2):
    sg = ec2.create_security_group(GroupName="legacy", Description="d")["GroupId"]
    ec2.authorize_security_group_ingress(GroupName="legacy", IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="203.0.113.0/24")
    ec2.authorize_security_group_egress(GroupId=sg, IpProtocol="udp", FromPort=53, ToPort=53, CidrIp="10.0.0.0/8")
    source = ec2.create_security_group(GroupName="source", Description="d")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, SourceSecurityGroupName="source")
    described = group(ec2, sg)
    assert [(p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), [r["CidrIp"] for r in p["IpRanges"]],
             [g["GroupId"] for g in p["UserIdGroupPairs"]]) for p in described["IpPermissions"]] == [
        ("tcp", 22, 22, ["203.0.113.0/24"], []), ("tcp", 0, 65535, [], [source]), ("udp", 0, 65535, [], [source]),
        ("icmp", -1, -1, [], [source])]
    assert described["IpPermissionsEgress"][1]["IpRanges"] == [{"CidrIp": "10.0.0.0/8"}]

    with refused("InvalidParameterCombination", 400):
        ec2.authorize_security_group_ingress(GroupId=sg, SourceSecurityGroupName="source", CidrIp="10.0.0.0/8")
    with refused("InvalidParameterCombination", 400):
        ec2.authorize_security_group_ingress(GroupId=sg, CidrIp="10.9.0.0/16", IpProtocol="tcp", FromPort=1, ToPort=1,
                                             IpPermissions=[tcp(2, "10.9.0.0/16")])

    ec2.revoke_security_group_ingress(GroupName="legacy", IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="203.0.113.0/24")
    ec2.revoke_security_group_ingress(GroupId=sg, SourceSecurityGroupName="source")
    assert group(ec2, sg)["IpPermissions"] == []


def test_revoke_by_permission_and_by_rule_id(ec2):
    vpc = make_vpc(ec2)
    sg = ec2.create_security_group(VpcId=vpc, GroupName="db", Description="d")["GroupId"]
    rules = ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        tcp(22, "10.0.0.0/8", "10.1.0.0/16"), tcp(5432, "10.0.0.0/8")])["SecurityGroupRules"]

    # The description does not have to match.
    revoked = ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=[tcp(22, "10.1.0.0/16")])
    assert revoked["Return"] is True and "UnknownIpPermissions" not in revoked
    assert [r["SecurityGroupRuleId"] for r in revoked["RevokedSecurityGroupRules"]] == [rules[1]["SecurityGroupRuleId"]]

    revoked = ec2.revoke_security_group_ingress(GroupId=sg, SecurityGroupRuleIds=[rules[2]["SecurityGroupRuleId"]])
    assert revoked["RevokedSecurityGroupRules"][0]["FromPort"] == 5432
    assert [p["FromPort"] for p in group(ec2, sg)["IpPermissions"]] == [22]

    # In a VPC of the customer's own, a rule that is not there is refused and nothing changes.
    with refused("InvalidPermission.NotFound", 400, "The specified rule does not exist in this security group."):
        ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=[tcp(22, "10.0.0.0/8"), tcp(23, "10.0.0.0/8")])
    assert [p["FromPort"] for p in group(ec2, sg)["IpPermissions"]] == [22]
    with refused("InvalidSecurityGroupRuleId.NotFound", 400, rules[2]["SecurityGroupRuleId"]):
        ec2.revoke_security_group_ingress(GroupId=sg, SecurityGroupRuleIds=[rules[2]["SecurityGroupRuleId"]])
    # An ingress rule id is not an egress rule.
    with refused("InvalidSecurityGroupRuleId.NotFound", 400):
        ec2.revoke_security_group_egress(GroupId=sg, SecurityGroupRuleIds=[rules[0]["SecurityGroupRuleId"]])

    egress = ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[{"IpProtocol": "-1", "FromPort": 0, "ToPort": 0,
                                                                           "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert egress["RevokedSecurityGroupRules"][0]["IsEgress"] is True
    assert group(ec2, sg)["IpPermissionsEgress"] == []


def test_revoke_in_the_default_vpc_reports_unknown_rules(ec2):
    sg = ec2.create_security_group(GroupName="web", Description="d")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(443, "0.0.0.0/0")])
    answer = ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=[tcp(443, "0.0.0.0/0"), tcp(80, "0.0.0.0/0")])
    assert len(answer["RevokedSecurityGroupRules"]) == 1
    assert answer["UnknownIpPermissions"] == [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                                "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]
    assert group(ec2, sg)["IpPermissions"] == []


def test_describe_security_group_rules(ec2):
    vpc = make_vpc(ec2)
    sg = ec2.create_security_group(VpcId=vpc, GroupName="db", Description="d")["GroupId"]
    added = ec2.authorize_security_group_ingress(
        GroupId=sg, IpPermissions=[tcp(5432, "10.0.0.0/8")],
        TagSpecifications=[{"ResourceType": "security-group-rule", "Tags": [{"Key": "purpose", "Value": "postgres"}]}])
    rule_id = added["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    assert added["SecurityGroupRules"][0]["Tags"] == [{"Key": "purpose", "Value": "postgres"}]

    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroupRules"]
    assert [(r["IsEgress"], r["IpProtocol"], r["FromPort"], r["ToPort"], r["CidrIpv4"]) for r in rules] == [
        (True, "-1", -1, -1, "0.0.0.0/0"), (False, "tcp", 5432, 5432, "10.0.0.0/8")]
    [tagged] = ec2.describe_security_group_rules(Filters=[{"Name": "tag:purpose", "Values": ["postgres"]}])["SecurityGroupRules"]
    assert tagged["SecurityGroupRuleId"] == rule_id and tagged["Tags"] == [{"Key": "purpose", "Value": "postgres"}]
    assert ec2.describe_security_group_rules(SecurityGroupRuleIds=[rule_id])["SecurityGroupRules"] == [tagged]
    assert [r["SecurityGroupRuleId"] for r in ec2.describe_security_group_rules(
        Filters=[{"Name": "security-group-rule-id", "Values": [rule_id]}])["SecurityGroupRules"]] == [rule_id]

    # The default group's self-reference shows as a referenced group.
    default_group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]}, {"Name": "group-name", "Values": ["default"]}])
    default_id = default_group["SecurityGroups"][0]["GroupId"]
    [self_rule] = [r for r in ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [default_id]}])["SecurityGroupRules"]
                   if not r["IsEgress"]]
    assert self_rule["ReferencedGroupInfo"] == {"GroupId": default_id, "UserId": DEFAULT_ACCOUNT}

    for i in range(6):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(1000 + i, "10.0.0.0/8")])
    pages = list(ec2.get_paginator("describe_security_group_rules").paginate(
        Filters=[{"Name": "group-id", "Values": [sg]}], PaginationConfig={"PageSize": 5}))
    assert [len(p["SecurityGroupRules"]) for p in pages] == [5, 3]

    with refused("InvalidSecurityGroupRuleId.NotFound", 400, "sgr-0123456789abcdef0"):
        ec2.describe_security_group_rules(SecurityGroupRuleIds=["sgr-0123456789abcdef0"])
    with refused("InvalidParameterValue", 400, "The filter 'vpc-id' is invalid"):
        ec2.describe_security_group_rules(Filters=[{"Name": "vpc-id", "Values": [vpc]}])


def test_describe_security_groups_filters(ec2):
    vpc = make_vpc(ec2)
    db = ec2.create_security_group(VpcId=vpc, GroupName="db", Description="databases")["GroupId"]
    app = ec2.create_security_group(VpcId=vpc, GroupName="app", Description="app servers",
                                    TagSpecifications=[{"ResourceType": "security-group", "Tags": [{"Key": "tier", "Value": "app"}]}])["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        tcp(5432, "10.0.0.0/16"), {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": app}]}])

    def ids(*filters) -> set[str]:
        return {g["GroupId"] for g in ec2.describe_security_groups(Filters=[{"Name": n, "Values": v} for n, v in filters])["SecurityGroups"]}

    assert ids(("vpc-id", [vpc]), ("group-name", ["db", "app"])) == {db, app}
    assert ids(("vpc-id", [vpc]), ("description", ["*servers"])) == {app}
    assert ids(("ip-permission.from-port", ["5432"])) == {db}
    assert ids(("ip-permission.cidr", ["10.0.0.0/16"])) == {db}
    assert ids(("ip-permission.group-id", [app])) == {db}
    assert ids(("ip-permission.group-name", ["app"])) == {db}
    assert ids(("ip-permission.protocol", ["tcp"])) == {db}
    assert ids(("vpc-id", [vpc]), ("egress.ip-permission.cidr", ["0.0.0.0/0"])) >= {db, app}
    assert ids(("tag:tier", ["app"])) == {app}
    assert ids(("group-id", [db]), ("owner-id", [DEFAULT_ACCOUNT])) == {db}
    with refused("InvalidGroup.NotFound", 400, "The security group 'sg-0123456789abcdef0' does not exist"):
        ec2.describe_security_groups(GroupIds=["sg-0123456789abcdef0"])
    with refused("InvalidGroupId.Malformed", 400, "not-a-group"):
        ec2.describe_security_groups(GroupIds=["not-a-group"])
    with refused("InvalidParameterValue", 400, "The filter 'ip-permission.colour' is invalid"):
        ec2.describe_security_groups(Filters=[{"Name": "ip-permission.colour", "Values": ["x"]}])


def test_delete_security_group_refusals(ec2):
    vpc = make_vpc(ec2)
    db = ec2.create_security_group(VpcId=vpc, GroupName="db", Description="d")["GroupId"]
    app = ec2.create_security_group(VpcId=vpc, GroupName="app", Description="d")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": app}]}])
    with refused("DependencyViolation", 400, f"resource {app} has a dependent object"):
        ec2.delete_security_group(GroupId=app)

    default_id = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                       {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    with refused("CannotDelete", 400, f'the specified group: "{default_id}" name: "default" cannot be deleted by a user'):
        ec2.delete_security_group(GroupId=default_id)

    # A group's rules that reference itself do not hold it back.
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2,
                                                                     "UserIdGroupPairs": [{"GroupId": db}]}])
    answer = ec2.delete_security_group(GroupId=db)
    assert answer["Return"] is True and answer["GroupId"] == db
    ec2.delete_security_group(GroupId=app)
    with refused("InvalidGroup.NotFound", 400, f"The security group '{db}' does not exist"):
        ec2.delete_security_group(GroupId=db)
    with refused("MissingParameter", 400):
        ec2.delete_security_group()
    ec2.create_security_group(GroupName="by-name", Description="d")
    assert ec2.delete_security_group(GroupName="by-name")["Return"] is True
    with refused("InvalidGroup.NotFound", 400, "by-name"):
        ec2.delete_security_group(GroupName="by-name")


def test_rules_can_reference_groups_of_another_account(ec2, boto):
    other = boto("ec2", Credentials("210987654321", "x"))
    theirs = other.create_security_group(GroupName="clients", Description="d")["GroupId"]
    mine = ec2.create_security_group(GroupName="db", Description="d")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=mine, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": theirs, "UserId": "210987654321"}]}])
    pair = group(ec2, mine)["IpPermissions"][0]["UserIdGroupPairs"][0]
    assert (pair["GroupId"], pair["UserId"]) == (theirs, "210987654321")
    # Without the owner the id is looked for in the caller's account.
    with refused("InvalidGroup.NotFound", 400, theirs):
        ec2.authorize_security_group_ingress(GroupId=mine, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 1, "UserIdGroupPairs": [{"GroupId": theirs}]}])
    # And nobody can change another account's groups.
    with refused("InvalidGroup.NotFound", 400):
        ec2.authorize_security_group_ingress(GroupId=theirs, IpPermissions=[tcp(1, "10.0.0.0/8")])


def test_sixty_rules_per_direction(ec2):
    sg = ec2.create_security_group(GroupName="busy", Description="d")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(port, "10.0.0.0/8") for port in range(1, 61)])
    with refused("RulesPerSecurityGroupLimitExceeded", 400, "maximum number of rules"):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(61, "10.0.0.0/8")])
    # Egress has its own sixty (one is the default rule).
    ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[tcp(port, "10.0.0.0/8") for port in range(1, 60)])
    assert len(ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [sg]}])["SecurityGroupRules"]) == 120


def test_dry_run_on_rules(ec2):
    sg = ec2.create_security_group(GroupName="g", Description="d")["GroupId"]
    with refused("DryRunOperation", 412):
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[tcp(22, "10.0.0.0/8")], DryRun=True)
    with refused("DryRunOperation", 412):
        ec2.create_security_group(GroupName="g2", Description="d", DryRun=True)
    assert group(ec2, sg)["IpPermissions"] == []
