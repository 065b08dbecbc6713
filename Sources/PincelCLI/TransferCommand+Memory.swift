import ArgumentParser
import Pincel

extension TransferCommand {
    /// The memory check (``MemoryCheck``) from the image headers; an image that cannot be read
    /// is left to the run, which reports it.
    func checkMemory(_ options: TransferOptions) throws {
        guard let contentFile = try? ImageIO.imageInfo(content),
              let styleFiles = try? settings.style.map({ try ImageIO.imageInfo($0) }) else { return }
        try MemoryCheck.require(size: settings.size, sizes: OptionBounds.size) { side in
            var o = options
            o.size = side
            if side != settings.size { (o.scales, o.scaleIterations) = (1, nil) }  // the last scale decides the peak
            return try MemoryEstimate.transfer(contentFile: contentFile, styleFiles: styleFiles, options: o).total
                + MemoryEstimate.spatialBytes(pixels: side * side, styleMasks: max(spatial.styleMask.count, spatial.styleRegion.isEmpty ? 0 : settings.style.count),
                                              changeMask: spatial.mask != nil)
        }
    }
}
