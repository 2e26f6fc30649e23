# The MySQL family as a user would write it in Terraform: an RDS for MySQL instance with IAM
# database authentication, and an Aurora MySQL cluster joined to an AWS Managed Microsoft AD with
# IAM database authentication, with a writer. Applied against Kerbside by
# Tests/e2e/test_terraform_mysql.py.
# With ../shared/provider.tf and ../shared/directory.tf, which the runner copies in.

resource "aws_db_instance" "shop" {
  identifier                          = "shop"
  engine                              = "mysql"
  engine_version                      = "8.0"
  instance_class                      = "db.t3.micro"
  allocated_storage                   = 20
  db_name                             = "shop"
  username                            = "admin"
  password                            = "Master-Pass-123"
  iam_database_authentication_enabled = true
  skip_final_snapshot                 = true
  apply_immediately                   = true

  tags = {
    team = "databases"
  }
}

resource "aws_rds_cluster" "ledger" {
  cluster_identifier                  = "ledger"
  engine                              = "aurora-mysql"
  engine_version                      = "8.0.mysql_aurora.3.08.2"
  database_name                       = "ledger"
  master_username                     = "admin"
  master_password                     = "Master-Pass-123"
  domain                              = aws_directory_service_directory.corp.id
  domain_iam_role_name                = aws_iam_role.kerberos.name
  iam_database_authentication_enabled = true
  skip_final_snapshot                 = true
  apply_immediately                   = true

  # The role must allow the directory actions before RDS uses it.
  depends_on = [aws_iam_role_policy_attachment.kerberos]
}

resource "aws_rds_cluster_instance" "writer" {
  identifier         = "ledger-1"
  cluster_identifier = aws_rds_cluster.ledger.id
  engine             = aws_rds_cluster.ledger.engine
  engine_version     = aws_rds_cluster.ledger.engine_version
  instance_class     = "db.r6g.large"
}

output "instance_endpoint" {
  value = aws_db_instance.shop.endpoint
}

output "instance_resource_id" {
  value = aws_db_instance.shop.resource_id
}

output "cluster_endpoint" {
  value = aws_rds_cluster.ledger.endpoint
}

output "cluster_resource_id" {
  value = aws_rds_cluster.ledger.cluster_resource_id
}

output "directory_id" {
  value = aws_directory_service_directory.corp.id
}
