/// A small, fast, seedable generator (xoshiro256**, seeded through SplitMix64).
///
/// One seed reaches every random choice in DeepSubspace: components take a `seed: UInt64`
/// and build their generator from it, deriving independent streams with ``fork(_:)``.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// Deterministic generator for `seed`; equal seeds give equal streams on every platform.
    public init(seed: UInt64) {
        var x = seed
        func splitmix(_ x: inout UInt64) -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitmix(&x)
        s1 = splitmix(&x)
        s2 = splitmix(&x)
        s3 = splitmix(&x)
    }

    @inlinable
    static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = SeededGenerator.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = SeededGenerator.rotl(s3, 45)
        return result
    }

    /// An independent generator derived from this one's seed material and `stream`,
    /// without advancing `self` (e.g. one stream per k-means restart).
    public func fork(_ stream: UInt64) -> SeededGenerator {
        SeededGenerator(seed: s0 ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ SeededGenerator.rotl(s2, 17))
    }

    /// Uniform double in [0, 1) with 53 random bits.
    public mutating func nextUniform() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Standard normal sample (Box–Muller; one of the pair is discarded for simplicity).
    public mutating func nextGaussian() -> Double {
        var u = nextUniform()
        while u <= 0 { u = nextUniform() }
        let v = nextUniform()
        return (-2 * _log(u)).squareRoot() * _cos(2 * Double.pi * v)
    }
}

#if canImport(Glibc)
    import Glibc
    @usableFromInline func _log(_ x: Double) -> Double { Glibc.log(x) }
    @usableFromInline func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
    import Foundation
    @usableFromInline func _log(_ x: Double) -> Double { Foundation.log(x) }
    @usableFromInline func _cos(_ x: Double) -> Double { Foundation.cos(x) }
#endif
