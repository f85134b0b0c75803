/// Binary codes of `count` samples, `bits` bits each, packed in 64-bit words.
///
/// Bit order: bit `j` of a code (`0 ≤ j < bits`) is bit `j % 64` (value `1 << (j % 64)`) of
/// word `j / 64`; a code takes `words = ⌈bits / 64⌉` words, and the unused high bits of its last
/// word are 0. Stored row-major `[count, words]`, so h5py reads an index file's `codes` as a
/// `uint64` array of that shape and `np.unpackbits(codes.view(np.uint8), bitorder="little")`
/// gives the bits in order. Memory: `8 · words` bytes per sample (`bits / 8` when `bits` is a
/// multiple of 64).
public struct BinaryCodes: Sendable, Equatable {
    /// Number of codes N.
    public let count: Int
    /// Bits per code.
    public let bits: Int
    /// Words per code, `⌈bits / 64⌉`.
    public var words: Int { (bits + 63) / 64 }
    /// The packed words, `[count, words]` row-major.
    public private(set) var storage: [UInt64]

    /// Codes from packed words.
    ///
    /// - Precondition: `bits ≥ 1`, `storage.count == count · ⌈bits / 64⌉`, unused bits zero.
    public init(count: Int, bits: Int, storage: [UInt64]) {
        precondition(bits >= 1 && count >= 0, "BinaryCodes: bits=\(bits) count=\(count)")
        precondition(
            storage.count == count * ((bits + 63) / 64),
            "BinaryCodes: \(storage.count) words for \(count) codes of \(bits) bits")
        self.count = count
        self.bits = bits
        self.storage = storage
    }

    /// The signs of `values` (`[count, bits]` row-major) as codes: bit `j` is 1 where the value
    /// is positive (> 0), 0 otherwise.
    public init(signs values: [Float], bits: Int) {
        precondition(
            bits >= 1 && values.count % bits == 0, "BinaryCodes: \(values.count) values are not rows of \(bits)")
        let n = values.count / bits
        let w = (bits + 63) / 64
        var storage = [UInt64](repeating: 0, count: n * w)
        for i in 0..<n {
            for j in 0..<bits where values[i * bits + j] > 0 {
                storage[i * w + j / 64] |= 1 << UInt64(j % 64)
            }
        }
        self.init(count: n, bits: bits, storage: storage)
    }

    /// Bit `j` of code `i`.
    public func bit(_ i: Int, _ j: Int) -> Bool {
        storage[i * words + j / 64] & (1 << UInt64(j % 64)) != 0
    }

    /// The Hamming distance between code `i` and code `j` of `other` (the same `bits`).
    public func distance(_ i: Int, to other: BinaryCodes, _ j: Int) -> Int {
        var d = 0
        for w in 0..<words { d += (storage[i * words + w] ^ other.storage[j * words + w]).nonzeroBitCount }
        return d
    }

    /// Appends `other`'s codes (the same `bits`).
    public mutating func append(_ other: BinaryCodes) {
        precondition(other.bits == bits, "BinaryCodes.append: \(other.bits) bits onto \(bits)")
        storage += other.storage
        self = BinaryCodes(count: count + other.count, bits: bits, storage: storage)
    }
}
