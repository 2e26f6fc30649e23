import CGSSAPI
import Foundation

/// The service's side of one Kerberos login (GSSAPI, one round: the client's AP-REQ in, an AP-REP
/// out when it asked for mutual authentication), with a keytab of the service's: who the client
/// is, proven by a ticket the realm's KDC issued for the service. Used where Kerbside itself
/// speaks for a database server (the MySQL front door), not where the server speaks Kerberos.
public enum KerberosAcceptor {
    public struct Accepted: Sendable, Equatable {
        /// `alice@CORP.EXAMPLE.COM`.
        public let principal: String
        /// The AP-REP for the client; empty when it did not ask for one.
        public let reply: [UInt8]
    }

    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Accepts `token` for `servicePrincipal` (`mysql/<endpoint>@REALM`) with the keys in `keytab`.
    public static func accept(_ token: [UInt8], servicePrincipal: String, keytab: String) throws -> Accepted {
        var minor: OM_uint32 = 0
        var service: gss_name_t? = nil
        try servicePrincipal.withCString { name in
            var buffer = gss_buffer_desc(length: strlen(name), value: UnsafeMutableRawPointer(mutating: name))
            try check(gss_import_name(&minor, &buffer, GSS_KRB5_NT_PRINCIPAL_NAME, &service), minor, "the service name \(servicePrincipal)")
        }
        defer { gss_release_name(&minor, &service) }

        // The keytab named per call (not the process's default): each server has its own.
        var credential: gss_cred_id_t? = nil
        try "keytab".withCString { key in
            try keytab.withCString { path in
                var element = gss_key_value_element_desc(key: key, value: path)
                try withUnsafeMutablePointer(to: &element) { elements in
                    var store = gss_key_value_set_desc(count: 1, elements: elements)
                    try check(gss_acquire_cred_from(&minor, service, 0, nil, gss_cred_usage_t(GSS_C_ACCEPT), &store, &credential, nil, nil),
                              minor, "the keys of \(servicePrincipal)")
                }
            }
        }
        defer { gss_release_cred(&minor, &credential) }

        var context: gss_ctx_id_t? = nil
        var client: gss_name_t? = nil
        var output = gss_buffer_desc(length: 0, value: nil)
        defer {
            gss_release_buffer(&minor, &output)
            gss_release_name(&minor, &client)
            if context != nil { gss_delete_sec_context(&minor, &context, nil) }
        }
        var input = token
        let major = input.withUnsafeMutableBytes { bytes -> OM_uint32 in
            var buffer = gss_buffer_desc(length: bytes.count, value: bytes.baseAddress)
            return gss_accept_sec_context(&minor, &context, credential, &buffer, nil, &client, nil, &output, nil, nil, nil)
        }
        try check(major, minor, "the client's ticket")
        guard major == GSS_S_COMPLETE else { throw Refusal(description: "the client's Kerberos exchange needs more than one round") }

        var display = gss_buffer_desc(length: 0, value: nil)
        defer { gss_release_buffer(&minor, &display) }
        try check(gss_display_name(&minor, client, &display, nil), minor, "the client's name")
        let principal = String(decoding: UnsafeRawBufferPointer(start: display.value, count: display.length), as: UTF8.self)
        let reply = output.length > 0 ? Array(UnsafeRawBufferPointer(start: output.value, count: output.length)) : []
        return Accepted(principal: principal, reply: reply)
    }

    /// GSSAPI's routine errors are in the top 16 bits of the major status (`GSS_ERROR`).
    private static func check(_ major: OM_uint32, _ minor: OM_uint32, _ what: String) throws {
        guard major & 0xffff_0000 != 0 else { return }
        throw Refusal(description: "Kerberos refused \(what): \(message(major, type: GSS_C_GSS_CODE)); \(message(minor, type: GSS_C_MECH_CODE))")
    }

    private static func message(_ status: OM_uint32, type: Int32) -> String {
        var minor: OM_uint32 = 0, more: OM_uint32 = 0
        var parts: [String] = []
        repeat {
            var text = gss_buffer_desc(length: 0, value: nil)
            guard gss_display_status(&minor, status, type, nil, &more, &text) == GSS_S_COMPLETE else { break }
            parts.append(String(decoding: UnsafeRawBufferPointer(start: text.value, count: text.length), as: UTF8.self))
            gss_release_buffer(&minor, &text)
        } while more != 0 && parts.count < 4
        return parts.joined(separator: ": ")
    }
}
