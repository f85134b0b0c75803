/// SplitMix64 (Steele, Lea & Flood 2014), the generator `make_golden.py` uses; bit-identical to
/// its Python twin so that golden labelings can be rebuilt from a seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<n` (plain modulo, as the Python side does).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    /// `count` labels in `0..<classes`.
    mutating func labels(count: Int, classes: Int) -> [Int] {
        (0..<count).map { _ in below(classes) }
    }
}

/// How a golden case's two labelings are obtained.
enum GoldenLabels {
    /// Per sample: `t = below(classes)`; `p = t % clusters` if `below(1000) < agreement`, else
    /// `below(clusters)`; then `t`, `p` are mapped through the value lists when given.
    case random(
        seed: UInt64, count: Int, classes: Int, clusters: Int, agreement: Int,
        classValues: [Int]?, clusterValues: [Int]?)
    case explicit(truth: [Int], predicted: [Int])

    var arrays: (truth: [Int], predicted: [Int]) {
        switch self {
        case .explicit(let truth, let predicted):
            return (truth, predicted)
        case .random(let seed, let count, let classes, let clusters, let agreement, let classValues, let clusterValues):
            var rng = SplitMix64(seed: seed)
            var truth: [Int] = []
            var predicted: [Int] = []
            for _ in 0..<count {
                let t = rng.below(classes)
                let p = rng.below(1000) < agreement ? t % clusters : rng.below(clusters)
                truth.append(classValues?[t] ?? t)
                predicted.append(clusterValues?[p] ?? p)
            }
            return (truth, predicted)
        }
    }
}

/// One labeling pair with the scores scikit-learn / SciPy give for it (see GoldenCases.swift).
struct GoldenCase {
    let name: String
    let labels: GoldenLabels
    /// First truth and predicted label and the sums of each array, to check the generator port.
    let firstLabels: (Int, Int)
    let sums: (Int, Int)
    let acc: Double
    let mi: Double
    let entropyTruth: Double
    let nmiArithmetic: Double
    let nmiGeometric: Double
    let nmiMin: Double
    let nmiMax: Double
    let ari: Double
    let ami: Double
}
