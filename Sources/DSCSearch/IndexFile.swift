import DSCIO
import DSCNeighbors
import Foundation

/// A file that cannot be read as an index, or queries that do not fit one.
public enum SearchError: Error, LocalizedError, Equatable, Sendable {
    /// The file is HDF5 but not an index written by `dsc index` (a data file, say), or lacks part of one.
    case notAnIndex(file: String, reason: String)
    /// An index of a format version this build does not read.
    case unsupportedVersion(file: String, version: Int, supported: Int)
    /// Queries whose samples do not have the index's shape.
    case shapeMismatch(file: String, dataset: String, shape: [Int], expected: [Int], index: String)
    /// The model an index was built with is missing, or has changed since.
    case modelUnavailable(index: String, model: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .notAnIndex(let file, let reason):
            return "\(file): not an index written by dsc index (\(reason))"
        case .unsupportedVersion(let file, let version, let supported):
            return "\(file): index format version \(version); this dsc reads version \(supported)"
        case .shapeMismatch(let file, let dataset, let shape, let expected, let index):
            return
                "\(file): dataset \"\(dataset)\" holds samples of shape \(shape), but \(index) indexes samples of shape \(expected)"
        case .modelUnavailable(let index, let model, let reason):
            return "\(index): the model it was built with, \(model), \(reason)"
        }
    }
}

/// The model whose embeddings an index holds (`dsc index --model`): queries are embedded by the
/// same file, which must not have changed since.
public struct ModelReference: Sendable, Equatable {
    /// The model file, as an absolute path.
    public var path: String
    /// The model's fingerprint when the index was built (a hash of its weights).
    public var fingerprint: String
    /// Which representation: `embedding` or `features`.
    public var layer: String

    public init(path: String, fingerprint: String, layer: String) {
        self.path = path
        self.fingerprint = fingerprint
        self.layer = layer
    }
}

/// What an index file holds besides the index: the shape of one sample (so queries can be checked
/// before they are flattened), the database's labels, the seed, and the model that embeds samples.
public struct IndexMetadata: Sendable, Equatable {
    /// Shape of one database sample as its file holds it, e.g. `[784]` or `[28, 28]`.
    public var sampleShape: [Int]
    /// The database's labels `[N]`, when its file had them.
    public var labels: [Int]?
    /// The seed behind the encoder's random choices.
    public var seed: UInt64
    /// The model whose embeddings are indexed; nil when the samples themselves are.
    public var model: ModelReference?
    /// The database's sample dataset: the default dataset of the queries.
    public var featuresDataset: String?

    public init(
        sampleShape: [Int], labels: [Int]? = nil, seed: UInt64 = 0, model: ModelReference? = nil,
        featuresDataset: String? = nil
    ) {
        self.sampleShape = sampleShape
        self.labels = labels
        self.seed = seed
        self.model = model
        self.featuresDataset = featuresDataset
    }
}

/// The HDF5 layout of an index file (version 1), readable with h5py:
///
///     attributes on /   format = "DeepSubspace index", version = 1, kind (flat, lsh, itq, ldph, cie),
///                       dimension, count, bits (codes), seed, sample_shape ("28,28"),
///                       bit_order (codes: "bit j of a code is bit j % 64 of word j / 64")
///     vectors           float32 [N, d]          (flat, cie)
///     codes             uint64 [N, ⌈bits/64⌉]    (lsh, itq, ldph)
///     encoder/mean      float32 [d]             (lsh, itq, ldph)
///     encoder/projection float32 [d, bits]      (lsh, itq; ldph: [d, p])
///     encoder/rotation  float32 [bits, bits]    codes = sign((x − mean) · projection · rotation)
///     encoder/scale, w1, b1, w2, b2             (ldph: HashNetwork's layers)
///     labels            int64 [N]               (when the database had labels)
///     attributes        model, model_fingerprint, layer (built with --model: the vectors or
///                       codes are of the model's embeddings), features_dataset
///
/// Written atomically (a temporary file renamed into place): a failed write leaves nothing.
public enum IndexFile {
    public static let format = "DeepSubspace index"
    public static let version = 1

    /// Writes `index` and `metadata` to `path`.
    public static func write(_ index: any SearchIndex, metadata: IndexMetadata, to path: String) throws {
        try HDF5Writer.writeFile(path) { out in
            try out.setAttribute("format", format)
            try out.setAttribute("version", version)
            try out.setAttribute("kind", index.kind.rawValue)
            try out.setAttribute("dimension", index.dimension)
            try out.setAttribute("count", index.count)
            try out.setAttribute("seed", String(metadata.seed))
            try out.setAttribute("sample_shape", metadata.sampleShape.map(String.init).joined(separator: ","))
            if let dataset = metadata.featuresDataset { try out.setAttribute("features_dataset", dataset) }
            if let model = metadata.model {
                try out.setAttribute("model", model.path)
                try out.setAttribute("model_fingerprint", model.fingerprint)
                try out.setAttribute("layer", model.layer)
            }
            if let flat = index as? FlatIndex {
                try out.write(flat.vectors, shape: [flat.count, flat.dimension], to: "vectors")
            } else if let binary = index as? BinaryIndex {
                try out.setAttribute("bits", binary.bits)
                try out.setAttribute("bit_order", "bit j of a code is bit j % 64 of word j / 64")
                try out.write(binary.codes.storage, shape: [binary.count, binary.codes.words], to: "codes")
                if let e = binary.encoder as? BinaryEncoder {
                    try out.write(e.mean, shape: [e.dimension], to: "encoder/mean")
                    try out.write(e.projection, shape: [e.dimension, e.bits], to: "encoder/projection")
                    try out.write(e.rotation, shape: [e.bits, e.bits], to: "encoder/rotation")
                } else if let e = binary.encoder as? HashNetwork {
                    try out.write(e.mean, shape: [e.dimension], to: "encoder/mean")
                    try out.write(e.projection, shape: [e.dimension, e.inputs], to: "encoder/projection")
                    try out.write(e.scale, shape: [e.inputs], to: "encoder/scale")
                    try out.write(e.w1, shape: [e.inputs, e.hidden], to: "encoder/w1")
                    try out.write(e.b1, shape: [e.hidden], to: "encoder/b1")
                    try out.write(e.w2, shape: [e.hidden, e.bits], to: "encoder/w2")
                    try out.write(e.b2, shape: [e.bits], to: "encoder/b2")
                }
            }
            if let labels = metadata.labels { try out.write(labels, to: "labels") }
        }
    }

    /// Reads an index file. Throws ``SearchError`` for a file that is not an index (or is
    /// incomplete, or of another version), and `HDF5Error` for one that is not HDF5 or is damaged.
    public static func read(_ path: String) throws -> (index: any SearchIndex, metadata: IndexMetadata) {
        let reader = try HDF5Reader(path: path)
        func bad(_ reason: String) -> SearchError { .notAnIndex(file: path, reason: reason) }
        guard (try? reader.stringAttribute("format")) == format else { throw bad("no format attribute \"\(format)\"") }
        guard let version = try? reader.attribute("version").intValue else { throw bad("no version") }
        guard version == Self.version else {
            throw SearchError.unsupportedVersion(file: path, version: version, supported: Self.version)
        }
        guard let kindName = try? reader.stringAttribute("kind"), let kind = IndexKind(rawValue: kindName) else {
            throw bad("unknown kind")
        }
        guard let d = try? reader.attribute("dimension").intValue, d >= 1,
            let n = try? reader.attribute("count").intValue, n >= 0
        else { throw bad("no dimension or count") }
        let shape = ((try? reader.stringAttribute("sample_shape")) ?? "\(d)").split(separator: ",").compactMap {
            Int($0)
        }
        let seed = UInt64((try? reader.stringAttribute("seed")) ?? "0") ?? 0
        var model: ModelReference?
        if let path = try? reader.stringAttribute("model") {
            guard let fingerprint = try? reader.stringAttribute("model_fingerprint"),
                let layer = try? reader.stringAttribute("layer")
            else { throw bad("a model without its fingerprint or layer") }
            model = ModelReference(path: path, fingerprint: fingerprint, layer: layer)
        }
        // Without a model the vectors are the samples flattened; with one, any shape it reads.
        var metadata = IndexMetadata(
            sampleShape: model != nil || shape.reduce(1, *) == d ? shape : [d], seed: seed, model: model,
            featuresDataset: try? reader.stringAttribute("features_dataset"))
        if reader.contains("labels") {
            metadata.labels = try reader.readLabels("labels")
            if metadata.labels?.count != n { throw bad("labels of another length than the \(n) rows") }
        }
        func array(_ name: String, _ expected: [Int]) throws -> [Float] {
            guard reader.contains(name) else { throw bad("no \(name)") }
            let (s, values) = try reader.readArray(name)
            guard s == expected else { throw bad("\(name) of shape \(s), expected \(expected)") }
            return values
        }
        switch kind {
        case .flat, .cie:
            var flat = FlatIndex(dimension: d, kind: kind)
            flat.add(try array("vectors", [n, d]))
            return (flat, metadata)
        case .lsh, .itq, .ldph:
            guard let bits = try? reader.attribute("bits").intValue, bits >= 1 else { throw bad("no bits") }
            let encoder: any BinaryHash
            if kind == .ldph {
                guard reader.contains("encoder/w1") else { throw bad("no encoder/w1") }
                let shape = try reader.shape(of: "encoder/w1")
                guard shape.count == 2 else { throw bad("encoder/w1 of shape \(shape)") }
                let (p, h) = (shape[0], shape[1])
                encoder = HashNetwork(
                    mean: try array("encoder/mean", [d]), projection: try array("encoder/projection", [d, p]),
                    scale: try array("encoder/scale", [p]), w1: try array("encoder/w1", [p, h]),
                    b1: try array("encoder/b1", [h]), w2: try array("encoder/w2", [h, bits]),
                    b2: try array("encoder/b2", [bits]))
            } else {
                encoder = BinaryEncoder(
                    mean: try array("encoder/mean", [d]),
                    projection: try array("encoder/projection", [d, bits]),
                    rotation: try array("encoder/rotation", [bits, bits]), bits: bits)
            }
            guard reader.contains("codes") else { throw bad("no codes") }
            let (s, words) = try reader.readWords("codes")
            let perCode = (bits + 63) / 64
            guard s == [n, perCode] else { throw bad("codes of shape \(s), expected [\(n), \(perCode)]") }
            let unused = bits % 64 == 0 ? 0 : ~UInt64(0) << UInt64(bits % 64)
            if unused != 0, (0..<n).contains(where: { words[$0 * perCode + perCode - 1] & unused != 0 }) {
                throw bad("codes with bits set beyond bit \(bits)")
            }
            return (
                BinaryIndex(kind: kind, encoder: encoder, codes: BinaryCodes(count: n, bits: bits, storage: words)),
                metadata
            )
        }
    }
}
