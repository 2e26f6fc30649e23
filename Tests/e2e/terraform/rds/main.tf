# The seed story as a user would write it in Terraform: the role RDS uses to join a directory, an
# AWS Managed Microsoft AD in the default VPC, a parameter group and a subnet group, and a
# PostgreSQL instance joined to the directory with IAM database authentication on.
# Applied against Kerbside by Tests/e2e/test_terraform_rds.py.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

variable "endpoint" {
  description = "Kerbside's URL, e.g. http://127.0.0.1:4566"
  type        = string
}

provider "aws" {
  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"

  skip_credentials_validation = false
  skip_requesting_account_id  = false
  skip_metadata_api_check     = true

  endpoints {
    ds  = var.endpoint
    ec2 = var.endpoint
    iam = var.endpoint
    rds = var.endpoint
    sts = var.endpoint
  }
}

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

resource "aws_db_parameter_group" "kerberos" {
  name   = "kerberos-postgres17"
  family = "postgres17"

  parameter {
    name  = "krb_caseins_users"
    value = "1"
  }
}

resource "aws_db_subnet_group" "default" {
  name       = "databases"
  subnet_ids = local.subnet_ids
}

resource "aws_db_instance" "kerbdb" {
  identifier                          = "kerbdb"
  engine                              = "postgres"
  instance_class                      = "db.t3.micro"
  allocated_storage                   = 20
  username                            = "postgres"
  password                            = "Master-Pass-123"
  domain                              = aws_directory_service_directory.corp.id
  domain_iam_role_name                = aws_iam_role.kerberos.name
  iam_database_authentication_enabled = true
  parameter_group_name                = aws_db_parameter_group.kerberos.name
  db_subnet_group_name                = aws_db_subnet_group.default.name
  skip_final_snapshot                 = true

  tags = {
    team = "databases"
  }

  # The role must allow the directory actions before RDS uses it.
  depends_on = [aws_iam_role_policy_attachment.kerberos]
}

output "endpoint" {
  value = aws_db_instance.kerbdb.endpoint
}

output "address" {
  value = aws_db_instance.kerbdb.address
}

output "resource_id" {
  value = aws_db_instance.kerbdb.resource_id
}

output "directory_id" {
  value = aws_directory_service_directory.corp.id
}

output "directory_dns" {
  value = aws_directory_service_directory.corp.dns_ip_addresses
}
