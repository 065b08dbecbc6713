import Foundation
import Synchronization

/// What the studio answers to: the host names a request's `Host` may carry and the port it
/// listens on (known once bound when the configuration asks for port 0).
final class ServedAddress: Sendable {
    /// Lower-case names: `localhost`, `127.0.0.1`, `[::1]`, the bound address, `--allow-host`s.
    let names: Set<String>
    private let boundPort: Atomic<Int>

    init(host: String, port: Int, allowedHosts: [String]) {
        var names: Set<String> = ["localhost", "127.0.0.1", "[::1]"]
        for name in [host] + allowedHosts {
            let lower = name.lowercased()
            guard !lower.isEmpty, lower != "0.0.0.0", lower != "::", lower != "[::]" else { continue }
            names.insert(lower.contains(":") && !lower.hasPrefix("[") ? "[" + lower + "]" : lower)
        }
        self.names = names
        boundPort = Atomic(port)
    }

    /// The port listened on.
    var port: Int { boundPort.load(ordering: .relaxed) }

    /// Called once the server listens (the port chosen for port 0).
    func bound(port: Int) { boundPort.store(port, ordering: .relaxed) }

    /// `true` when `authority` (a `Host` header) is one of ``names`` exactly (case aside), with
    /// this port or none.
    func accepts(host authority: String) -> Bool {
        guard let (name, port) = Self.split(authority) else { return false }
        return names.contains(name) && (port == nil || port == self.port)
    }

    /// `true` for the page's own origin: `http://` + the request's Host name + this port (an
    /// omitted port is 80).
    func isSameOrigin(_ origin: String, host authority: String) -> Bool {
        let prefix = "http://"
        guard origin.lowercased().hasPrefix(prefix), let (originName, originPort) = Self.split(String(origin.dropFirst(prefix.count))),
              let (hostName, _) = Self.split(authority) else { return false }
        return originName == hostName && names.contains(originName) && (originPort ?? 80) == port
    }

    /// `name[:port]` or `[v6][:port]` → the lower-case name and the port; `nil` when malformed
    /// (a path, user info, an empty or non-numeric port).
    static func split(_ authority: String) -> (String, Int?)? {
        let text = authority.lowercased()
        guard !text.isEmpty, !text.contains("/"), !text.contains("@"), !text.contains(" ") else { return nil }
        let name: Substring
        let rest: Substring
        if text.hasPrefix("[") {
            guard let end = text.firstIndex(of: "]") else { return nil }
            name = text[...end]
            rest = text[text.index(after: end)...]
        } else if let colon = text.firstIndex(of: ":") {
            name = text[..<colon]
            rest = text[colon...]
        } else {
            name = text[...]
            rest = ""
        }
        guard !name.isEmpty else { return nil }
        if rest.isEmpty { return (String(name), nil) }
        guard rest.hasPrefix(":"), rest.count >= 2, rest.count <= 6, rest.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
        return (String(name), port)
    }
}
