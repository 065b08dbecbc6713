/// Text metadata as an XMP packet, for the formats without PNG's text chunks (JPEG, WebP,
/// TIFF): each key becomes one element of Pincel's namespace,
/// `<pincel:pincel-seed>42</pincel:pincel-seed>`, which `exiftool` shows as `XMP-pincel`
/// tags and ``ImageIO/textMetadata(_:)`` reads back.
enum XMPText {
    static let namespace = "http://ns.pincel.invalid/text/1.0/"
    static let prefix = "pincel"
    /// JPEG keeps XMP in one APP1 segment (at most 65,533 bytes with its header); values are
    /// shortened to keep the packet below this.
    static let maximumPacketBytes = 60_000

    /// A key usable as an element name: a letter or `_`, then letters, digits, `-`, `_` or `.`
    /// (ASCII).
    static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, isNameStart(first) else { return false }
        return key.unicodeScalars.allSatisfy { isNameStart($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." }
    }

    private static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_"
    }

    /// The packet for `text` (keys sorted; each key must pass ``isValidKey(_:)``).
    static func packet(_ text: [String: String]) -> String {
        var limit = Int.max
        while true {
            let packet = build(text, valueLimit: limit)
            if packet.utf8.count <= maximumPacketBytes || limit == 0 { return packet }
            let longest = text.values.map(\.unicodeScalars.count).max() ?? 0
            limit = min(limit, longest) * 3 / 4
        }
    }

    private static func build(_ text: [String: String], valueLimit: Int) -> String {
        var body = ""
        for key in text.keys.sorted() {
            var value = text[key] ?? ""
            if value.unicodeScalars.count > valueLimit {
                value = String(String.UnicodeScalarView(value.unicodeScalars.prefix(valueLimit))) + "…"
            }
            body += "   <\(prefix):\(key)>\(escaped(value))</\(prefix):\(key)>\n"
        }
        return """
            <?xpacket begin="\u{FEFF}" id="W5M0MpCehiHzreSzNTczkc9d"?>
            <x:xmpmeta xmlns:x="adobe:ns:meta/">
             <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
              <rdf:Description rdf:about="" xmlns:\(prefix)="\(namespace)">
            \(body)  </rdf:Description>
             </rdf:RDF>
            </x:xmpmeta>
            <?xpacket end="w"?>
            """
    }

    /// XML character data: `& < > "` as entities; control characters XML cannot hold
    /// (all but tab, newline and carriage return) as U+FFFD.
    static func escaped(_ value: String) -> String {
        var out = ""
        for c in value.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            default:
                let invalid = c.value < 0x20 || c.value == 0xFFFE || c.value == 0xFFFF
                out.unicodeScalars.append(invalid ? "\u{FFFD}" : c)
            }
        }
        return out
    }

    /// The `pincel:` elements of a packet written by ``packet(_:)`` (other XMP is ignored;
    /// a malformed element ends the reading, keeping what came before).
    static func read(_ packet: String) -> [String: String] {
        guard packet.contains(namespace) else { return [:] }
        var result: [String: String] = [:]
        var rest = Substring(packet)
        let open = "<\(prefix):"
        while let start = rest.range(of: open) {
            rest = rest[start.upperBound...]
            guard let close = rest.firstIndex(of: ">") else { break }
            let key = String(rest[..<close])
            guard isValidKey(key) else { continue }
            rest = rest[rest.index(after: close)...]
            guard let end = rest.range(of: "</\(prefix):\(key)>") else { break }
            result[key] = unescaped(rest[..<end.lowerBound])
            rest = rest[end.upperBound...]
        }
        return result
    }

    /// Replaces the five XML entities and numeric character references.
    static func unescaped(_ text: Substring) -> String {
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            rest = rest[rest.index(after: amp)...]
            guard let semi = rest.prefix(12).firstIndex(of: ";") else {
                out += "&"
                continue
            }
            let name = rest[..<semi]
            let named: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]
            if let value = named[name] {
                out += value
            } else if name.hasPrefix("#"), let scalar = characterReference(name.dropFirst()) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "&"
                continue
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    private static func characterReference(_ digits: Substring) -> Unicode.Scalar? {
        let value = digits.hasPrefix("x") ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits, radix: 10)
        return value.flatMap(Unicode.Scalar.init)
    }
}
