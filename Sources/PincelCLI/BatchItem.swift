import Foundation
import Pincel

/// One item of a batch as listed (before its settings are parsed): a content photo, a style
/// painting, where the result goes, and the manifest row's own settings.
struct BatchItem {
    /// The content photo's path, as given (manifest paths: relative to the manifest's folder).
    var content: String
    /// The style painting's path.
    var style: String
    /// The output's path (relative names are inside the output folder).
    var output: String
    /// The manifest row's option columns (`size` → "48"), in the header's order; empty values left out.
    var settings: [(name: String, value: String)] = []
    /// Where the item came from, for messages: `manifest.csv line 3`, or the pair.
    var origin: String
}

/// The items of a batch: every content × every style, or the rows of a manifest.
enum BatchItems {
    /// Image files the folders of `--contents` and `--styles` offer (case ignored).
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp", "tif", "tiff", "gif"]

    /// The files `paths` name: a file as given, a folder's image files (not its subfolders, not
    /// dot files), sorted by name. - Throws: a one-line message naming `flag`.
    static func files(_ paths: [String], flag: String) throws -> [String] {
        var files: [String] = []
        let fm = FileManager.default
        for path in paths {
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw BatchUsageError("\(flag) \(path): no such file or folder")
            }
            guard isFolder.boolValue else { files.append(path); continue }
            let names: [String]
            do { names = try fm.contentsOfDirectory(atPath: path) } catch {
                throw BatchUsageError("\(flag) \(path): the folder cannot be read")
            }
            let images = names.filter { !$0.hasPrefix(".") && imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
            guard !images.isEmpty else { throw BatchUsageError("\(flag) \(path): the folder holds no image (\(imageExtensions.sorted().joined(separator: ", ")))") }
            files += images.sorted().map { (path as NSString).appendingPathComponent($0) }
        }
        return files
    }

    /// Every content with every style; outputs named `CONTENT-STYLE.FORMAT` after the files' stems.
    static func pairs(contents: [String], styles: [String], format: String) -> [BatchItem] {
        contents.flatMap { content in
            styles.map { style in
                let name = stem(content) + "-" + stem(style) + "." + format
                return BatchItem(content: content, style: style, output: name, origin: "\(content) with \(style)")
            }
        }
    }

    static func stem(_ path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// The rows of a manifest (CSV with a header naming `content`, `style`, `output` and any
    /// transfer option). - Throws: a one-line message for an unreadable file or a bad header or row.
    static func manifest(_ path: String) throws -> [BatchItem] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw BatchUsageError("--manifest \(path): cannot be read as UTF-8 text (\(FileReadProblem.describe(path)))")
        }
        let rows: [(line: Int, fields: [String])]
        do { rows = try CSVTable.rows(text) } catch { throw BatchUsageError("--manifest \(path): \(error)") }
        guard let header = rows.first else { throw BatchUsageError("--manifest \(path) is empty; it needs a header: content,style,output") }
        let names = header.fields.map(columnName)
        for needed in ["content", "style", "output"] where !names.contains(needed) {
            throw BatchUsageError("--manifest \(path): the header has no '\(needed)' column (it needs content,style,output)")
        }
        if let twice = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw BatchUsageError("--manifest \(path): the header names '\(twice)' twice")
        }
        let folder = (path as NSString).deletingLastPathComponent
        return try rows.dropFirst().map { row in
            try item(row.fields, names: names, folder: folder, origin: "--manifest \(path) line \(row.line)")
        }
    }

    /// One manifest row as an item: the file columns resolved against the manifest's folder,
    /// the other non-empty columns as settings.
    static func item(_ fields: [String], names: [String], folder: String, origin: String) throws -> BatchItem {
        guard fields.count == names.count else {
            throw BatchUsageError("\(origin): \(fields.count) fields, the header has \(names.count)")
        }
        var values: [String: String] = [:]
        var settings: [(name: String, value: String)] = []
        for (name, field) in zip(names, fields) {
            let value = field.trimmingCharacters(in: .whitespaces)
            values[name] = value
            if !["content", "style", "output"].contains(name), !value.isEmpty { settings.append((name, value)) }
        }
        var files: [String] = []
        for column in ["content", "style", "output"] {
            guard let value = values[column], !value.isEmpty else { throw BatchUsageError("\(origin): the '\(column)' column is empty") }
            let relative = column == "output" || value.hasPrefix("/") || folder.isEmpty
            files.append(relative ? value : (folder as NSString).appendingPathComponent(value))
        }
        return BatchItem(content: files[0], style: files[1], output: files[2], settings: settings, origin: origin)
    }

    /// A header's column as an option name: `Style_Weight`, `--style-weight` → `style-weight`.
    static func columnName(_ text: String) -> String {
        var name = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
        while name.hasPrefix("-") { name.removeFirst() }
        return name
    }
}

/// Why a file cannot be read, in a few words.
enum FileReadProblem {
    static func describe(_ path: String) -> String {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { return "no such file" }
        if isFolder.boolValue { return "it is a folder" }
        return FileManager.default.isReadableFile(atPath: path) ? "not UTF-8 text" : "permission denied"
    }
}

/// Bad usage of `pincel batch`, found before the weights load: one line, exit 64.
struct BatchUsageError: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = OneLine.sanitize(text) }
}
