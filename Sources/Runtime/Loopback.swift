import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Loopback addresses and ports for the servers Kerbside starts. All of 127.0.0.0/8 reaches `lo`
/// on Linux, so each directory can have addresses of its own and keep Kerberos's port 88.
public enum Loopback {
    /// True when both TCP and UDP can bind `address:port` right now.
    public static func isFree(_ address: String, port: Int) -> Bool {
        for type in [SOCK_STREAM, SOCK_DGRAM] where !canBind(address, port: port, type: Int32(type.rawValue)) {
            return false
        }
        return true
    }

    /// A port free for TCP and UDP on every one of `addresses`, chosen by the kernel.
    public static func freePort(on addresses: [String]) -> Int? {
        for _ in 0..<64 {
            guard let port = kernelChosenPort(addresses[0]) else { return nil }
            if addresses.allSatisfy({ isFree($0, port: port) }) { return port }
        }
        return nil
    }

    /// True once something accepts TCP connections on `address:port` (a server's readiness).
    public static func accepts(_ address: String, port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var socketAddress = makeAddress(address, port: port)
        return withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func canBind(_ address: String, port: Int, type: Int32) -> Bool {
        let fd = socket(AF_INET, type, 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var socketAddress = makeAddress(address, port: port)
        return withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func kernelChosenPort(_ address: String) -> Int? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var socketAddress = makeAddress(address, port: 0)
        let bound = withUnsafePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard bound else { return nil }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &socketAddress) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) == 0 }
        }
        return named ? Int(UInt16(bigEndian: socketAddress.sin_port)) : nil
    }

    private static func makeAddress(_ address: String, port: Int) -> sockaddr_in {
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        socketAddress.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, address, &socketAddress.sin_addr)
        return socketAddress
    }
}
