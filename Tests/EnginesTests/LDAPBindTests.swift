@testable import Engines
import Testing

@Suite struct LDAPDistinguishedNameTests {
    @Test func relativeNamesAreReadInOrder() throws {
        let dn = try LDAPDistinguishedName(parsing: "cn=jane,ou=db-ABC")
        #expect(dn.relativeNames == [[.init(type: "cn", value: "jane")], [.init(type: "ou", value: "db-ABC")]])
        #expect(try LDAPDistinguishedName(parsing: "").relativeNames.isEmpty)
        #expect(try LDAPDistinguishedName(parsing: "CN=a+sn=b, OU=c").relativeNames
            == [[.init(type: "CN", value: "a"), .init(type: "sn", value: "b")], [.init(type: "OU", value: "c")]])
    }

    @Test func escapesAreUndone() throws {
        let dn = try LDAPDistinguishedName(parsing: #"cn=Doe\, Jane \"JD\" \\ \2c\2C\c3\a9\+,ou=db-1"#)
        #expect(dn.relativeNames[0][0].value == #"Doe, Jane "JD" \ ,,é+"#)
    }

    @Test func brokenNamesAreSyntaxErrors() {
        for text in ["cn", "cn=a,", "=a", #"cn=a\"#, #"cn=a\zz"#, "cn=#0403616263", #"cn=a"b"#, #"cn=\ff"#, "cn=a;ou=b"] {
            #expect(throws: LDAPDistinguishedName.SyntaxError.self, "\(text)") { try LDAPDistinguishedName(parsing: text) }
        }
    }
}

@Suite struct LDAPBindTests {
    @Test func userAndResourceComeFromTheDN() throws {
        let bind = try #require(LDAPBind(dn: "cn=jane.doe@example.com,ou=db-ABCDEFGHIJ", password: "t"))
        #expect(bind.user == "jane.doe@example.com")
        #expect(bind.resource == "db-ABCDEFGHIJ")
        let escaped = try #require(LDAPBind(dn: #"cn=app\2cuser\\x,ou=db-1"#, password: "t"))
        #expect(escaped.user == #"app,user\x"#)
    }

    @Test func postgresUnescapedConcatenationIsReadToo() throws {
        // PostgreSQL writes ldapprefix + user + ldapsuffix as they are.
        let comma = try #require(LDAPBind(dn: "cn=a,b+c=d,ou=db-1", password: "t"))
        #expect(comma.user == "a,b+c=d")
        #expect(comma.resource == "db-1")
        let quoted = try #require(LDAPBind(dn: #"cn=say "hi",ou=db-1"#, password: "t"))
        #expect(quoted.user == #"say "hi""#)
    }

    @Test func otherShapesAreRefused() {
        #expect(LDAPBind(dn: "uid=jane,ou=db-1", password: "t") == nil)
        #expect(LDAPBind(dn: "cn=jane,dc=example", password: "t") == nil)
        #expect(LDAPBind(dn: "cn=jane", password: "t") == nil)
        #expect(LDAPBind(dn: "cn=,ou=db-1", password: "t") == nil)
        #expect(LDAPBind(dn: "cn=jane,ou=db 1", password: "t") == nil)
        #expect(LDAPBind(dn: "", password: "t") == nil)
    }

    @Test func descriptionsLeaveThePasswordOut() throws {
        let bind = try #require(LDAPBind(dn: "cn=jane,ou=db-1", password: "SECRET-TOKEN"))
        #expect(!String(describing: bind).contains("SECRET"))
        #expect(!String(reflecting: bind).contains("SECRET"))
    }
}
