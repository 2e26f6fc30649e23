# The Aurora PostgreSQL story as a user would write it in Terraform: the role RDS uses to join a
# directory, an AWS Managed Microsoft AD in the default VPC, a cluster parameter group, an Aurora
# PostgreSQL cluster joined to the directory with IAM database authentication on, with a writer
# and a reader, and a custom endpoint. Applied against Kerbside by Tests/e2e/test_terraform_aurora.py.
# With ../shared/provider.tf and ../shared/directory.tf, which the runner copies in.

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
