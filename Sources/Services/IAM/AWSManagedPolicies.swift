import Foundation

/// The AWS managed policies Kerbside knows. AWS owns them, so they are a fixed catalog rather
/// than rows: every account sees them, none can change them.
struct AWSManagedPolicy: Sendable {
    let name: String
    let path: String
    let policyId: String
    let description: String
    let versionId: String
    let document: String

    var arn: String { "arn:aws:iam::aws:policy\(path)\(name)" }

    /// Fixed so listings are stable across restarts.
    static let publishedDate = Date(timeIntervalSince1970: 1_423_872_000)  // 2015-02-14
}

enum AWSManagedPolicies {
    static let all: [AWSManagedPolicy] = [
        AWSManagedPolicy(
            name: "AdministratorAccess", path: "/", policyId: "ANPAIWMBCKSKIEE64ZLYK",
            description: "Provides full access to AWS services and resources.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
        AWSManagedPolicy(
            name: "ReadOnlyAccess", path: "/", policyId: "ANPAILL3HVNFSB6DCOWYQ",
            description: "Provides read-only access to AWS services and resources.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ds:Describe*","ds:Get*","ds:List*","ds:Verify*","ds-data:Describe*","ds-data:List*","ds-data:Search*","ec2:Describe*","ec2:Get*","iam:Generate*","iam:Get*","iam:List*","iam:Simulate*","rds:Describe*","rds:Download*","rds:List*","sts:GetAccessKeyInfo","sts:GetCallerIdentity"],"Resource":"*"}]}"#),
        AWSManagedPolicy(
            name: "IAMFullAccess", path: "/", policyId: "ANPAI7XKCFMBPM3QQRRVQ",
            description: "Provides full access to IAM via the AWS Management Console.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:*","organizations:DescribeAccount","organizations:DescribeOrganization","organizations:DescribeOrganizationalUnit","organizations:DescribePolicy","organizations:ListChildren","organizations:ListParents","organizations:ListPoliciesForTarget","organizations:ListRoots","organizations:ListPolicies","organizations:ListTargetsForPolicy"],"Resource":"*"}]}"#),
        AWSManagedPolicy(
            name: "IAMReadOnlyAccess", path: "/", policyId: "ANPAJKSO7NDY4T57MWDSQ",
            description: "Provides read only access to IAM via the AWS Management Console.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:GenerateCredentialReport","iam:GenerateServiceLastAccessedDetails","iam:Get*","iam:List*","iam:SimulateCustomPolicy","iam:SimulatePrincipalPolicy"],"Resource":"*"}]}"#),
        AWSManagedPolicy(
            name: "AmazonRDSFullAccess", path: "/", policyId: "ANPAI3R4QMOG6Q5A4VWVG",
            description: "Provides full access to Amazon RDS via the AWS Management Console.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Sid":"AmazonRDSFullAccess","Effect":"Allow","Action":["rds:*","ec2:DescribeAccountAttributes","ec2:DescribeAvailabilityZones","ec2:DescribeInternetGateways","ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcAttribute","ec2:DescribeVpcs","iam:ListRoles","iam:GetRole"],"Resource":"*"},{"Sid":"PassRoleToRDS","Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"rds.amazonaws.com"}}}]}"#),
        AWSManagedPolicy(
            name: "AmazonRDSReadOnlyAccess", path: "/", policyId: "ANPAJKTTTYV2IIHKLZ346",
            description: "Provides read only access to Amazon RDS via the AWS Management Console.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["rds:Describe*","rds:ListTagsForResource","ec2:DescribeAccountAttributes","ec2:DescribeAvailabilityZones","ec2:DescribeInternetGateways","ec2:DescribeSecurityGroups","ec2:DescribeSubnets","ec2:DescribeVpcAttribute","ec2:DescribeVpcs"],"Resource":"*"}]}"#),
        AWSManagedPolicy(
            name: "AmazonRDSDirectoryServiceAccess", path: "/service-role/", policyId: "ANPAIL4KBY57XWMYUHKUU",
            description: "Allow RDS to access Directory Service on behalf of the customer.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ds:DescribeDirectories","ds:AuthorizeApplication","ds:UnauthorizeApplication","ds:GetAuthorizedApplicationDetails"],"Resource":"*"}]}"#),
        AWSManagedPolicy(
            name: "AWSDirectoryServiceFullAccess", path: "/", policyId: "ANPAINAW5ANUWTH3R4ANI",
            description: "Provides full access to AWS Directory Service.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ds:*","ec2:AuthorizeSecurityGroupEgress","ec2:AuthorizeSecurityGroupIngress","ec2:CreateNetworkInterface","ec2:CreateSecurityGroup","ec2:DeleteNetworkInterface","ec2:DeleteSecurityGroup","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DescribeVpcs","ec2:RevokeSecurityGroupEgress","ec2:RevokeSecurityGroupIngress","ec2:DescribeSecurityGroups"],"Resource":"*"}]}"#),
        AWSManagedPolicy(
            name: "AWSDirectoryServiceReadOnlyAccess", path: "/", policyId: "ANPAIHWYO6WSDNCG64M2W",
            description: "Provides read only access to AWS Directory Service.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ds:Check*","ds:Describe*","ds:Get*","ds:List*","ds:Verify*","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DescribeVpcs"],"Resource":"*"}]}"#),
        AWSManagedPolicy(
            name: "AWSDirectoryServiceDataFullAccess", path: "/", policyId: "ANPAZKAPJZG4DSDATAFUL",
            description: "Provides full access to AWS Directory Service Data.", versionId: "v1",
            document: #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ds-data:*","ds:AccessDSData","ds:DescribeDirectories","ds:DescribeDirectoryDataAccess","ds:EnableDirectoryDataAccess","ds:DisableDirectoryDataAccess","ds:ResetUserPassword"],"Resource":"*"}]}"#),
    ]

    private static let byArn = Dictionary(uniqueKeysWithValues: all.map { ($0.arn, $0) })

    static func policy(arn: String) -> AWSManagedPolicy? { byArn[arn] }

    static func isAWSManaged(_ arn: String) -> Bool { arn.hasPrefix("arn:aws:iam::aws:policy/") }
}
