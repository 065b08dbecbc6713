import PincelCore

/// Why a setting was refused: text that may name other settings by their ``TransferSetting``,
/// so a front end can show its own names for them (flags, form fields) without reading the
/// prose.
///
/// Write one as a string literal; `\(the: .maxPixels)` names a setting with its article
/// ("the maximum pixels") and `\(setting: .scales)` without ("scales"):
///
/// ```swift
/// let reason: SettingReason = "is above the pixel limit; see \(the: .maxPixels)"
/// let words = reason.description                  // "is above the pixel limit; see the maximum pixels"
/// let flags = reason.text { "--" + $0.rawValue }  // "is above the pixel limit; see --maxPixels"
/// ```
public struct SettingReason: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// Text, or a setting named with or without "the".
    enum Part: Sendable, Equatable {
        case text(String)
        case setting(TransferSetting, article: Bool)
    }

    let parts: [Part]

    /// A reason that names no other setting.
    public init(stringLiteral value: String) {
        parts = value.isEmpty ? [] : [.text(value)]
    }

    /// A reason built from a literal with interpolations.
    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    /// The other settings the text names, in order.
    public var settings: [TransferSetting] {
        parts.compactMap { if case .setting(let s, _) = $0 { s } else { nil } }
    }

    /// The text in the library's words: each named setting as "the" + ``TransferSetting/words``
    /// (or its words alone).
    public var description: String {
        parts.map {
            switch $0 {
            case .text(let text): text
            case .setting(let setting, let article): article ? "the " + setting.words : setting.words
            }
        }.joined()
    }

    /// The text with each named setting replaced by `name(setting)` (a flag, a form field),
    /// without an article.
    public func text(naming name: (TransferSetting) -> String) -> String {
        parts.map {
            switch $0 {
            case .text(let text): text
            case .setting(let setting, _): name(setting)
            }
        }.joined()
    }

    /// Builds a ``SettingReason`` from a literal with interpolations.
    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [Part] = []

        /// An empty interpolation.
        public init(literalCapacity: Int, interpolationCount: Int) {}

        /// Appends literal text.
        public mutating func appendLiteral(_ literal: String) { appendText(literal) }

        /// Appends a setting's name with its article: "the maximum pixels".
        public mutating func appendInterpolation(the setting: TransferSetting) {
            parts.append(.setting(setting, article: true))
        }

        /// Appends a setting's name without an article: "scales".
        public mutating func appendInterpolation(setting: TransferSetting) {
            parts.append(.setting(setting, article: false))
        }

        /// Appends any other value as text.
        public mutating func appendInterpolation<T>(_ value: T) { appendText(String(describing: value)) }

        private mutating func appendText(_ text: String) {
            guard !text.isEmpty else { return }
            if case .text(let last)? = parts.last {
                parts[parts.count - 1] = .text(last + text)
            } else {
                parts.append(.text(text))
            }
        }
    }
}
