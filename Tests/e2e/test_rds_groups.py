"""RDS's catalog, DB subnet groups and DB parameter groups through boto3: what a user looks up
and prepares before creating a PostgreSQL instance, and what RDS refuses."""

from __future__ import annotations


from harness import DEFAULT_ACCOUNT, REGION
from refusals import refused


def make_network(ec2, cidr="10.20.0.0/16", zones=("a", "b")) -> tuple[str, list[str]]:
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"{base[0]}.{base[1]}.{i}.0/24",
                                 AvailabilityZone=f"{REGION}{zone}")["Subnet"]["SubnetId"]
               for i, zone in enumerate(zones)]
    return vpc, subnets


def all_pages(call, key: str, **kwargs) -> list:
    """Every item of a listing, following its markers."""
    items, marker = [], None
    while True:
        page = call(**kwargs, **({"Marker": marker} if marker else {}))
        assert len(page[key]) <= kwargs.get("MaxRecords", 100)
        items += page[key]
        marker = page.get("Marker")
        if not marker:
            return items


# --- the catalog -------------------------------------------------------------------------------

def test_engine_versions_of_postgres(rds):
    versions = all_pages(rds.describe_db_engine_versions, "DBEngineVersions", Engine="postgres", MaxRecords=20)
    numbers = [v["EngineVersion"] for v in versions]
    majors = sorted({int(n.split(".")[0]) for n in numbers})
    assert majors == [13, 14, 15, 16, 17]
    assert {"16.4", "16.6", "16.8"} <= set(numbers) and len(numbers) == len(set(numbers))

    v168 = next(v for v in versions if v["EngineVersion"] == "16.8")
    assert (v168["Engine"], v168["MajorEngineVersion"], v168["DBParameterGroupFamily"]) == ("postgres", "16", "postgres16")
    assert (v168["DBEngineDescription"], v168["DBEngineVersionDescription"]) == ("PostgreSQL", "PostgreSQL 16.8-R1")
    assert v168["Status"] == "available" and v168["ExportableLogTypes"] == ["postgresql", "upgrade"]
    assert v168["SupportsLogExportsToCloudwatchLogs"] is True and v168["SupportsReadReplica"] is True
    assert v168["SupportsParallelQuery"] is False and v168["SupportsGlobalDatabases"] is False
    assert v168["SupportsBabelfish"] is False and v168["SupportsCertificateRotationWithoutRestart"] is True
    assert "rds-ca-rsa2048-g1" in v168["SupportedCACertificateIdentifiers"]
    targets = {t["EngineVersion"]: t["IsMajorVersionUpgrade"] for t in v168["ValidUpgradeTarget"]}
    assert targets["16.9"] is False and all(not major for version, major in targets.items() if version.startswith("16."))
    assert any(major for version, major in targets.items() if version.startswith("17.")) and "16.6" not in targets

    default = rds.describe_db_engine_versions(Engine="postgres", DefaultOnly=True)["DBEngineVersions"]
    assert len(default) == 1 and default[0]["EngineVersion"].startswith("17.")
    assert default[0]["EngineVersion"] == max(numbers, key=lambda n: tuple(map(int, n.split("."))))
    of16 = rds.describe_db_engine_versions(Engine="postgres", EngineVersion="16", DefaultOnly=True)["DBEngineVersions"]
    assert [v["EngineVersion"] for v in of16] == ["16.9"]
    family = rds.describe_db_engine_versions(Engine="postgres", DBParameterGroupFamily="postgres14")["DBEngineVersions"]
    assert family and {v["DBParameterGroupFamily"] for v in family} == {"postgres14"}
    exact = rds.describe_db_engine_versions(Engine="postgres", EngineVersion="15.10", ListSupportedCharacterSets=True)
    assert [v["EngineVersion"] for v in exact["DBEngineVersions"]] == ["15.10"]
    filtered = rds.describe_db_engine_versions(Filters=[{"Name": "engine-version", "Values": ["13.20", "17.4"]}])
    # Without an engine, every engine's versions of those numbers (Aurora PostgreSQL has them too).
    assert [(v["Engine"], v["EngineVersion"]) for v in filtered["DBEngineVersions"]] == [
        ("aurora-postgresql", "13.20"), ("aurora-postgresql", "17.4"), ("postgres", "13.20"), ("postgres", "17.4")]


def test_engine_versions_of_an_unknown_engine_are_none(rds):
    assert rds.describe_db_engine_versions(Engine="nosuch")["DBEngineVersions"] == []
    assert rds.describe_db_engine_versions(Engine="postgres", EngineVersion="9.6.1")["DBEngineVersions"] == []
    with refused("InvalidParameterValue", 400, "MaxRecords"):
        rds.describe_db_engine_versions(Engine="postgres", MaxRecords=5)
    with refused("InvalidParameterValue", 400, "filter"):
        rds.describe_db_engine_versions(Filters=[{"Name": "flavour", "Values": ["x"]}])
    with refused("InvalidParameterValue", 400, "marker"):
        rds.describe_db_engine_versions(Engine="postgres", Marker="not-ours!")


def test_orderable_instance_options(rds):
    options = all_pages(rds.describe_orderable_db_instance_options, "OrderableDBInstanceOptions",
                        Engine="postgres", EngineVersion="16.8", MaxRecords=50)
    classes = {o["DBInstanceClass"] for o in options}
    assert {"db.t3.micro", "db.t3.large", "db.t4g.medium", "db.m5.large", "db.m6g.4xlarge", "db.m6i.xlarge",
            "db.m7g.2xlarge", "db.r5.large", "db.r6g.xlarge", "db.r6i.2xlarge", "db.r7g.4xlarge"} <= classes
    assert {o["StorageType"] for o in options} == {"gp2", "gp3", "io1"}

    gp3 = next(o for o in options if o["DBInstanceClass"] == "db.r6g.large" and o["StorageType"] == "gp3")
    assert (gp3["Engine"], gp3["EngineVersion"], gp3["LicenseModel"]) == ("postgres", "16.8", "postgresql-license")
    assert gp3["SupportsKerberosAuthentication"] is True and gp3["SupportsIAMDatabaseAuthentication"] is True
    assert gp3["SupportsStorageEncryption"] is True and gp3["Vpc"] is True and gp3["MultiAZCapable"] is True
    assert (gp3["MinStorageSize"], gp3["MaxStorageSize"]) == (20, 65536)
    assert gp3["SupportedNetworkTypes"] == ["IPV4"]
    assert [z["Name"] for z in gp3["AvailabilityZones"]] == [f"{REGION}a", f"{REGION}b", f"{REGION}c"]

    one = rds.describe_orderable_db_instance_options(Engine="postgres", DBInstanceClass="db.t3.micro",
                                                     EngineVersion="17.4", LicenseModel="postgresql-license", Vpc=True)
    assert [o["StorageType"] for o in one["OrderableDBInstanceOptions"]] == ["gp2", "gp3", "io1"]
    assert rds.describe_orderable_db_instance_options(Engine="postgres", Vpc=False)["OrderableDBInstanceOptions"] == []
    assert rds.describe_orderable_db_instance_options(Engine="postgres", DBInstanceClass="db.x9.huge")["OrderableDBInstanceOptions"] == []
    assert rds.describe_orderable_db_instance_options(Engine="postgres", EngineVersion="9.6.1")["OrderableDBInstanceOptions"] == []


def test_orderable_options_in_another_region(boto):
    rds = boto("rds", region="eu-west-2")
    option = rds.describe_orderable_db_instance_options(Engine="postgres", DBInstanceClass="db.m5.large",
                                                        EngineVersion="15.12", MaxRecords=20)["OrderableDBInstanceOptions"][0]
    assert [z["Name"] for z in option["AvailabilityZones"]] == ["eu-west-2a", "eu-west-2b", "eu-west-2c"]


def test_orderable_options_of_an_unknown_engine_are_refused(rds):
    with refused("InvalidParameterValue", 400, "Invalid DB engine"):
        rds.describe_orderable_db_instance_options(Engine="nosuch")
    with refused("InvalidParameterValue", 400, "MaxRecords"):
        rds.describe_orderable_db_instance_options(Engine="postgres", MaxRecords=1001)


# --- DB subnet groups --------------------------------------------------------------------------

def test_create_describe_modify_delete_a_subnet_group(rds, ec2):
    vpc, subnets = make_network(ec2, zones=("a", "b", "c"))
    group = rds.create_db_subnet_group(DBSubnetGroupName="App-DB", DBSubnetGroupDescription="for the app",
                                       SubnetIds=subnets[:2], Tags=[{"Key": "team", "Value": "data"}])["DBSubnetGroup"]
    assert (group["DBSubnetGroupName"], group["DBSubnetGroupDescription"], group["VpcId"]) == ("app-db", "for the app", vpc)
    assert group["SubnetGroupStatus"] == "Complete" and group["SupportedNetworkTypes"] == ["IPV4"]
    assert group["DBSubnetGroupArn"] == f"arn:aws:rds:{REGION}:{DEFAULT_ACCOUNT}:subgrp:app-db"
    assert [(s["SubnetIdentifier"], s["SubnetAvailabilityZone"]["Name"], s["SubnetStatus"]) for s in group["Subnets"]] == \
        [(subnets[0], f"{REGION}a", "Active"), (subnets[1], f"{REGION}b", "Active")]
    assert rds.list_tags_for_resource(ResourceName=group["DBSubnetGroupArn"])["TagList"] == [{"Key": "team", "Value": "data"}]

    described = rds.describe_db_subnet_groups(DBSubnetGroupName="APP-DB")["DBSubnetGroups"]
    assert described == [group]

    changed = rds.modify_db_subnet_group(DBSubnetGroupName="app-db", SubnetIds=subnets[1:],
                                         DBSubnetGroupDescription="moved")["DBSubnetGroup"]
    assert [s["SubnetIdentifier"] for s in changed["Subnets"]] == subnets[1:] and changed["DBSubnetGroupDescription"] == "moved"
    kept = rds.modify_db_subnet_group(DBSubnetGroupName="app-db", SubnetIds=subnets)["DBSubnetGroup"]
    assert kept["DBSubnetGroupDescription"] == "moved" and len(kept["Subnets"]) == 3

    rds.delete_db_subnet_group(DBSubnetGroupName="App-DB")
    with refused("DBSubnetGroupNotFoundFault", 404, "app-db"):
        rds.describe_db_subnet_groups(DBSubnetGroupName="app-db")
    with refused("DBSubnetGroupNotFoundFault", 404):
        rds.delete_db_subnet_group(DBSubnetGroupName="app-db")
    with refused("DBSubnetGroupNotFoundFault", 404):
        rds.modify_db_subnet_group(DBSubnetGroupName="app-db", SubnetIds=subnets)
    # Its tags went with it: a new group of the same name starts untagged.
    again = rds.create_db_subnet_group(DBSubnetGroupName="app-db", DBSubnetGroupDescription="again", SubnetIds=subnets)
    assert rds.list_tags_for_resource(ResourceName=again["DBSubnetGroup"]["DBSubnetGroupArn"])["TagList"] == []


def test_the_default_subnet_group_is_the_default_vpcs(rds, ec2):
    groups = rds.describe_db_subnet_groups()["DBSubnetGroups"]
    default = next(g for g in groups if g["DBSubnetGroupName"] == "default")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    assert default["VpcId"] == vpc and default["DBSubnetGroupDescription"] == "default"
    assert sorted(s["SubnetIdentifier"] for s in default["Subnets"]) == sorted(s["SubnetId"] for s in subnets)
    assert rds.describe_db_subnet_groups(DBSubnetGroupName="default")["DBSubnetGroups"] == [default]
    with refused("InvalidParameterValue", 400, "reserved"):
        rds.create_db_subnet_group(DBSubnetGroupName="default", DBSubnetGroupDescription="d",
                                   SubnetIds=[s["SubnetId"] for s in subnets])
    with refused("InvalidParameterValue", 400, "default"):
        rds.modify_db_subnet_group(DBSubnetGroupName="default", SubnetIds=[s["SubnetId"] for s in subnets])
    with refused("InvalidDBSubnetGroupStateFault", 400, "default"):
        rds.delete_db_subnet_group(DBSubnetGroupName="default")


def test_subnet_groups_are_listed_by_name_in_pages(rds, ec2):
    _, subnets = make_network(ec2)
    names = [f"group-{i:02d}" for i in range(23)]
    for name in names:
        rds.create_db_subnet_group(DBSubnetGroupName=name, DBSubnetGroupDescription=name, SubnetIds=subnets)
    first = rds.describe_db_subnet_groups(MaxRecords=20)
    assert len(first["DBSubnetGroups"]) == 20 and first["Marker"]
    rest = rds.describe_db_subnet_groups(MaxRecords=20, Marker=first["Marker"])
    listed = [g["DBSubnetGroupName"] for g in first["DBSubnetGroups"] + rest["DBSubnetGroups"]]
    assert listed == sorted(names + ["default"]) and "Marker" not in rest
    with refused("InvalidParameterValue", 400, "MaxRecords"):
        rds.describe_db_subnet_groups(MaxRecords=101)


def test_subnet_group_refusals(rds, ec2, boto):
    vpc, subnets = make_network(ec2)
    _, other = make_network(ec2, cidr="10.30.0.0/16")
    lone = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.9.0/24", AvailabilityZone=f"{REGION}a")["Subnet"]["SubnetId"]

    with refused("DBSubnetGroupDoesNotCoverEnoughAZs", 400, f"Current AZ coverage: {REGION}a", "at least 2 AZs"):
        rds.create_db_subnet_group(DBSubnetGroupName="one-zone", DBSubnetGroupDescription="d", SubnetIds=[subnets[0], lone])
    with refused("DBSubnetGroupDoesNotCoverEnoughAZs", 400):
        rds.create_db_subnet_group(DBSubnetGroupName="one-subnet", DBSubnetGroupDescription="d", SubnetIds=[subnets[0]])
    with refused("InvalidSubnet", 400, "VPC"):
        rds.create_db_subnet_group(DBSubnetGroupName="two-vpcs", DBSubnetGroupDescription="d", SubnetIds=[subnets[0], other[1]])
    with refused("InvalidParameterValue", 400, "Some input subnets in :[subnet-0123456789abcdef0] are invalid."):
        rds.create_db_subnet_group(DBSubnetGroupName="unknown", DBSubnetGroupDescription="d",
                                   SubnetIds=[subnets[0], "subnet-0123456789abcdef0"])
    with refused("InvalidParameterValue", 400, "DBSubnetGroupName"):
        rds.create_db_subnet_group(DBSubnetGroupName="bad/name", DBSubnetGroupDescription="d", SubnetIds=subnets)
    with refused("InvalidParameterValue", 400, "DBSubnetGroupName"):
        rds.create_db_subnet_group(DBSubnetGroupName="9lives", DBSubnetGroupDescription="d", SubnetIds=subnets)
    with refused("InvalidParameterValue", 400, "DBSubnetGroupName"):
        rds.create_db_subnet_group(DBSubnetGroupName="x" * 256, DBSubnetGroupDescription="d", SubnetIds=subnets)
    assert rds.create_db_subnet_group(DBSubnetGroupName="My Group_1.x", DBSubnetGroupDescription="d",
                                      SubnetIds=subnets)["DBSubnetGroup"]["DBSubnetGroupName"] == "my group_1.x"
    with refused("DBSubnetGroupAlreadyExists", 400, "my group_1.x"):
        rds.create_db_subnet_group(DBSubnetGroupName="MY GROUP_1.X", DBSubnetGroupDescription="d", SubnetIds=subnets)
    with refused("InvalidParameterValue", 400, "not in the same Vpc"):
        rds.modify_db_subnet_group(DBSubnetGroupName="my group_1.x", SubnetIds=other)
    with refused("DBSubnetGroupDoesNotCoverEnoughAZs", 400):
        rds.modify_db_subnet_group(DBSubnetGroupName="my group_1.x", SubnetIds=[subnets[0]])
    with refused("InvalidParameterValue", 400, "DBSubnetGroupDescription"):
        boto("rds", validate=False).create_db_subnet_group(DBSubnetGroupName="nodesc", SubnetIds=subnets)
    # Nothing refused was left behind.
    assert [g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]] == ["default", "my group_1.x"]


def test_subnet_groups_belong_to_their_region(boto, ec2):
    _, subnets = make_network(ec2)
    there = boto("rds", region="us-west-2")
    with refused("InvalidParameterValue", 400, "are invalid"):
        there.create_db_subnet_group(DBSubnetGroupName="here", DBSubnetGroupDescription="d", SubnetIds=subnets)
    boto("rds").create_db_subnet_group(DBSubnetGroupName="here", DBSubnetGroupDescription="d", SubnetIds=subnets)
    with refused("DBSubnetGroupNotFoundFault", 404):
        there.describe_db_subnet_groups(DBSubnetGroupName="here")


# --- DB parameter groups -----------------------------------------------------------------------

def parameters(rds, group: str, **kwargs) -> dict[str, dict]:
    return {p["ParameterName"]: p for p in all_pages(rds.describe_db_parameters, "Parameters", DBParameterGroupName=group, **kwargs)}


def test_default_parameter_groups_exist_for_every_family(rds):
    groups = all_pages(rds.describe_db_parameter_groups, "DBParameterGroups", MaxRecords=20)
    defaults = {g["DBParameterGroupName"]: g for g in groups}
    assert {f"default.postgres{major}" for major in range(13, 18)} <= set(defaults)
    d16 = defaults["default.postgres16"]
    assert (d16["DBParameterGroupFamily"], d16["Description"]) == ("postgres16", "Default parameter group for postgres16")
    assert d16["DBParameterGroupArn"] == f"arn:aws:rds:{REGION}:{DEFAULT_ACCOUNT}:pg:default.postgres16"
    assert rds.describe_db_parameter_groups(DBParameterGroupName="default.postgres16")["DBParameterGroups"] == [d16]
    with refused("DBParameterGroupNotFound", 404, "default.postgres99"):
        rds.describe_db_parameter_groups(DBParameterGroupName="default.postgres99")


def test_default_parameters_of_the_kerberos_and_tls_settings(rds):
    p16 = parameters(rds, "default.postgres16")
    krb = p16["krb_caseins_users"]
    assert (krb["ParameterValue"], krb["DataType"], krb["ApplyType"], krb["AllowedValues"], krb["IsModifiable"]) == \
        ("0", "boolean", "dynamic", "0,1", True)
    assert krb["Source"] == "engine-default" and krb["ApplyMethod"] == "pending-reboot"
    assert p16["rds.force_ssl"]["ParameterValue"] == "1" and p16["rds.force_ssl"]["ApplyType"] == "dynamic"
    assert parameters(rds, "default.postgres14")["rds.force_ssl"]["ParameterValue"] == "0"
    assert parameters(rds, "default.postgres13")["rds.force_ssl"]["ParameterValue"] == "0"
    assert parameters(rds, "default.postgres15")["rds.force_ssl"]["ParameterValue"] == "1"
    pe = p16["password_encryption"]
    assert (pe["ParameterValue"], pe["AllowedValues"], pe["ApplyType"]) == ("scram-sha-256", "md5,scram-sha-256", "dynamic")
    assert p16["log_connections"]["DataType"] == "boolean" and p16["log_connections"]["ApplyType"] == "dynamic"
    assert "ParameterValue" not in p16["log_connections"]
    assert p16["shared_buffers"]["ApplyType"] == "static" and p16["max_connections"]["ApplyType"] == "static"
    assert p16["max_connections"]["Source"] == "system" and p16["max_connections"]["ParameterValue"].startswith("LEAST(")
    assert {"rds.iam_auth_for_replication", "timezone"} <= set(p16)

    engine = rds.describe_engine_default_parameters(DBParameterGroupFamily="postgres16")["EngineDefaults"]
    assert engine["DBParameterGroupFamily"] == "postgres16"
    assert {p["ParameterName"]: p.get("ParameterValue") for p in engine["Parameters"]} == \
        {name: p.get("ParameterValue") for name, p in p16.items()}
    with refused("InvalidParameterValue", 400, "postgres99"):
        rds.describe_engine_default_parameters(DBParameterGroupFamily="postgres99")


def test_a_parameter_group_a_user_tunes(rds):
    group = rds.create_db_parameter_group(DBParameterGroupName="Kerberos-PG16", DBParameterGroupFamily="postgres16",
                                          Description="case-insensitive Kerberos users",
                                          Tags=[{"Key": "env", "Value": "test"}])["DBParameterGroup"]
    assert (group["DBParameterGroupName"], group["DBParameterGroupFamily"]) == ("kerberos-pg16", "postgres16")
    assert group["DBParameterGroupArn"] == f"arn:aws:rds:{REGION}:{DEFAULT_ACCOUNT}:pg:kerberos-pg16"
    assert rds.list_tags_for_resource(ResourceName=group["DBParameterGroupArn"])["TagList"] == [{"Key": "env", "Value": "test"}]
    assert rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16", Source="user")["Parameters"] == []

    answer = rds.modify_db_parameter_group(DBParameterGroupName="Kerberos-PG16", Parameters=[
        {"ParameterName": "krb_caseins_users", "ParameterValue": "1", "ApplyMethod": "immediate"},
        {"ParameterName": "rds.force_ssl", "ParameterValue": "0", "ApplyMethod": "immediate"},
        {"ParameterName": "password_encryption", "ParameterValue": "md5", "ApplyMethod": "immediate"},
        {"ParameterName": "log_connections", "ParameterValue": "1", "ApplyMethod": "immediate"},
        {"ParameterName": "max_connections", "ParameterValue": "200", "ApplyMethod": "pending-reboot"},
        {"ParameterName": "timezone", "ParameterValue": "Europe/Paris", "ApplyMethod": "immediate"},
    ])
    assert answer["DBParameterGroupName"] == "kerberos-pg16"
    user = {p["ParameterName"]: p for p in rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16", Source="user")["Parameters"]}
    assert {name: p["ParameterValue"] for name, p in user.items()} == {
        "krb_caseins_users": "1", "rds.force_ssl": "0", "password_encryption": "md5", "log_connections": "1",
        "max_connections": "200", "timezone": "Europe/Paris"}
    assert user["krb_caseins_users"]["ApplyMethod"] == "immediate" and user["max_connections"]["ApplyMethod"] == "pending-reboot"
    assert all(p["Source"] == "user" for p in user.values())
    system = rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16", Source="system")["Parameters"]
    assert system and all(p["Source"] == "system" for p in system) and "max_connections" not in {p["ParameterName"] for p in system}
    engine_defaults = rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16", Source="engine-default")["Parameters"]
    assert "krb_caseins_users" not in {p["ParameterName"] for p in engine_defaults}

    first = rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16", MaxRecords=20)
    assert len(first["Parameters"]) == 20 and first["Marker"]
    rest = rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16", MaxRecords=20, Marker=first["Marker"])
    names = [p["ParameterName"] for p in first["Parameters"] + rest["Parameters"]]
    assert names == sorted(names) and len(names) == len(set(names)) and len(names) == len(parameters(rds, "kerberos-pg16"))

    rds.reset_db_parameter_group(DBParameterGroupName="kerberos-pg16",
                                 Parameters=[{"ParameterName": "rds.force_ssl", "ApplyMethod": "immediate"}])
    after = parameters(rds, "kerberos-pg16")
    assert after["rds.force_ssl"]["ParameterValue"] == "1" and after["rds.force_ssl"]["Source"] == "system"
    assert after["krb_caseins_users"]["ParameterValue"] == "1"
    rds.reset_db_parameter_group(DBParameterGroupName="kerberos-pg16", ResetAllParameters=True)
    assert rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16", Source="user")["Parameters"] == []

    listed = [g["DBParameterGroupName"] for g in all_pages(rds.describe_db_parameter_groups, "DBParameterGroups")]
    assert "kerberos-pg16" in listed and listed == sorted(listed)
    rds.delete_db_parameter_group(DBParameterGroupName="KERBEROS-PG16")
    with refused("DBParameterGroupNotFound", 404, "kerberos-pg16"):
        rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16")
    with refused("DBParameterGroupNotFound", 404):
        rds.delete_db_parameter_group(DBParameterGroupName="kerberos-pg16")
    with refused("DBParameterGroupNotFound", 404):
        rds.modify_db_parameter_group(DBParameterGroupName="kerberos-pg16",
                                      Parameters=[{"ParameterName": "krb_caseins_users", "ParameterValue": "1"}])
    again = rds.create_db_parameter_group(DBParameterGroupName="kerberos-pg16", DBParameterGroupFamily="postgres16", Description="d")
    assert rds.list_tags_for_resource(ResourceName=again["DBParameterGroup"]["DBParameterGroupArn"])["TagList"] == []
    assert rds.describe_db_parameters(DBParameterGroupName="kerberos-pg16", Source="user")["Parameters"] == []


def test_parameter_group_refusals(rds):
    rds.create_db_parameter_group(DBParameterGroupName="tuned", DBParameterGroupFamily="postgres15", Description="d")
    with refused("DBParameterGroupAlreadyExists", 400, "tuned"):
        rds.create_db_parameter_group(DBParameterGroupName="TUNED", DBParameterGroupFamily="postgres15", Description="d")
    with refused("InvalidParameterValue", 400, "postgres99"):
        rds.create_db_parameter_group(DBParameterGroupName="future", DBParameterGroupFamily="postgres99", Description="d")
    for bad in ("default.postgres16", "has--double", "ends-", "1st", "under_score"):
        with refused("InvalidParameterValue", 400, "DBParameterGroupName"):
            rds.create_db_parameter_group(DBParameterGroupName=bad, DBParameterGroupFamily="postgres15", Description="d")

    def modify(*params):
        return rds.modify_db_parameter_group(DBParameterGroupName="tuned", Parameters=list(params))

    with refused("InvalidParameterValue", 400, "Cannot modify a default parameter group."):
        rds.modify_db_parameter_group(DBParameterGroupName="default.postgres15", Parameters=[
            {"ParameterName": "krb_caseins_users", "ParameterValue": "1", "ApplyMethod": "immediate"}])
    with refused("InvalidParameterValue", 400, "default"):
        rds.reset_db_parameter_group(DBParameterGroupName="default.postgres15", ResetAllParameters=True)
    with refused("InvalidDBParameterGroupState", 400, "Default DBParameterGroup cannot be deleted: default.postgres15"):
        rds.delete_db_parameter_group(DBParameterGroupName="default.postgres15")
    with refused("InvalidParameterValue", 400, "Could not find parameter with name: no_such_thing"):
        modify({"ParameterName": "no_such_thing", "ParameterValue": "1", "ApplyMethod": "immediate"})
    with refused("InvalidParameterValue", 400, "krb_caseins_users", "0,1"):
        modify({"ParameterName": "krb_caseins_users", "ParameterValue": "yes", "ApplyMethod": "immediate"})
    with refused("InvalidParameterValue", 400, "password_encryption"):
        modify({"ParameterName": "password_encryption", "ParameterValue": "plain", "ApplyMethod": "immediate"})
    with refused("InvalidParameterValue", 400, "max_connections", "6-262143"):
        modify({"ParameterName": "max_connections", "ParameterValue": "3", "ApplyMethod": "pending-reboot"})
    with refused("InvalidParameterValue", 400, "timezone"):
        modify({"ParameterName": "timezone", "ParameterValue": "Mars/Olympus_Mons", "ApplyMethod": "immediate"})
    with refused("InvalidParameterCombination", 400, "cannot use immediate apply method for static parameter"):
        modify({"ParameterName": "shared_buffers", "ParameterValue": "32768", "ApplyMethod": "immediate"})
    with refused("InvalidParameterValue", 400, "ssl"):
        modify({"ParameterName": "ssl", "ParameterValue": "0", "ApplyMethod": "immediate"})
    with refused("InvalidParameterValue", 400):
        modify(*[{"ParameterName": "work_mem", "ParameterValue": "4096", "ApplyMethod": "immediate"}] * 21)
    # A refusal in the middle of a batch changes nothing.
    with refused("InvalidParameterValue", 400):
        modify({"ParameterName": "krb_caseins_users", "ParameterValue": "1", "ApplyMethod": "immediate"},
               {"ParameterName": "rds.force_ssl", "ParameterValue": "2", "ApplyMethod": "immediate"})
    assert rds.describe_db_parameters(DBParameterGroupName="tuned", Source="user")["Parameters"] == []
    # A formula is a value too, and an apply method can be left out.
    modify({"ParameterName": "shared_buffers", "ParameterValue": "{DBInstanceClassMemory/16384}"},
           {"ParameterName": "krb_caseins_users", "ParameterValue": "1"})
    user = {p["ParameterName"]: p for p in rds.describe_db_parameters(DBParameterGroupName="tuned", Source="user")["Parameters"]}
    assert user["shared_buffers"]["ApplyMethod"] == "pending-reboot" and user["krb_caseins_users"]["ApplyMethod"] == "immediate"

    with refused("InvalidParameterCombination", 400):
        rds.reset_db_parameter_group(DBParameterGroupName="tuned")
    with refused("InvalidParameterCombination", 400):
        rds.reset_db_parameter_group(DBParameterGroupName="tuned", ResetAllParameters=True,
                                     Parameters=[{"ParameterName": "krb_caseins_users", "ApplyMethod": "immediate"}])
    with refused("InvalidParameterValue", 400, "Source"):
        rds.describe_db_parameters(DBParameterGroupName="tuned", Source="everyone")
    with refused("InvalidParameterValue", 400, "marker"):
        rds.describe_db_parameters(DBParameterGroupName="tuned", Marker="%%%")


# --- groups in use by a DB instance ------------------------------------------------------------

def test_groups_in_use_by_an_instance_stay(rds, ec2):
    _, subnets = make_network(ec2, zones=("a", "b", "c"))
    rds.create_db_subnet_group(DBSubnetGroupName="db-net", DBSubnetGroupDescription="d", SubnetIds=subnets)
    rds.create_db_parameter_group(DBParameterGroupName="db-params", DBParameterGroupFamily="postgres16", Description="d")
    instance = rds.create_db_instance(
        DBInstanceIdentifier="in-use", DBInstanceClass="db.t3.micro", Engine="postgres", EngineVersion="16",
        AllocatedStorage=20, MasterUsername="master", MasterUserPassword="Secret-Passw0rd",
        DBSubnetGroupName="db-net", DBParameterGroupName="db-params", AvailabilityZone=f"{REGION}b")["DBInstance"]
    assert instance["EngineVersion"] == "16.9"
    assert instance["DBParameterGroups"][0]["DBParameterGroupName"] == "db-params"

    with refused("InvalidDBSubnetGroupStateFault", 400, "db-net", "in-use"):
        rds.delete_db_subnet_group(DBSubnetGroupName="db-net")
    with refused("InvalidDBParameterGroupState", 400, "db-params"):
        rds.delete_db_parameter_group(DBParameterGroupName="db-params")
    with refused("InvalidParameterValue", 400, "currently in use", subnets[1]):
        rds.modify_db_subnet_group(DBSubnetGroupName="db-net", SubnetIds=[subnets[0], subnets[2]])
    # Dropping a zone the instance is not in is fine.
    rds.modify_db_subnet_group(DBSubnetGroupName="db-net", SubnetIds=subnets[:2])
    rds.delete_db_instance(DBInstanceIdentifier="in-use", SkipFinalSnapshot=True)
