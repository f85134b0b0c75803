import DSCNN
import DSCTensor

/// A ``SampleSource`` whose values are mapped by `x ← (x − shift) · scale` as they are read: the
/// model's input standardisation, applied before augmentation.
public struct StandardizedSamples: SampleSource {
    public let base: any SampleSource
    public let shift: Float
    public let scale: Float

    public init(_ base: any SampleSource, shift: Float, scale: Float) {
        self.base = base
        self.shift = shift
        self.scale = scale
    }

    public var count: Int { base.count }
    public var sampleShape: [Int] { base.sampleShape }
    public var labels: [Int]? { base.labels }
    public var shuffleBlocks: ShuffleBlocks? { base.shuffleBlocks }

    public func read(_ indices: [Int], into buffer: UnsafeMutableBufferPointer<Float>) throws {
        try base.read(indices, into: buffer)
        for i in 0..<buffer.count { buffer[i] = (buffer[i] - shift) * scale }
    }

    /// The standardisation for these samples, estimated from up to `limit` evenly spaced
    /// samples: images are divided by their largest absolute value (so pixels land in about
    /// [0, 1], where the image augmentations expect them); feature vectors get mean 0 and
    /// standard deviation 1 over all their values.
    public static func estimate(
        _ source: any SampleSource, images: Bool, limit: Int = 4096
    ) throws -> (shift: Float, scale: Float) {
        let n = source.count
        let d = source.sampleSize
        let picked = Array(stride(from: 0, to: n, by: max(1, n / max(1, limit))))
        var values = [Float](repeating: 0, count: picked.count * d)
        try values.withUnsafeMutableBufferPointer { try source.read(picked, into: $0) }
        if images {
            let top = values.reduce(0) { max($0, Swift.abs($1)) }
            return (0, top > 0 ? 1 / top : 1)
        }
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(max(1, values.count))
        let variance =
            values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(max(1, values.count))
        return (Float(mean), variance > 0 ? Float(1 / variance.squareRoot()) : 1)
    }
}
