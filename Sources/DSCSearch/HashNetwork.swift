import DSCNeighbors
import DSCTensor
import Foundation

/// A map from samples to binary codes: the code of a sample is the sign pattern of
/// ``project(_:)``, bit `j` set where column `j` is positive.
public protocol BinaryHash: Sendable {
    /// Floats per sample d.
    var dimension: Int { get }
    /// Bits per code.
    var bits: Int { get }
    /// The real-valued codes `[n, bits]` of `[n, dimension]` samples.
    func project(_ samples: [Float]) -> [Float]
}

extension BinaryHash {
    /// The codes of `[n, dimension]` samples.
    public func encode(_ samples: [Float]) -> BinaryCodes {
        BinaryCodes(signs: project(samples), bits: bits)
    }
}

extension BinaryEncoder: BinaryHash {}

/// The hash network LDPH learns (``LDPH``): the samples centred and projected on their top
/// `inputs` principal directions, each direction scaled to unit variance, then one hidden layer
/// of `tanh` units and a linear output of `bits` units whose signs are the code:
///
///     code(x) = sign( tanh( ((x − mean) · projection ⊙ scale) · w1 + b1 ) · w2 + b2 )
///
/// All matrices row-major: `projection` `[dimension, inputs]`, `w1` `[inputs, hidden]`,
/// `w2` `[hidden, bits]`.
public struct HashNetwork: BinaryHash, Equatable {
    public let dimension: Int
    public let bits: Int
    public let inputs: Int
    public let hidden: Int
    public let mean: [Float]
    public let projection: [Float]
    public let scale: [Float]
    public let w1: [Float]
    public let b1: [Float]
    public let w2: [Float]
    public let b2: [Float]

    /// - Precondition: the shapes above.
    public init(
        mean: [Float], projection: [Float], scale: [Float], w1: [Float], b1: [Float], w2: [Float], b2: [Float]
    ) {
        let d = mean.count
        let p = scale.count
        let h = b1.count
        let b = b2.count
        precondition(
            d >= 1 && p >= 1 && h >= 1 && b >= 1 && projection.count == d * p && w1.count == p * h
                && w2.count == h * b,
            "HashNetwork: mean \(d), projection \(projection.count), scale \(p), w1 \(w1.count), b1 \(h), w2 \(w2.count), b2 \(b)"
        )
        dimension = d
        inputs = p
        hidden = h
        bits = b
        self.mean = mean
        self.projection = projection
        self.scale = scale
        self.w1 = w1
        self.b1 = b1
        self.w2 = w2
        self.b2 = b2
    }

    /// The network's inputs `[n, inputs]`: centred, projected, scaled samples.
    public func inputs(of samples: [Float]) -> [Float] {
        let n = samples.count / dimension
        var centred = samples
        for i in 0..<n { for j in 0..<dimension { centred[i * dimension + j] -= mean[j] } }
        var v = [Float](repeating: 0, count: n * inputs)
        BLAS.sgemm(
            m: n, n: inputs, k: dimension, a: centred, lda: dimension, b: projection, ldb: inputs, c: &v,
            ldc: inputs)
        for i in 0..<n { for j in 0..<inputs { v[i * inputs + j] *= scale[j] } }
        return v
    }

    public func project(_ samples: [Float]) -> [Float] {
        precondition(
            samples.count % dimension == 0, "HashNetwork: \(samples.count) floats are not rows of \(dimension)")
        let n = samples.count / dimension
        let v = inputs(of: samples)
        var a = [Float](repeating: 0, count: n * hidden)
        BLAS.sgemm(m: n, n: hidden, k: inputs, a: v, lda: inputs, b: w1, ldb: hidden, c: &a, ldc: hidden)
        for i in 0..<n { for j in 0..<hidden { a[i * hidden + j] = tanh(a[i * hidden + j] + b1[j]) } }
        var out = [Float](repeating: 0, count: n * bits)
        BLAS.sgemm(m: n, n: bits, k: hidden, a: a, lda: hidden, b: w2, ldb: bits, c: &out, ldc: bits)
        for i in 0..<n { for j in 0..<bits { out[i * bits + j] += b2[j] } }
        return out
    }
}
