/// Binary codes of `count` samples, `bits` bits each, packed in ``stride`` bytes a code.
///
/// Bit order: bit `j` of a code (`0 ≤ j < bits`) is bit `j % 64` (value `1 << (j % 64)`) of
/// word `j / 64` of the code's 64-bit words, and bit `j % 8` of its byte `j / 8` (the words'
/// little-endian bytes); the unused high bits are 0.
///
/// Memory: codes of up to 8, 16 or 32 bits take 1, 2 or 4 bytes (`bits / 8` for the usual 8, 16
/// and 32), longer ones `8 · ⌈bits / 64⌉` bytes (`bits / 8` for multiples of 64). Files hold the
/// 64-bit words (``storage``, `[count, words]` row-major), so h5py reads an index file's `codes`
/// as a `uint64` array and `np.unpackbits(codes.view(np.uint8), bitorder="little")` gives the
/// bits in order.
public struct BinaryCodes: Sendable, Equatable {
    /// Number of codes N.
    public let count: Int
    /// Bits per code.
    public let bits: Int
    /// 64-bit words per code in the file layout, `⌈bits / 64⌉`.
    public var words: Int { (bits + 63) / 64 }
    /// Bytes per code in memory: 1, 2 or 4 up to 8, 16 or 32 bits, else `8 · words`.
    public var stride: Int { Self.stride(bits: bits) }
    /// The packed codes, `[count, stride]` bytes.
    public private(set) var bytes: [UInt8]

    /// Bytes per code of `bits` bits.
    public static func stride(bits: Int) -> Int {
        bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8 * ((bits + 63) / 64)
    }

    /// Codes from packed bytes, ``stride`` bytes a code.
    ///
    /// - Precondition: `bits ≥ 1`, `bytes.count == count · stride`, unused bits zero.
    public init(count: Int, bits: Int, bytes: [UInt8]) {
        precondition(bits >= 1 && count >= 0, "BinaryCodes: bits=\(bits) count=\(count)")
        precondition(
            bytes.count == count * Self.stride(bits: bits),
            "BinaryCodes: \(bytes.count) bytes for \(count) codes of \(bits) bits")
        self.count = count
        self.bits = bits
        self.bytes = bytes
    }

    /// Codes from their 64-bit words (the file layout), `[count, words]` row-major.
    ///
    /// - Precondition: `bits ≥ 1`, `storage.count == count · ⌈bits / 64⌉`, unused bits zero.
    public init(count: Int, bits: Int, storage: [UInt64]) {
        precondition(bits >= 1 && count >= 0, "BinaryCodes: bits=\(bits) count=\(count)")
        let w = (bits + 63) / 64
        precondition(
            storage.count == count * w, "BinaryCodes: \(storage.count) words for \(count) codes of \(bits) bits")
        let s = Self.stride(bits: bits)
        var bytes = [UInt8](repeating: 0, count: count * s)
        for i in 0..<count {
            for b in 0..<s {
                bytes[i * s + b] = UInt8(truncatingIfNeeded: storage[i * w + b / 8] >> UInt64(8 * (b % 8)))
            }
        }
        self.init(count: count, bits: bits, bytes: bytes)
    }

    /// The codes as 64-bit words, `[count, words]` row-major (the file layout).
    public var storage: [UInt64] {
        let s = stride
        let w = words
        var out = [UInt64](repeating: 0, count: count * w)
        for i in 0..<count {
            for b in 0..<s { out[i * w + b / 8] |= UInt64(bytes[i * s + b]) << UInt64(8 * (b % 8)) }
        }
        return out
    }

    /// The signs of `values` (`[count, bits]` row-major) as codes: bit `j` is 1 where the value
    /// is positive (> 0), 0 otherwise.
    public init(signs values: [Float], bits: Int) {
        precondition(
            bits >= 1 && values.count % bits == 0, "BinaryCodes: \(values.count) values are not rows of \(bits)")
        let n = values.count / bits
        let s = Self.stride(bits: bits)
        var bytes = [UInt8](repeating: 0, count: n * s)
        for i in 0..<n {
            for j in 0..<bits where values[i * bits + j] > 0 {
                bytes[i * s + j / 8] |= 1 << UInt8(j % 8)
            }
        }
        self.init(count: n, bits: bits, bytes: bytes)
    }

    /// Bit `j` of code `i`.
    public func bit(_ i: Int, _ j: Int) -> Bool {
        bytes[i * stride + j / 8] & (1 << UInt8(j % 8)) != 0
    }

    /// The Hamming distance between code `i` and code `j` of `other` (the same `bits`).
    public func distance(_ i: Int, to other: BinaryCodes, _ j: Int) -> Int {
        let s = stride
        var d = 0
        for b in 0..<s { d += (bytes[i * s + b] ^ other.bytes[j * s + b]).nonzeroBitCount }
        return d
    }

    /// Appends `other`'s codes (the same `bits`).
    public mutating func append(_ other: BinaryCodes) {
        precondition(other.bits == bits, "BinaryCodes.append: \(other.bits) bits onto \(bits)")
        bytes += other.bytes
        self = BinaryCodes(count: count + other.count, bits: bits, bytes: bytes)
    }
}
