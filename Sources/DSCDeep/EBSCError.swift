import Foundation

/// What can go wrong with an energy-based model, its data or its checkpoints. Every message is
/// one line naming the file and what does not match.
public enum EBSCError: Error, LocalizedError, Equatable, Sendable {
    /// A setting outside its range.
    case invalidSetting(name: String, value: String, requirement: String)
    /// Samples of a shape the encoders cannot take.
    case unsupportedShape(file: String, dataset: String, shape: [Int])
    /// A model or checkpoint built for other samples or another architecture.
    case architectureMismatch(file: String, setting: String, stored: String, expected: String)
    /// A file that is not a model or checkpoint written by DeepSubspace.
    case notAModel(file: String, reason: String)
    /// The data are too few for the method (fewer samples than clusters or than a batch).
    case tooFewSamples(file: String, samples: Int, needed: Int, reason: String)
    /// A time budget that cannot hold the smallest useful run (one epoch per phase, then the
    /// coding and clustering of all N), with the seconds that run is expected to need.
    case budgetTooSmall(file: String, seconds: Double, minimum: Double)

    public var errorDescription: String? {
        switch self {
        case .invalidSetting(let name, let value, let requirement):
            return "\(name) = \(value) is invalid: must be \(requirement)"
        case .unsupportedShape(let file, let dataset, let shape):
            return "\(file): dataset \"\(dataset)\" has shape \(shape); expected [N, D], [N, H, W] or [N, C, H, W]"
        case .architectureMismatch(let file, let setting, let stored, let expected):
            return "\(file): model was built with \(setting)=\(stored), but this run needs \(setting)=\(expected)"
        case .notAModel(let file, let reason):
            return "\(file): not a DeepSubspace model (\(reason))"
        case .tooFewSamples(let file, let samples, let needed, let reason):
            return "\(file): \(samples) samples, at least \(needed) needed (\(reason))"
        case .budgetTooSmall(let file, let seconds, let minimum):
            let minutes = (minimum / 60 * 10).rounded(.up) / 10
            return "\(file): a time budget of \(Self.minutes(seconds)) min cannot hold one epoch and the clustering, "
                + "which need about \(Self.minutes(minimum)) min here: give --time-budget \(minutes) or more, or set --epochs"
        }
    }

    /// Minutes with at most two decimals, for messages.
    static func minutes(_ seconds: Double) -> String {
        let m = (seconds / 60 * 100).rounded() / 100
        return m == m.rounded() ? String(Int(m)) : String(m)
    }

    /// Compares a stored architecture string (`name=value;…`) with the expected one and throws
    /// ``architectureMismatch`` naming the first setting that differs.
    static func checkArchitecture(stored: String, expected: String, file: String) throws {
        guard stored != expected else { return }
        func pairs(_ s: String) -> [(String, String)] {
            s.split(separator: ";").map { part in
                let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
                return (kv[0], kv.count > 1 ? kv[1] : "")
            }
        }
        let have = Dictionary(pairs(stored), uniquingKeysWith: { a, _ in a })
        for (name, value) in pairs(expected) where have[name] != value {
            throw architectureMismatch(file: file, setting: name, stored: have[name] ?? "(absent)", expected: value)
        }
        let want = Dictionary(pairs(expected), uniquingKeysWith: { a, _ in a })
        for (name, value) in pairs(stored) where want[name] == nil {
            throw architectureMismatch(file: file, setting: name, stored: value, expected: "(absent)")
        }
        throw architectureMismatch(file: file, setting: "architecture", stored: stored, expected: expected)
    }
}
