import Foundation

/// Absolute paths with symbolic links, `.` and `..` resolved as far as the path exists (the
/// rest, not yet created, is resolved by its words), to tell whether one path lies inside
/// another however each was spelt.
package enum ResolvedPath {
    /// `path` made absolute (from the current folder) and resolved.
    package static func of(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let words = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        // The longest prefix that exists is resolved by realpath; the words after it by their text.
        for count in stride(from: words.count, through: 0, by: -1) {
            let prefix = "/" + words[0..<count].joined(separator: "/")
            guard let real = realpath(prefix, nil) else { continue }
            defer { free(real) }
            var parts = String(cString: real).split(separator: "/").map(String.init)
            for word in words[count...] {
                switch word {
                case ".": continue
                case "..": if !parts.isEmpty { parts.removeLast() }
                default: parts.append(word)
                }
            }
            return "/" + parts.joined(separator: "/")
        }
        return absolute
    }

    /// Whether resolved path `inner` is `outer` or lies anywhere below it.
    package static func isInside(_ inner: String, _ outer: String) -> Bool {
        outer == "/" || inner == outer || inner.hasPrefix(outer + "/")
    }
}
