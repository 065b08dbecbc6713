/// The page's files (Assets/studio.html, .css, .js), compiled into the binary by SwiftPM
/// (`.embedInCode` in Package.swift), so the page works offline from any folder.
enum StudioPage {
    /// `studio.html`.
    static let html = String(decoding: PackageResources.studio_html, as: UTF8.self)
    /// `studio.css`.
    static let css = String(decoding: PackageResources.studio_css, as: UTF8.self)
    /// `studio.js`.
    static let script = String(decoding: PackageResources.studio_js, as: UTF8.self)
}
