import Pincel
import PincelCore
import PincelImaging
import Foundation

extension VideoWorkFolder {
    // MARK: Flow files (Middlebury .flo: "PIEH", width, height, then dx, dy interleaved;
    // here two fields back to back: backward (t → t−1), then forward (t−1 → t)).

    func saveFlows(_ backward: FlowField, _ forward: FlowField, index: Int, offset: Int = 1) throws {
        var data = Data()
        for field in [backward, forward] {
            data.append(contentsOf: Array("PIEH".utf8))
            for v in [Int32(field.width), Int32(field.height)] { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
            var interleaved = [Float](repeating: 0, count: 2 * field.dx.count)
            for i in 0..<field.dx.count { interleaved[2 * i] = field.dx[i]; interleaved[2 * i + 1] = field.dy[i] }
            interleaved.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        try write(data, to: flow(index, offset: offset))
    }

    /// The two flows of frame `index`, or `nil` when the file is missing or does not hold two
    /// `width` x `height` fields (then they are computed again).
    func loadFlows(index: Int, offset: Int = 1, width: Int, height: Int) -> (backward: FlowField, forward: FlowField)? {
        guard let data = FileManager.default.contents(atPath: flow(index, offset: offset)) else { return nil }
        let fieldBytes = 12 + 8 * width * height
        guard data.count == 2 * fieldBytes else { return nil }
        var fields: [FlowField] = []
        for k in 0..<2 {
            let start = k * fieldBytes
            guard data[start..<(start + 4)] == Data("PIEH".utf8) else { return nil }
            let header = data[(start + 4)..<(start + 12)].withUnsafeBytes { raw in
                (Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 0, as: Int32.self)),
                 Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: Int32.self)))
            }
            guard header.0 == width, header.1 == height else { return nil }
            var dx = [Float](repeating: 0, count: width * height), dy = dx
            data[(start + 12)..<(start + fieldBytes)].withUnsafeBytes { raw in
                for i in 0..<(width * height) {
                    dx[i] = raw.loadUnaligned(fromByteOffset: 8 * i, as: Float.self)
                    dy[i] = raw.loadUnaligned(fromByteOffset: 8 * i + 4, as: Float.self)
                }
            }
            guard dx.allSatisfy(\.isFinite), dy.allSatisfy(\.isFinite),
                  let field = try? FlowField(width: width, height: height, dx: dx, dy: dy) else { return nil }
            fields.append(field)
        }
        return (fields[0], fields[1])
    }
}
