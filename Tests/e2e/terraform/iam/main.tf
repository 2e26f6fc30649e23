# IAM for an RDS instance joined to a Directory Service directory, as a user would write it.
# Applied against Kerbside by Tests/e2e/test_terraform.py, which passes `endpoint`.
# With ../shared/provider.tf, which the runner copies in.

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "rds_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_user" "alice" {
  name = "alice"
  path = "/engineering/"
  tags = {
    team = "databases"
  }
}

resource "aws_iam_access_key" "alice" {
  user = aws_iam_user.alice.name
}

resource "aws_iam_group" "dbas" {
  name = "dbas"
  path = "/teams/"
}

resource "aws_iam_group_membership" "dbas" {
  name  = "dbas-membership"
  group = aws_iam_group.dbas.name
  users = [aws_iam_user.alice.name]
}

resource "aws_iam_role" "rds_directory" {
  name                 = "rds-directory-service-access"
  description          = "Lets RDS join DB instances to the directory"
  assume_role_policy   = data.aws_iam_policy_document.rds_trust.json
  max_session_duration = 7200
  tags = {
    purpose = "kerberos"
  }
}

resource "aws_iam_role_policy_attachment" "rds_directory" {
  role       = aws_iam_role.rds_directory.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"
}

resource "aws_iam_role_policy" "describe_directories" {
  name = "describe-directories"
  role = aws_iam_role.rds_directory.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ds:DescribeDirectories"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_policy" "connect" {
  name        = "rds-connect"
  path        = "/db/"
  description = "Connect to the database as alice"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "rds-db:connect"
      Resource = "arn:aws:rds-db:us-east-1:${data.aws_caller_identity.current.account_id}:dbuser:*/alice"
    }]
  })
  tags = {
    team = "databases"
  }
}

resource "aws_iam_user_policy_attachment" "alice_connect" {
  user       = aws_iam_user.alice.name
  policy_arn = aws_iam_policy.connect.arn
}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}

output "alice_access_key_id" {
  value = aws_iam_access_key.alice.id
}

output "alice_secret_access_key" {
  value     = aws_iam_access_key.alice.secret
  sensitive = true
}

output "role_arn" {
  value = aws_iam_role.rds_directory.arn
}
