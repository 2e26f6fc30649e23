"""Directories are real Kerberos realms: the user story of issue 3, with the real `kinit`."""

from __future__ import annotations

import ipaddress
import os
import re
import signal
import time
from pathlib import Path

import pytest

from directories import ADMIN_PASSWORD, create_directory, default_subnets, default_vpc, user_with_password, wait_for_stage
from harness import Credentials
from pytest_kerbside.server import descendants
from kerberos import KerberosClient
from refusals import refused

REALM = "CORP.EXAMPLE.COM"


@pytest.fixture
def kerberos(endpoint, tmp_path):
    return KerberosClient(endpoint, tmp_path)


def kdc_pids(server) -> list[int]:
    pids = []
    for pid in descendants(server.pid):
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].endswith(b"krb5kdc"):
                pids.append(pid)
        except OSError:
            pass
    return pids


def test_a_managed_ad_is_a_realm_users_log_in_to(ds, dsdata, ec2, kerberos):
    directory_id = create_directory(ds, ec2)
    assert re.fullmatch(r"d-[0-9a-f]{10}", directory_id)
    description = ds.describe_directories(DirectoryIds=[directory_id])["DirectoryDescriptions"][0]
    assert description["Stage"] == "Active"
    assert description["Name"] == "corp.example.com" and description["ShortName"] == "CORP"
    assert description["Type"] == "MicrosoftAD" and description["Edition"] == "Standard"
    assert description["Alias"] == directory_id and description["AccessUrl"] == f"{directory_id}.awsapps.com"
    addresses = description["DnsIpAddrs"]
    assert len(addresses) == 2 and len(set(addresses)) == 2
    assert all(ipaddress.ip_address(address).is_loopback for address in addresses)
    settings = description["VpcSettings"]
    assert settings["VpcId"] == default_vpc(ec2) and len(settings["SubnetIds"]) == 2
    assert settings["SecurityGroupId"].startswith("sg-") and len(set(settings["AvailabilityZones"])) == 2

    config = kerberos.refresh()
    assert f"{REALM} = {{" in config and "dns_lookup_kdc = false" in config and "rdns = false" in config
    assert ".corp.example.com = CORP.EXAMPLE.COM" in config

    admin = kerberos.kinit(f"Admin@{REALM}", ADMIN_PASSWORD)
    assert admin.ok, admin.stderr
    assert f"krbtgt/{REALM}@{REALM}" in kerberos.klist(f"Admin@{REALM}").stdout
    wrong = kerberos.kinit(f"Admin@{REALM}", "Not-The-Password-1", cache="wrong")
    assert not wrong.ok and "Password incorrect" in wrong.stderr

    with refused("AccessDeniedException", 403, "not enabled"):
        dsdata.create_user(DirectoryId=directory_id, SAMAccountName="alice")
    ds.enable_directory_data_access(DirectoryId=directory_id)
    assert ds.describe_directory_data_access(DirectoryId=directory_id)["DataAccessStatus"] == "Enabled"
    created = dsdata.create_user(DirectoryId=directory_id, SAMAccountName="alice", GivenName="Alice", Surname="Liddell")
    assert created["SAMAccountName"] == "alice" and re.fullmatch(r"S-1-5-21-\d+-\d+-\d+-\d+", created["SID"])

    # No password yet: the principal exists but gets no tickets.
    before = kerberos.kinit(f"alice@{REALM}", "Wonder-Land-123", cache="alice-before")
    assert not before.ok and "revoked" in before.stderr
    assert dsdata.describe_user(DirectoryId=directory_id, SAMAccountName="alice")["Enabled"] is False

    ds.reset_user_password(DirectoryId=directory_id, UserName="alice", NewPassword="Wonder-Land-123")
    login = kerberos.kinit(f"alice@{REALM}", "Wonder-Land-123")
    assert login.ok, login.stderr
    user = dsdata.describe_user(DirectoryId=directory_id, SAMAccountName="alice", OtherAttributes=["givenName", "mail"])
    assert user["Enabled"] is True and user["UserPrincipalName"] == f"alice@{REALM}"
    assert user["DistinguishedName"] == "CN=alice,OU=Users,OU=CORP,DC=corp,DC=example,DC=com"
    assert user["OtherAttributes"] == {"givenName": {"S": "Alice"}}

    dsdata.disable_user(DirectoryId=directory_id, SAMAccountName="alice")
    disabled = kerberos.kinit(f"alice@{REALM}", "Wonder-Land-123", cache="alice-disabled")
    assert not disabled.ok and "revoked" in disabled.stderr
    ds.reset_user_password(DirectoryId=directory_id, UserName="alice", NewPassword="Wonder-Land-456")
    assert kerberos.kinit(f"alice@{REALM}", "Wonder-Land-456", cache="alice-again").ok

    dsdata.delete_user(DirectoryId=directory_id, SAMAccountName="alice")
    gone = kerberos.kinit(f"alice@{REALM}", "Wonder-Land-456", cache="alice-gone")
    assert not gone.ok and "not found" in gone.stderr
    with refused("ResourceNotFoundException", 404):
        dsdata.describe_user(DirectoryId=directory_id, SAMAccountName="alice")


def test_passwords_follow_the_directory_rules(ds, dsdata, ec2, kerberos):
    directory_id = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory_id)
    dsdata.create_user(DirectoryId=directory_id, SAMAccountName="bob")
    for weak, reason in [("Sh0rt!", "shorter"), ("alllowercase", "three"), ("NoDigitsOrSymbols", "three"),
                         ("bob-Password-1", "account name")]:
        with refused("InvalidPasswordException", 400, reason):
            ds.reset_user_password(DirectoryId=directory_id, UserName="bob", NewPassword=weak)
    with refused("UserDoesNotExistException", 400, "nobody"):
        ds.reset_user_password(DirectoryId=directory_id, UserName="nobody", NewPassword="Strong-Pass-1")
    with refused("EntityDoesNotExistException", 400, "d-0000000000"):
        ds.reset_user_password(DirectoryId="d-0000000000", UserName="bob", NewPassword="Strong-Pass-1")
    # The administrator's password can be reset too.
    ds.reset_user_password(DirectoryId=directory_id, UserName="Admin", NewPassword="Fresh-Start-Pass-9")
    kerberos.refresh()
    assert kerberos.kinit(f"Admin@{REALM}", "Fresh-Start-Pass-9").ok


def test_bad_directories_are_refused_and_leave_nothing_behind(ds, ec2, kerberos, kerbside):
    subnets = default_subnets(ec2)
    vpc = default_vpc(ec2)
    cases = [
        (dict(Name="nodots", Password=ADMIN_PASSWORD), "InvalidParameterException", "name"),
        (dict(Name="corp.example.com", Password="weakpassword"), "InvalidParameterException", "password"),
        (dict(Name="corp.example.com", Password="Admin-Pass-123"), "InvalidParameterException", "admin"),
    ]
    for arguments, code, fragment in cases:
        with refused(code, 400) as refusal:
            ds.create_microsoft_ad(VpcSettings={"VpcId": vpc, "SubnetIds": subnets}, **arguments)
        assert fragment in refusal[0].message.lower()
    with refused("InvalidParameterException", 400, "different Availability Zones"):
        ds.create_microsoft_ad(Name="corp.example.com", Password=ADMIN_PASSWORD, VpcSettings={"VpcId": vpc, "SubnetIds": [subnets[0], subnets[0]]})
    with refused("ClientException", 400, "vpc-0123456789abcdef0"):
        ds.create_microsoft_ad(Name="corp.example.com", Password=ADMIN_PASSWORD,
                               VpcSettings={"VpcId": "vpc-0123456789abcdef0", "SubnetIds": subnets})
    assert ds.describe_directories()["DirectoryDescriptions"] == []
    assert kdc_pids(kerbside) == []
    assert not any((kerbside.data_dir / "realms").glob("d-*")) if (kerbside.data_dir / "realms").exists() else True

    create_directory(ds, ec2)
    with refused("EntityAlreadyExistsException", 400, "corp.example.com"):
        ds.create_microsoft_ad(Name="corp.example.com", Password=ADMIN_PASSWORD, VpcSettings={"VpcId": vpc, "SubnetIds": subnets})
    with refused("EntityDoesNotExistException", 400, "d-1234567890"):
        ds.describe_directories(DirectoryIds=["d-1234567890"])
    with refused("EntityDoesNotExistException", 400):
        ds.delete_directory(DirectoryId="d-1234567890")


def test_delete_stops_the_kdc_and_removes_the_realm(ds, ec2, kerberos, kerbside):
    directory_id = create_directory(ds, ec2)
    assert len(kdc_pids(kerbside)) == 1
    assert (kerbside.data_dir / "realms" / directory_id / "principal").exists()
    assert ds.delete_directory(DirectoryId=directory_id)["DirectoryId"] == directory_id
    assert kdc_pids(kerbside) == []
    assert not (kerbside.data_dir / "realms" / directory_id).exists()
    assert ds.describe_directories()["DirectoryDescriptions"] == []
    assert REALM not in kerberos.refresh()


def test_realm_files_are_private(ds, ec2, kerbside):
    directory_id = create_directory(ds, ec2)
    folder = kerbside.data_dir / "realms" / directory_id
    assert folder.stat().st_mode & 0o777 == 0o700
    for name in ["principal", "stash", "kdc.conf"]:
        assert (folder / name).stat().st_mode & 0o077 == 0, name
    assert (kerbside.data_dir / "kerbside.sqlite").stat().st_mode & 0o077 == 0
    assert ADMIN_PASSWORD not in kerbside.log_text(tail=10**7)


def test_groups_and_memberships(ds, dsdata, ec2):
    directory_id = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory_id)
    dsdata.create_user(DirectoryId=directory_id, SAMAccountName="carol")
    group = dsdata.create_group(DirectoryId=directory_id, SAMAccountName="dbas")
    assert re.fullmatch(r"S-1-5-21-\d+-\d+-\d+-\d+", group["SID"])
    described = dsdata.describe_group(DirectoryId=directory_id, SAMAccountName="dbas")
    assert described["GroupScope"] == "Global" and described["GroupType"] == "Security"
    dsdata.add_group_member(DirectoryId=directory_id, GroupName="dbas", MemberName="carol")
    with refused("ConflictException", 409):
        dsdata.add_group_member(DirectoryId=directory_id, GroupName="dbas", MemberName="carol")
    members = dsdata.list_group_members(DirectoryId=directory_id, SAMAccountName="dbas")["Members"]
    assert [(m["SAMAccountName"], m["MemberType"]) for m in members] == [("carol", "USER")]
    groups = dsdata.list_groups_for_member(DirectoryId=directory_id, SAMAccountName="carol")["Groups"]
    assert [g["SAMAccountName"] for g in groups] == ["dbas"]
    assert [g["SAMAccountName"] for g in dsdata.list_groups(DirectoryId=directory_id)["Groups"]] == ["dbas"]
    assert [g["SAMAccountName"] for g in dsdata.search_groups(DirectoryId=directory_id, SearchString="db", SearchAttributes=["SamAccountName"])["Groups"]] == ["dbas"]
    dsdata.update_group(DirectoryId=directory_id, SAMAccountName="dbas", GroupScope="Universal")
    assert dsdata.describe_group(DirectoryId=directory_id, SAMAccountName="dbas")["GroupScope"] == "Universal"
    dsdata.remove_group_member(DirectoryId=directory_id, GroupName="dbas", MemberName="carol")
    with refused("ResourceNotFoundException", 404):
        dsdata.remove_group_member(DirectoryId=directory_id, GroupName="dbas", MemberName="carol")
    dsdata.delete_group(DirectoryId=directory_id, SAMAccountName="dbas")
    assert dsdata.list_groups(DirectoryId=directory_id)["Groups"] == []


def test_users_list_search_update_and_client_tokens(ds, dsdata, ec2):
    directory_id = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory_id)
    first = dsdata.create_user(DirectoryId=directory_id, SAMAccountName="dave", ClientToken="token-1")
    again = dsdata.create_user(DirectoryId=directory_id, SAMAccountName="dave", ClientToken="token-1")
    assert again["SID"] == first["SID"]
    with refused("ConflictException", 409):
        dsdata.create_user(DirectoryId=directory_id, SAMAccountName="erin", ClientToken="token-1")
    with refused("ConflictException", 409):
        dsdata.create_user(DirectoryId=directory_id, SAMAccountName="dave")
    for name in ["frank", "grace", "heidi"]:
        dsdata.create_user(DirectoryId=directory_id, SAMAccountName=name, EmailAddress=f"{name}@corp.example.com")
    names = [u["SAMAccountName"] for u in dsdata.list_users(DirectoryId=directory_id)["Users"]]
    assert names == ["Admin", "dave", "frank", "grace", "heidi"]
    page = dsdata.list_users(DirectoryId=directory_id, MaxResults=2)
    assert len(page["Users"]) == 2 and page["NextToken"]
    rest = dsdata.list_users(DirectoryId=directory_id, MaxResults=10, NextToken=page["NextToken"])
    assert [u["SAMAccountName"] for u in page["Users"] + rest["Users"]] == names
    found = dsdata.search_users(DirectoryId=directory_id, SearchString="grace@", SearchAttributes=["EmailAddress"])["Users"]
    assert [u["SAMAccountName"] for u in found] == ["grace"]
    dsdata.update_user(DirectoryId=directory_id, SAMAccountName="frank", GivenName="Frank", UpdateType="REPLACE")
    assert dsdata.describe_user(DirectoryId=directory_id, SAMAccountName="frank")["GivenName"] == "Frank"
    with refused("ValidationException", 400):
        dsdata.update_user(DirectoryId=directory_id, SAMAccountName="frank", GivenName="Franz", UpdateType="ADD")
    dsdata.update_user(DirectoryId=directory_id, SAMAccountName="frank", GivenName="x", UpdateType="REMOVE")
    assert "GivenName" not in dsdata.describe_user(DirectoryId=directory_id, SAMAccountName="frank")
    with refused("AccessDeniedException", 403):
        dsdata.delete_user(DirectoryId=directory_id, SAMAccountName="Admin")
    ds.disable_directory_data_access(DirectoryId=directory_id)
    with refused("DirectoryInDesiredStateException", 400):
        ds.disable_directory_data_access(DirectoryId=directory_id)
    with refused("AccessDeniedException", 403, "not enabled"):
        dsdata.list_users(DirectoryId=directory_id)


def test_limits_controllers_tags_and_alias(ds, ec2):
    directory_id = create_directory(ds, ec2)
    limits = ds.get_directory_limits()["DirectoryLimits"]
    assert limits["CloudOnlyMicrosoftADCurrentCount"] == 1 and limits["CloudOnlyMicrosoftADLimit"] == 20
    controllers = ds.describe_domain_controllers(DirectoryId=directory_id)["DomainControllers"]
    description = ds.describe_directories(DirectoryIds=[directory_id])["DirectoryDescriptions"][0]
    assert sorted(c["DnsIpAddr"] for c in controllers) == sorted(description["DnsIpAddrs"])
    assert all(c["Status"] == "Active" and re.fullmatch(r"dc-[0-9a-f]{10}", c["DomainControllerId"]) for c in controllers)
    ds.add_tags_to_resource(ResourceId=directory_id, Tags=[{"Key": "team", "Value": "db"}])
    assert ds.list_tags_for_resource(ResourceId=directory_id)["Tags"] == [{"Key": "team", "Value": "db"}]
    ds.remove_tags_from_resource(ResourceId=directory_id, TagKeys=["team"])
    assert ds.list_tags_for_resource(ResourceId=directory_id)["Tags"] == []
    assert ds.create_alias(DirectoryId=directory_id, Alias="corp-example")["Alias"] == "corp-example"
    described = ds.describe_directories(DirectoryIds=[directory_id])["DirectoryDescriptions"][0]
    assert described["AccessUrl"] == "corp-example.awsapps.com"
    with refused("EntityAlreadyExistsException", 400):
        ds.create_alias(DirectoryId=directory_id, Alias="other")


def test_simple_ad_has_an_administrator(ds, ec2, kerberos):
    directory_id = ds.create_directory(Name="simple.example.com", Password=ADMIN_PASSWORD, Size="Small",
                                       VpcSettings={"VpcId": default_vpc(ec2), "SubnetIds": default_subnets(ec2)})["DirectoryId"]
    description = wait_for_stage(ds, directory_id)
    assert description["Type"] == "SimpleAD" and description["Size"] == "Small"
    kerberos.refresh()
    assert kerberos.kinit("Administrator@SIMPLE.EXAMPLE.COM", ADMIN_PASSWORD).ok
    with refused("UnsupportedOperationException", 400):
        ds.enable_directory_data_access(DirectoryId=directory_id)


def test_trusts_cross_realms_only_when_both_sides_agree(ds, dsdata, ec2, kerberos):
    corp = create_directory(ds, ec2, "corp.example.com")
    onprem = create_directory(ds, ec2, "onprem.example.com")
    ds.enable_directory_data_access(DirectoryId=onprem)
    user_with_password(ds, dsdata, onprem, "bob", "Rabbit-Hole-123")
    kerberos.refresh()

    # The AWS side trusts on-premises users (outgoing); the other side trusts back (incoming).
    outgoing = ds.create_trust(DirectoryId=corp, RemoteDomainName="onprem.example.com", TrustPassword="Trust-Pass-1",
                               TrustDirection="One-Way: Outgoing", TrustType="Forest")["TrustId"]
    assert re.fullmatch(r"t-[0-9a-f]{10}", outgoing)
    ds.create_trust(DirectoryId=onprem, RemoteDomainName="corp.example.com", TrustPassword="Trust-Pass-1",
                    TrustDirection="One-Way: Incoming")
    ds.verify_trust(TrustId=outgoing)
    trust = ds.describe_trusts(DirectoryId=corp, TrustIds=[outgoing])["Trusts"][0]
    assert trust["TrustState"] == "Verified", trust
    assert trust["TrustDirection"] == "One-Way: Outgoing" and trust["TrustType"] == "Forest"

    # bob of ONPREM gets a ticket for a CORP principal through the trust.
    assert kerberos.kinit("bob@ONPREM.EXAMPLE.COM", "Rabbit-Hole-123", cache="bob").ok
    crossed = kerberos.kvno(f"Admin@{REALM}", cache="bob")
    assert crossed.ok, crossed.stderr
    assert "krbtgt/CORP.EXAMPLE.COM@ONPREM.EXAMPLE.COM" in kerberos.klist("bob").stdout

    with refused("EntityAlreadyExistsException", 400):
        ds.create_trust(DirectoryId=corp, RemoteDomainName="onprem.example.com", TrustPassword="x", TrustDirection="Two-Way")
    ds.delete_trust(TrustId=outgoing)
    assert ds.describe_trusts(DirectoryId=corp)["Trusts"] == []
    blocked = kerberos.kvno(f"Admin@{REALM}", cache="bob-after")
    assert not blocked.ok


def test_trust_verification_fails_with_aws_reasons(ds, ec2):
    corp = create_directory(ds, ec2, "corp.example.com")
    onprem = create_directory(ds, ec2, "onprem.example.com")
    unknown = ds.create_trust(DirectoryId=corp, RemoteDomainName="elsewhere.example.net", TrustPassword="Trust-Pass-1",
                              TrustDirection="One-Way: Outgoing")["TrustId"]
    ds.verify_trust(TrustId=unknown)
    state = ds.describe_trusts(TrustIds=[unknown])["Trusts"][0]
    assert state["TrustState"] == "VerifyFailed" and "does not exist or could not be contacted" in state["TrustStateReason"]

    mismatched = ds.create_trust(DirectoryId=corp, RemoteDomainName="onprem.example.com", TrustPassword="Trust-Pass-1",
                                 TrustDirection="One-Way: Outgoing")["TrustId"]
    ds.create_trust(DirectoryId=onprem, RemoteDomainName="corp.example.com", TrustPassword="Other-Pass-2",
                    TrustDirection="One-Way: Incoming")
    ds.verify_trust(TrustId=mismatched)
    state = ds.describe_trusts(TrustIds=[mismatched])["Trusts"][0]
    assert state["TrustState"] == "VerifyFailed" and state["TrustStateReason"].startswith("Access is denied")
    with refused("EntityDoesNotExistException", 400):
        ds.verify_trust(TrustId="t-0000000000")
    ds.create_conditional_forwarder(DirectoryId=corp, RemoteDomainName="elsewhere.example.net", DnsIpAddrs=["10.0.0.2"])
    forwarders = ds.describe_conditional_forwarders(DirectoryId=corp)["ConditionalForwarders"]
    assert forwarders == [{"RemoteDomainName": "elsewhere.example.net", "DnsIpAddrs": ["10.0.0.2"], "ReplicationScope": "Domain"}]


def test_sharing_with_another_account(ds, ec2, boto):
    owner = create_directory(ds, ec2)
    consumer = boto("ds", Credentials("111122223333", "secret"))
    shared_id = ds.share_directory(DirectoryId=owner, ShareTarget={"Id": "111122223333", "Type": "ACCOUNT"},
                                   ShareMethod="HANDSHAKE", ShareNotes="for the app team")["SharedDirectoryId"]
    assert shared_id != owner and re.fullmatch(r"d-[0-9a-f]{10}", shared_id)
    pending = consumer.describe_directories(DirectoryIds=[shared_id])["DirectoryDescriptions"][0]
    assert pending["Type"] == "SharedMicrosoftAD" and pending["ShareStatus"] == "PendingAcceptance"
    assert pending["OwnerDirectoryDescription"]["DirectoryId"] == owner
    assert pending["OwnerDirectoryDescription"]["AccountId"] == "123456789012"
    accepted = consumer.accept_shared_directory(SharedDirectoryId=shared_id)["SharedDirectory"]
    assert accepted["ShareStatus"] == "Shared" and accepted["OwnerDirectoryId"] == owner
    shares = ds.describe_shared_directories(OwnerDirectoryId=owner)["SharedDirectories"]
    assert [(s["SharedAccountId"], s["ShareStatus"]) for s in shares] == [("111122223333", "Shared")]
    with refused("DirectoryAlreadySharedException", 400):
        ds.share_directory(DirectoryId=owner, ShareTarget={"Id": "111122223333", "Type": "ACCOUNT"}, ShareMethod="HANDSHAKE")
    with refused("ClientException", 400, "shared"):
        ds.delete_directory(DirectoryId=owner)
    assert ds.unshare_directory(DirectoryId=owner, UnshareTarget={"Id": "111122223333", "Type": "ACCOUNT"})["SharedDirectoryId"] == shared_id
    assert consumer.describe_directories()["DirectoryDescriptions"] == []


def test_a_kdc_that_dies_is_restarted(ds, ec2, kerberos, kerbside):
    create_directory(ds, ec2)
    kerberos.refresh()
    [pid] = kdc_pids(kerbside)
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pids = kdc_pids(kerbside)
        if pids and pids != [pid] and kerberos.kinit(f"Admin@{REALM}", ADMIN_PASSWORD, cache="after-crash").ok:
            break
        time.sleep(0.05)
    else:
        pytest.fail(f"the KDC was not restarted: {kerbside.health()}")


def test_restart_after_kill_brings_realms_back(start_kerbside, tmp_path, boto):
    server = start_kerbside(start_kerbside.base / "restart-data")
    clients = lambda service: boto(service, endpoint=server.endpoint)
    ds, ec2, dsdata = clients("ds"), clients("ec2"), clients("ds-data")
    directory_id = create_directory(ds, ec2)
    ds.enable_directory_data_access(DirectoryId=directory_id)
    user_with_password(ds, dsdata, directory_id, "ivan", "Terrible-Pass-9")
    [old_kdc] = kdc_pids(server)

    os.kill(server.pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    server.process = None
    restarted = start_kerbside(start_kerbside.base / "restart-data")
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not kdc_pids(restarted):
        time.sleep(0.05)
    assert not Path(f"/proc/{old_kdc}").exists() or b"Z" in Path(f"/proc/{old_kdc}/stat").read_bytes().split(b")")[1][:3], "the orphaned KDC still runs"
    kerberos = KerberosClient(restarted.endpoint, tmp_path)
    assert kerberos.kinit(f"ivan@{REALM}", "Terrible-Pass-9").ok
    description = boto("ds", endpoint=restarted.endpoint).describe_directories(DirectoryIds=[directory_id])["DirectoryDescriptions"][0]
    assert description["Stage"] == "Active"


def test_reset_and_stop_leave_no_kdc(ds, ec2, kerbside):
    create_directory(ds, ec2, "corp.example.com")
    create_directory(ds, ec2, "onprem.example.com")
    assert len(kdc_pids(kerbside)) == 2
    kerbside.reset()
    assert kdc_pids(kerbside) == []
    assert ds.describe_directories()["DirectoryDescriptions"] == []


def test_trust_and_forwarder_updates_and_a_rejected_share(ds, ec2, boto):
    corp = create_directory(ds, ec2)
    trust = ds.create_trust(DirectoryId=corp, RemoteDomainName="partner.example.org", TrustPassword="Trust-Pass-1",
                            TrustDirection="Two-Way", SelectiveAuth="Disabled",
                            ConditionalForwarderIpAddrs=["10.1.0.2"])["TrustId"]
    assert ds.update_trust(TrustId=trust, SelectiveAuth="Enabled")["TrustId"] == trust
    assert ds.describe_trusts(TrustIds=[trust])["Trusts"][0]["SelectiveAuth"] == "Enabled"
    ds.update_conditional_forwarder(DirectoryId=corp, RemoteDomainName="partner.example.org", DnsIpAddrs=["10.1.0.3"])
    [forwarder] = ds.describe_conditional_forwarders(DirectoryId=corp, RemoteDomainNames=["partner.example.org"])["ConditionalForwarders"]
    assert forwarder["DnsIpAddrs"] == ["10.1.0.3"]
    ds.delete_trust(TrustId=trust, DeleteAssociatedConditionalForwarder=False)
    ds.delete_conditional_forwarder(DirectoryId=corp, RemoteDomainName="partner.example.org")
    assert ds.describe_conditional_forwarders(DirectoryId=corp)["ConditionalForwarders"] == []
    with refused("EntityDoesNotExistException", 400):
        ds.delete_conditional_forwarder(DirectoryId=corp, RemoteDomainName="partner.example.org")

    consumer = boto("ds", Credentials("444455556666", "secret"))
    shared = ds.share_directory(DirectoryId=corp, ShareTarget={"Id": "444455556666", "Type": "ACCOUNT"}, ShareMethod="HANDSHAKE")["SharedDirectoryId"]
    assert consumer.reject_shared_directory(SharedDirectoryId=shared)["SharedDirectoryId"] == shared
    [share] = ds.describe_shared_directories(OwnerDirectoryId=corp)["SharedDirectories"]
    assert share["ShareStatus"] == "Rejected"
    with refused("EntityDoesNotExistException", 400, corp):
        consumer.accept_shared_directory(SharedDirectoryId=corp)


def test_the_cli_prints_krb5_conf_and_shell_exports(ds, ec2, kerbside, tmp_path):
    import subprocess

    create_directory(ds, ec2)
    binary = str(kerbside.binary)
    printed = subprocess.run([binary, "krb5-conf", "--endpoint", kerbside.endpoint], capture_output=True, text=True, timeout=20)
    assert printed.returncode == 0, printed.stderr
    assert f"{REALM} = {{" in printed.stdout and "dns_lookup_kdc = false" in printed.stdout
    exports = subprocess.run([binary, "env", "--endpoint", kerbside.endpoint], capture_output=True, text=True, timeout=20)
    assert exports.returncode == 0, exports.stderr
    values = dict(line.removeprefix("export ").split("=", 1) for line in exports.stdout.splitlines())
    assert values["AWS_ENDPOINT_URL"] == f"'{kerbside.endpoint}'" and values["AWS_DEFAULT_REGION"] == "'us-east-1'"
    krb5_config = values["KRB5_CONFIG"].strip("'")
    assert Path(krb5_config).read_text() == printed.stdout
    unreachable = subprocess.run([binary, "env", "--endpoint", "http://127.0.0.1:9"], capture_output=True, text=True, timeout=30)
    assert unreachable.returncode != 0
