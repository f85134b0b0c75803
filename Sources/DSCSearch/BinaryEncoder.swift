import DSCNeighbors
import DSCTensor

/// A linear hash: the code of a sample `x` (`dimension` floats) is the sign pattern of
/// `(x − mean) · projection · rotation`, one bit per column (1 where positive).
///
/// - LSH (random hyperplanes; Charikar 2002): `mean` the training samples' mean, `projection`
///   Gaussian `[dimension, bits]`, `rotation` the identity.
/// - PCA-ITQ (Gong & Lazebnik, CVPR 2011): `projection` the top `bits` principal directions of
///   the training samples, `rotation` the orthogonal matrix that iterative quantisation learns.
public struct BinaryEncoder: Sendable, Equatable {
    /// Floats per sample d.
    public let dimension: Int
    /// Bits per code.
    public let bits: Int
    /// Subtracted from every sample, `[dimension]`.
    public let mean: [Float]
    /// `[dimension, bits]` row-major.
    public let projection: [Float]
    /// `[bits, bits]` row-major, orthogonal.
    public let rotation: [Float]

    /// - Precondition: the shapes above.
    public init(mean: [Float], projection: [Float], rotation: [Float], bits: Int) {
        let d = mean.count
        precondition(
            bits >= 1 && d >= 1 && projection.count == d * bits && rotation.count == bits * bits,
            "BinaryEncoder: mean \(d), projection \(projection.count), rotation \(rotation.count), bits \(bits)")
        self.dimension = d
        self.bits = bits
        self.mean = mean
        self.projection = projection
        self.rotation = rotation
    }

    /// `(x − mean) · projection · rotation` for `[n, dimension]` samples: `[n, bits]`.
    public func project(_ samples: [Float]) -> [Float] {
        precondition(
            samples.count % dimension == 0, "BinaryEncoder: \(samples.count) floats are not rows of \(dimension)")
        let n = samples.count / dimension
        var centred = samples
        for i in 0..<n { for j in 0..<dimension { centred[i * dimension + j] -= mean[j] } }
        var projected = [Float](repeating: 0, count: n * bits)
        BLAS.sgemm(
            m: n, n: bits, k: dimension, a: centred, lda: dimension, b: projection, ldb: bits,
            c: &projected, ldc: bits)
        var rotated = [Float](repeating: 0, count: n * bits)
        BLAS.sgemm(m: n, n: bits, k: bits, a: projected, lda: bits, b: rotation, ldb: bits, c: &rotated, ldc: bits)
        return rotated
    }

    /// The codes of `[n, dimension]` samples.
    public func encode(_ samples: [Float]) -> BinaryCodes {
        BinaryCodes(signs: project(samples), bits: bits)
    }

    /// The identity `[n, n]`.
    static func identity(_ n: Int) -> [Float] { (0..<(n * n)).map { $0 / n == $0 % n ? 1 : 0 } }

    /// Column means of `[n, d]` samples, in Double.
    static func mean(of samples: [Float], dimension d: Int) -> [Float] {
        let n = samples.count / d
        var sums = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { sums[j] += Double(samples[i * d + j]) } }
        return sums.map { Float($0 / Double(max(n, 1))) }
    }

    /// LSH by random hyperplanes: Gaussian directions from `seed`, through the samples' mean.
    public static func lsh(training samples: [Float], dimension d: Int, bits: Int, seed: UInt64) -> BinaryEncoder {
        var g = SeededGenerator(seed: seed)
        let projection = (0..<(d * bits)).map { _ in Float(g.nextGaussian()) }
        return BinaryEncoder(
            mean: mean(of: samples, dimension: d), projection: projection, rotation: identity(bits),
            bits: bits)
    }

    /// The mean of `[n, d]` samples and their top `count` principal directions, `[d, count]`
    /// row-major, largest variance first (eigenvectors of `XᵀX` for the centred samples).
    ///
    /// - Throws: a LAPACK error when the eigendecomposition fails.
    public static func principalDirections(
        of samples: [Float], dimension d: Int, count: Int
    ) throws -> (mean: [Float], directions: [Float]) {
        precondition(count >= 1 && count <= d, "principalDirections: count=\(count) for dimension \(d)")
        let n = samples.count / d
        let mu = mean(of: samples, dimension: d)
        var centred = samples
        for i in 0..<n { for j in 0..<d { centred[i * d + j] -= mu[j] } }
        var covariance = [Float](repeating: 0, count: d * d)
        BLAS.sgemm(transposeA: true, m: d, n: d, k: n, a: centred, lda: d, b: centred, ldb: d, c: &covariance, ldc: d)
        let eigen = try LAPACK.symmetricEigen(covariance.map(Double.init), n: d, indices: (d - count)...(d - 1))
        var pca = [Float](repeating: 0, count: d * count)
        for r in 0..<d { for c in 0..<count { pca[r * count + c] = Float(eigen.vectors[r * count + (count - 1 - c)]) } }
        return (mu, pca)
    }

    /// PCA then iterative quantisation: the top `bits` principal directions of the training
    /// samples (`bits ≤ d`), then `iterations` alternations of `B = sign(V R)` and the orthogonal
    /// Procrustes step `R = U Wᵀ` for the SVD `Vᵀ B = U Σ Wᵀ`, from a random orthogonal `R` (seed).
    ///
    /// - Throws: a LAPACK error when an eigen- or singular value decomposition fails.
    public static func itq(
        training samples: [Float], dimension d: Int, bits: Int, iterations: Int = 50,
        seed: UInt64
    ) throws -> BinaryEncoder {
        precondition(bits <= d, "itq: bits=\(bits) must not exceed the dimension \(d)")
        let n = samples.count / d
        let (mu, pca) = try principalDirections(of: samples, dimension: d, count: bits)
        var centred = samples
        for i in 0..<n { for j in 0..<d { centred[i * d + j] -= mu[j] } }
        var v = [Float](repeating: 0, count: n * bits)
        BLAS.sgemm(m: n, n: bits, k: d, a: centred, lda: d, b: pca, ldb: bits, c: &v, ldc: bits)
        // A random orthogonal start: the left singular vectors of a Gaussian matrix.
        var g = SeededGenerator(seed: seed)
        var rotation = try LAPACK.svd(
            (0..<(bits * bits)).map { _ in Float(g.nextGaussian()) }, rows: bits, columns: bits
        ).u
        var vr = [Float](repeating: 0, count: n * bits)
        var b = [Float](repeating: 0, count: n * bits)
        var m = [Float](repeating: 0, count: bits * bits)
        for _ in 0..<iterations {
            BLAS.sgemm(m: n, n: bits, k: bits, a: v, lda: bits, b: rotation, ldb: bits, c: &vr, ldc: bits)
            for i in 0..<(n * bits) { b[i] = vr[i] > 0 ? 1 : -1 }
            BLAS.sgemm(transposeA: true, m: bits, n: bits, k: n, a: v, lda: bits, b: b, ldb: bits, c: &m, ldc: bits)
            let (u, _, wt) = try LAPACK.svd(m, rows: bits, columns: bits)
            BLAS.sgemm(m: bits, n: bits, k: bits, a: u, lda: bits, b: wt, ldb: bits, c: &rotation, ldc: bits)
        }
        return BinaryEncoder(mean: mu, projection: pca, rotation: rotation, bits: bits)
    }
}
