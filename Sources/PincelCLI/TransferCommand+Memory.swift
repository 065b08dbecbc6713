import ArgumentParser
import Pincel

extension TransferCommand {
    /// The memory check (``MemoryCheck``) from the image headers; an image that cannot be read
    /// is left to the run, which reports it.
    func checkMemory(_ options: TransferOptions) throws {
        guard let contentFile = try? ImageIO.imageInfo(content),
              let styleFiles = try? style.map({ try ImageIO.imageInfo($0) }) else { return }
        try MemoryCheck.require(size: size, sizes: OptionBounds.size) { side in
            var o = options
            o.size = side
            if side != size { (o.scales, o.scaleIterations) = (1, nil) }  // the last scale decides the peak
            return try MemoryEstimate.transfer(contentFile: contentFile, styleFiles: styleFiles, options: o).total
                + MemoryEstimate.spatialBytes(pixels: side * side, styleMasks: max(styleMask.count, styleRegion.isEmpty ? 0 : style.count),
                                              changeMask: mask != nil)
        }
    }
}
