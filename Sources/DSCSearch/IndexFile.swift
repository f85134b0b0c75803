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

    public var errorDescription: String? {
        switch self {
        case .notAnIndex(let file, let reason):
            return "\(file): not an index written by dsc index (\(reason))"
        case .unsupportedVersion(let file, let version, let supported):
            return "\(file): index format version \(version); this dsc reads version \(supported)"
        case .shapeMismatch(let file, let dataset, let shape, let expected, let index):
            return
                "\(file): dataset \"\(dataset)\" holds samples of shape \(shape), but \(index) indexes samples of shape \(expected)"
        }
    }
}

/// What an index file holds besides the index: the shape of one sample (so queries can be checked
/// before they are flattened), the database's labels, the seed.
public struct IndexMetadata: Sendable, Equatable {
    /// Shape of one database sample, e.g. `[784]` or `[28, 28]`.
    public var sampleShape: [Int]
    /// The database's labels `[N]`, when its file had them.
    public var labels: [Int]?
    /// The seed behind the encoder's random choices.
    public var seed: UInt64

    public init(sampleShape: [Int], labels: [Int]? = nil, seed: UInt64 = 0) {
        self.sampleShape = sampleShape
        self.labels = labels
        self.seed = seed
    }
}

/// The HDF5 layout of an index file (version 1), readable with h5py:
///
///     attributes on /   format = "DeepSubspace index", version = 1, kind (flat, lsh, itq),
///                       dimension, count, bits (codes), seed, sample_shape ("28,28"),
///                       bit_order (codes: "bit j of a code is bit j % 64 of word j / 64")
///     vectors           float32 [N, d]          (flat)
///     codes             uint64 [N, ⌈bits/64⌉]    (lsh, itq)
///     encoder/mean      float32 [d]             (lsh, itq)
///     encoder/projection float32 [d, bits]
///     encoder/rotation  float32 [bits, bits]    codes = sign((x − mean) · projection · rotation)
///     labels            int64 [N]               (when the database had labels)
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
            if let flat = index as? FlatIndex {
                try out.write(flat.vectors, shape: [flat.count, flat.dimension], to: "vectors")
            } else if let binary = index as? BinaryIndex {
                try out.setAttribute("bits", binary.bits)
                try out.setAttribute("bit_order", "bit j of a code is bit j % 64 of word j / 64")
                try out.write(binary.codes.storage, shape: [binary.count, binary.codes.words], to: "codes")
                let e = binary.encoder
                try out.write(e.mean, shape: [e.dimension], to: "encoder/mean")
                try out.write(e.projection, shape: [e.dimension, e.bits], to: "encoder/projection")
                try out.write(e.rotation, shape: [e.bits, e.bits], to: "encoder/rotation")
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
        var metadata = IndexMetadata(sampleShape: shape.reduce(1, *) == d ? shape : [d], seed: seed)
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
        case .flat:
            var flat = FlatIndex(dimension: d)
            flat.add(try array("vectors", [n, d]))
            return (flat, metadata)
        case .lsh, .itq:
            guard let bits = try? reader.attribute("bits").intValue, bits >= 1 else { throw bad("no bits") }
            let encoder = BinaryEncoder(
                mean: try array("encoder/mean", [d]),
                projection: try array("encoder/projection", [d, bits]),
                rotation: try array("encoder/rotation", [bits, bits]), bits: bits)
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
