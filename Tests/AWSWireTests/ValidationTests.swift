import AWSWire
import Testing

struct ValidationTests {
    private func violations(_ signingName: String, _ operationName: String, _ value: WireValue) -> [Violation] {
        InputValidator(model: model(signingName)).violations(of: value, shape: operation(signingName, operationName).input!)
    }

    @Test func requiredMembersAreReported() {
        let found = violations("iam", "CreateRole", .structure(["rolename": .string("r")]))
        #expect(found == [Violation(path: ["AssumeRolePolicyDocument"], kind: .missing, value: nil)])
        let error = ValidationStyle.coral(code: "ValidationError").error(for: found)
        #expect(error.code == "ValidationError")
        #expect(error.message == "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null")
    }

    @Test func lengthPatternAndRangeAreChecked() {
        let found = violations("iam", "CreateRole", .structure([
            "rolename": .string("has space"), "assumerolepolicydocument": .string("{}"), "maxsessionduration": .integer(60),
        ]))
        #expect(found.contains { $0.path == ["RoleName"] && $0.kind == .patternMismatch(#"[\w+=,.@-]+"#) })
        #expect(found.contains { $0.path == ["MaxSessionDuration"] && $0.kind == .belowMinimum(3600) })
        let message = ValidationStyle.coral(code: "ValidationError").error(for: found).message
        #expect(message.hasPrefix("2 validation errors detected: "))
        #expect(message.contains("Value 'has space' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern"))
    }

    @Test func enumsAreChecked() {
        let found = violations("iam", "UpdateAccessKey", .structure(["accesskeyid": .string("AKIAABCDEFGHIJKLMNOP"), "status": .string("Sleeping")]))
        #expect(found.first?.kind == .notInEnum(["Active", "Inactive", "Expired"]))
    }

    @Test func sensitiveValuesAreNeverEchoed() {
        let found = violations("ds", "CreateMicrosoftAD", .structure([
            "name": .string("corp.example.com"), "password": .string("short"),
            "vpcsettings": .structure(["vpcid": .string("vpc-12345678"), "subnetids": .list([])]),
        ]))
        let password = found.first { $0.path == ["Password"] }
        #expect(password != nil)
        #expect(password?.value == nil)
        #expect(!ValidationStyle.coral(code: "ValidationException").error(for: found).message.contains("short"))
    }

    @Test func rdsAndEC2WordTheirOwnErrors() {
        let missing = [Violation(path: ["DBInstanceClass"], kind: .missing, value: nil)]
        #expect(ValidationStyle.rds.error(for: missing).message == "The parameter DBInstanceClass must be provided and must not be empty.")
        #expect(ValidationStyle.rds.error(for: missing).code == "InvalidParameterValue")
        #expect(ValidationStyle.ec2.error(for: [Violation(path: ["CidrBlock"], kind: .missing, value: nil)]).code == "MissingParameter")
    }
}
