import PincelCore

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
    /// an element without its end tag ends the reading, keeping what came before). Works on the
    /// UTF-8 bytes in one pass: a hostile packet cannot make it slower than linear.
    static func read(_ packet: String) -> [String: String] {
        let bytes = Array(packet.utf8)
        guard find(Array(namespace.utf8), in: bytes, from: 0) != nil else { return [:] }
        let open = Array("<\(prefix):".utf8)
        var result: [String: String] = [:]
        var index = 0
        while let start = find(open, in: bytes, from: index) {
            index = start + open.count
            // A key is at most 79 characters: its `>` is looked for only that far.
            guard let close = bytes[index..<min(index + 80, bytes.count)].firstIndex(of: UInt8(ascii: ">")) else { continue }
            let key = String(decoding: bytes[index..<close], as: UTF8.self)
            guard isValidKey(key) else { continue }
            let endTag = Array("</\(prefix):\(key)>".utf8)
            guard let end = find(endTag, in: bytes, from: close + 1) else { break }
            result[key] = unescaped(Substring(String(decoding: bytes[(close + 1)..<end], as: UTF8.self)))
            index = end + endTag.count
        }
        return result
    }

    /// The first index at or after `from` where `needle` starts in `bytes`.
    private static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, from <= bytes.count - needle.count else { return nil }
        var i = from
        while i <= bytes.count - needle.count {
            if bytes[i] == first, bytes[i..<(i + needle.count)].elementsEqual(needle) { return i }
            i += 1
        }
        return nil
    }

    private static let entities: [Substring: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'"]

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
            if let value = entities[name] {
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
