# The Aurora PostgreSQL story as a user would write it in Terraform: the role RDS uses to join a
# directory, an AWS Managed Microsoft AD in the default VPC, a cluster parameter group, an Aurora
# PostgreSQL cluster joined to the directory with IAM database authentication on, with a writer
# and a reader, and a custom endpoint. Applied against Kerbside by Tests/e2e/test_terraform_aurora.py.

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

resource "aws_rds_cluster_parameter_group" "kerberos" {
  name        = "kerberos-aurora-postgresql16"
  family      = "aurora-postgresql16"
  description = "Kerberos user names ignore case"

  parameter {
    name  = "krb_caseins_users"
    value = "1"
  }
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier                  = "orders"
  engine                              = "aurora-postgresql"
  engine_version                      = "16"
  database_name                       = "orders"
  master_username                     = "postgres"
  master_password                     = "Master-Pass-123"
  db_cluster_parameter_group_name     = aws_rds_cluster_parameter_group.kerberos.name
  domain                              = aws_directory_service_directory.corp.id
  domain_iam_role_name                = aws_iam_role.kerberos.name
  iam_database_authentication_enabled = true
  skip_final_snapshot                 = true
  apply_immediately                   = true

  tags = {
    team = "databases"
  }

  # The role must allow the directory actions before RDS uses it.
  depends_on = [aws_iam_role_policy_attachment.kerberos]
}

resource "aws_rds_cluster_instance" "members" {
  count              = 2
  identifier         = "orders-${count.index + 1}"
  cluster_identifier = aws_rds_cluster.orders.id
  engine             = aws_rds_cluster.orders.engine
  engine_version     = aws_rds_cluster.orders.engine_version
  instance_class     = "db.r6g.large"
  promotion_tier     = count.index
}

resource "aws_rds_cluster_endpoint" "reports" {
  cluster_identifier          = aws_rds_cluster.orders.id
  cluster_endpoint_identifier = "reports"
  custom_endpoint_type        = "ANY"
  static_members              = [aws_rds_cluster_instance.members[1].identifier]
}

output "endpoint" {
  value = aws_rds_cluster.orders.endpoint
}

output "reader_endpoint" {
  value = aws_rds_cluster.orders.reader_endpoint
}

output "resource_id" {
  value = aws_rds_cluster.orders.cluster_resource_id
}

output "writers" {
  value = [for member in aws_rds_cluster_instance.members : member.writer]
}

output "reports_endpoint" {
  value = aws_rds_cluster_endpoint.reports.endpoint
}

output "directory_id" {
  value = aws_directory_service_directory.corp.id
}
