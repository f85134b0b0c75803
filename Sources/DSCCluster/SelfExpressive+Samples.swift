import DSCTensor
import Foundation

/// The samples a self-expressive coder codes against one another: `[N, D]` Float rows in memory,
/// each scaled to unit L2 norm when asked (a zero row stays zero).
///
/// The coders need every sample as a dictionary atom, so the `N·D` floats are read once from the
/// source (block by block) and kept; nothing of size N² is ever held.
struct SelfExpressiveSamples: Sendable {
    let count: Int
    let dimension: Int
    /// `[count, dimension]` row-major.
    let data: [Float]
    /// The L2 norm of every row as read, before any scaling, `[count]`.
    let norms: [Double]

    /// Reads `source` (in blocks of `readBlock` rows), checks that every value is finite and
    /// scales rows to unit L2 norm when `normalize` is set.
    ///
    /// Throws ``ClusterError/emptyInput(samples:features:)`` for `N = 0` or `D = 0`,
    /// ``ClusterError/nonFiniteValue(row:)`` for a NaN or ±infinity, and whatever the source throws.
    static func load(_ source: any SampleSource, normalize: Bool, readBlock: Int = 4096) throws -> SelfExpressiveSamples
    {
        let n = source.rowCount
        let d = source.dimension
        if n < 1 || d < 1 { throw ClusterError.emptyInput(samples: n, features: d) }
        var data: [Float]
        if let memory = source as? ArraySamples {
            data = memory.values
        } else {
            data = [Float](repeating: 0, count: n * d)
            try data.withUnsafeMutableBufferPointer { buffer in
                for lo in stride(from: 0, to: n, by: readBlock) {
                    try source.readRows(lo..<min(n, lo + readBlock), into: buffer.baseAddress! + lo * d)
                }
            }
        }
        var norms = [Double](repeating: 0, count: n)
        try data.withUnsafeMutableBufferPointer { buffer in
            for i in 0..<n {
                let row = buffer.baseAddress! + i * d
                var s = 0.0
                for c in 0..<d {
                    let v = Double(row[c])
                    s += v * v
                }
                if !s.isFinite { throw ClusterError.nonFiniteValue(row: i) }
                norms[i] = s.squareRoot()
                if normalize && s > 0 {
                    let scale = 1 / norms[i]
                    for c in 0..<d { row[c] = Float(Double(row[c]) * scale) }
                }
            }
        }
        return SelfExpressiveSamples(count: n, dimension: d, data: data, norms: norms)
    }
}

/// Inner products of Float rows accumulated in Double (the small Gram matrices and the residuals of
/// the coders, where Float sums would lose the digits the KKT checks need).
@inline(__always)
func doubleDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Double {
    var s0 = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var s3 = 0.0
    var c = 0
    while c + 4 <= count {
        s0 += Double(a[c]) * Double(b[c])
        s1 += Double(a[c + 1]) * Double(b[c + 1])
        s2 += Double(a[c + 2]) * Double(b[c + 2])
        s3 += Double(a[c + 3]) * Double(b[c + 3])
        c += 4
    }
    while c < count {
        s0 += Double(a[c]) * Double(b[c])
        c += 1
    }
    return (s0 + s1) + (s2 + s3)
}

/// `Σ_c a[c]·b[c]` for a Float row `a` and a Double vector `b`.
@inline(__always)
func doubleDot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Double>, _ count: Int) -> Double {
    var s0 = 0.0
    var s1 = 0.0
    var c = 0
    while c + 2 <= count {
        s0 += Double(a[c]) * b[c]
        s1 += Double(a[c + 1]) * b[c + 1]
        c += 2
    }
    if c < count { s0 += Double(a[c]) * b[c] }
    return s0 + s1
}
