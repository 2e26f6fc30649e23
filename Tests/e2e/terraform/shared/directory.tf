# Copied into the configurations that join databases to a directory (terraform_runner's
# `shared=("directory",)`): the default VPC's subnets in two zones, the role RDS joins
# directories with, and an AWS Managed Microsoft AD, corp.example.com.

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

locals {
  # Two default subnets in two zones, as a Microsoft AD needs.
  subnet_ids = slice(sort(data.aws_subnets.default.ids), 0, 2)
}

data "aws_iam_policy_document" "rds_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com", "directoryservice.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "kerberos" {
  name               = "rds-directoryservice-kerberos-access-role"
  assume_role_policy = data.aws_iam_policy_document.rds_trust.json
}

resource "aws_iam_role_policy_attachment" "kerberos" {
  role       = aws_iam_role.kerberos.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSDirectoryServiceAccess"
}

resource "aws_directory_service_directory" "corp" {
  name     = "corp.example.com"
  password = "Sup3r-Secret-Pass!"
  type     = "MicrosoftAD"
  edition  = "Standard"

  vpc_settings {
    vpc_id     = data.aws_vpc.default.id
    subnet_ids = local.subnet_ids
  }

  tags = {
    Name = "corp"
  }
}
