import DSCNeighbors
import DSCTensor

/// The kinds of index `dsc index` builds.
public enum IndexKind: String, CaseIterable, Sendable, Codable {
    /// Float vectors, exact search by squared Euclidean distance.
    case flat
    /// Binary codes by random hyperplanes (LSH), exact Hamming search.
    case lsh
    /// Binary codes by PCA and iterative quantisation (ITQ), exact Hamming search.
    case itq
    /// Binary codes by a network trained on ITQ's codes under linear distance preservation
    /// (LDPH), exact Hamming search.
    case ldph
    /// Float vectors improved by collaborative index embedding (CIE) across the samples and a
    /// model's embeddings, exact search.
    case cie

    /// Whether the index holds binary codes.
    public var isBinary: Bool { self == .lsh || self == .itq || self == .ldph }
}

/// The `k` nearest database rows of every query: `[Q, k]` row-major ids (database rows, best
/// first; ties broken by the smaller row; `-1` pads a query when the database holds fewer than
/// `k` rows) and their distances.
public struct SearchResults: Sendable, Equatable {
    /// How the distances are measured.
    public enum Distances: Sendable, Equatable {
        /// Hamming distances between binary codes, `[Q, k]` (`-1` with the padding).
        case hamming([Int32])
        /// Squared Euclidean distances between float vectors, `[Q, k]` (NaN with the padding).
        case squaredEuclidean([Float])
    }

    /// Number of queries Q.
    public let queries: Int
    /// Results per query k.
    public let k: Int
    /// Database rows, `[Q, k]`.
    public var ids: [Int64]
    public var distances: Distances

    public init(queries: Int, k: Int, ids: [Int64], distances: Distances) {
        self.queries = queries
        self.k = k
        self.ids = ids
        self.distances = distances
    }
}

/// An index in the manner of faiss: built (trained) once from database samples, then ``add(_:)``,
/// ``search(_:k:)``, saved to and loaded from an HDF5 file (``IndexFile``).
public protocol SearchIndex: Sendable {
    /// What the index holds.
    var kind: IndexKind { get }
    /// Floats per sample d (images flattened).
    var dimension: Int { get }
    /// Samples added.
    var count: Int { get }
    /// Appends `[n, dimension]` samples as database rows `count..<count + n`.
    mutating func add(_ samples: [Float])
    /// The `k` nearest database rows of every row of `queries` (`[Q, dimension]`).
    func search(_ queries: [Float], k: Int) -> SearchResults
    /// Distances from each of `queries` to every database row, `[Q, N]` row-major, as ``search(_:k:)``
    /// ranks them (Hamming distances as Float for codes): the full rankings retrieval metrics need.
    func allDistances(_ queries: [Float]) -> [Float]
}

/// Float vectors searched exactly by squared Euclidean distance (sgemm over row blocks,
/// DSCNeighbors' ``ExactSearch``). Memory `4 · d` bytes per sample.
public struct FlatIndex: SearchIndex {
    /// ``IndexKind/flat``, or ``IndexKind/cie`` for vectors that collaborative index embedding
    /// improved.
    public let kind: IndexKind
    public let dimension: Int
    /// The database vectors, `[count, dimension]`.
    public private(set) var vectors: [Float] = []
    /// `‖v‖²` of every vector, kept as vectors are added (for ``allDistances(_:)``).
    private var squaredNorms: [Float] = []
    public var count: Int { vectors.count / dimension }

    public init(dimension: Int, kind: IndexKind = .flat) {
        precondition(dimension >= 1 && !kind.isBinary, "FlatIndex: dimension \(dimension), kind \(kind)")
        self.dimension = dimension
        self.kind = kind
    }

    public mutating func add(_ samples: [Float]) {
        precondition(
            samples.count % dimension == 0, "FlatIndex.add: \(samples.count) floats are not rows of \(dimension)")
        vectors += samples
        let d = dimension
        squaredNorms += (0..<(samples.count / d)).map { j in
            (0..<d).reduce(Float(0)) { $0 + samples[j * d + $1] * samples[j * d + $1] }
        }
    }

    public func search(_ queries: [Float], k: Int) -> SearchResults {
        precondition(
            queries.count % dimension == 0, "FlatIndex.search: \(queries.count) floats are not rows of \(dimension)")
        let q = queries.count / dimension
        guard count > 0 else {
            return SearchResults(
                queries: q, k: k, ids: .init(repeating: -1, count: q * k),
                distances: .squaredEuclidean(.init(repeating: .nan, count: q * k)))
        }
        let found = ExactSearch(k: k, metric: .euclidean).search(
            queries: queries, database: vectors, dimension: dimension)
        return SearchResults(
            queries: q, k: k, ids: found.ids.map(Int64.init), distances: .squaredEuclidean(found.scores))
    }

    public func allDistances(_ queries: [Float]) -> [Float] {
        let q = queries.count / dimension
        let n = count
        let d = dimension
        var gram = [Float](repeating: 0, count: q * n)
        BLAS.sgemm(transposeB: true, m: q, n: n, k: d, a: queries, lda: d, b: vectors, ldb: d, c: &gram, ldc: n)
        for i in 0..<q {
            let qn = (0..<d).reduce(Float(0)) { $0 + queries[i * d + $1] * queries[i * d + $1] }
            for j in 0..<n { gram[i * n + j] = max(0, qn + squaredNorms[j] - 2 * gram[i * n + j]) }
        }
        return gram
    }
}

/// Binary codes of a hash (``BinaryEncoder`` for LSH and ITQ, ``HashNetwork`` for LDPH),
/// searched exactly by Hamming distance (DSCNeighbors' ``HammingSearch``). Memory
/// ``BinaryCodes/stride(bits:)`` bytes per sample: `bits / 8` for 8, 16, 32 and multiples of 64.
public struct BinaryIndex: SearchIndex {
    public let kind: IndexKind
    public let encoder: any BinaryHash
    /// The database codes.
    public private(set) var codes: BinaryCodes
    public var dimension: Int { encoder.dimension }
    public var bits: Int { encoder.bits }
    public var count: Int { codes.count }

    /// An empty index of `kind` (``IndexKind/lsh``, ``IndexKind/itq`` or ``IndexKind/ldph``) with a
    /// trained encoder.
    public init(kind: IndexKind, encoder: any BinaryHash, codes: BinaryCodes? = nil) {
        precondition(kind.isBinary, "BinaryIndex: kind \(kind) holds no codes")
        self.kind = kind
        self.encoder = encoder
        self.codes = codes ?? BinaryCodes(count: 0, bits: encoder.bits, storage: [])
    }

    /// An index of `kind` whose encoder is trained on `samples` (`[n, dimension]`): random
    /// hyperplanes through their mean (LSH), PCA and 50 ITQ iterations (ITQ), or LDPH's network
    /// with its default settings. Nothing is added.
    ///
    /// - Precondition: `kind.isBinary`, `bits ≥ 1`, and `bits ≤ dimension` for ITQ.
    /// - Throws: a LAPACK error when ITQ's decompositions fail.
    public static func train(
        _ kind: IndexKind, bits: Int, samples: [Float], dimension: Int, seed: UInt64
    ) throws
        -> BinaryIndex
    {
        switch kind {
        case .lsh:
            return BinaryIndex(
                kind: kind, encoder: BinaryEncoder.lsh(training: samples, dimension: dimension, bits: bits, seed: seed))
        case .itq:
            return BinaryIndex(
                kind: kind,
                encoder: try BinaryEncoder.itq(training: samples, dimension: dimension, bits: bits, seed: seed))
        case .ldph:
            return BinaryIndex(kind: kind, encoder: try LDPH(bits: bits, seed: seed).fit(samples, dimension: dimension))
        case .flat, .cie:
            preconditionFailure("BinaryIndex.train: a \(kind) index has no encoder")
        }
    }

    public mutating func add(_ samples: [Float]) {
        codes.append(encoder.encode(samples))
    }

    public func search(_ queries: [Float], k: Int) -> SearchResults {
        let encoded = encoder.encode(queries)
        let (ids, distances) = HammingSearch(k: k).search(encoded, in: codes)
        return SearchResults(queries: encoded.count, k: k, ids: ids, distances: .hamming(distances))
    }

    public func allDistances(_ queries: [Float]) -> [Float] {
        let encoded = encoder.encode(queries)
        return (0..<encoded.count).flatMap { i in
            HammingSearch.distances(from: i, of: encoded, to: codes).map(Float.init)
        }
    }
}
