import PincelCore
import PincelWeights
import PincelImaging

/// Everything a transfer needs besides the weights: the photo, the paintings and the settings.
///
/// The images are sized by the library: the content to ``TransferOptions/size`` (longer side),
/// each style to `size · styleScale`; an ``InitialImage/image(_:)`` start to the content's size.
public struct TransferRequest: Sendable {
    /// The photo whose layout the result keeps.
    public var content: ImageSource
    /// The paintings whose style the result takes (at least one), blended by
    /// ``TransferOptions/styleBlend``.
    public var styles: [ImageSource]
    /// Every setting of the run.
    public var options: TransferOptions
    /// Style masks, style regions and the change mask (``SpatialControl``); empty by default.
    public var spatial = SpatialControl()

    /// A request; nothing is checked or loaded until ``StyleTransfer/init(_:weights:)``.
    public init(content: ImageSource, styles: [ImageSource], options: TransferOptions = TransferOptions()) {
        self.content = content
        self.styles = styles
        self.options = options
    }

    /// Checks the settings (``TransferOptions/validate(styleCount:)``) without loading anything.
    ///
    /// - Throws: ``TransferError/invalidSetting(_:_:)`` naming the first bad setting.
    public func validate() throws {
        try options.validate(styleCount: styles.count)
        try spatial.validate(styleCount: styles.count, styleBlend: options.styleBlend)
    }
}
