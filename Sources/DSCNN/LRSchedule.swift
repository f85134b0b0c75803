#if canImport(Glibc)
    import Glibc
#else
    import Foundation
#endif

/// A learning rate as a function of the update index `t = 0, 1, 2, …` (the optimizer's
/// ``Optimizer/stepCount`` before the update), as MLX's schedules.
///
///     let schedule = LRSchedule.linearWarmup(steps: 100, peak: 1e-3)
///         .then(.cosineDecay(initial: 1e-3, decaySteps: 900), at: 100)
///     let optimizer = AdamW(learningRate: 1e-3, schedule: schedule)
public struct LRSchedule: Sendable {
    private let rate: @Sendable (Int) -> Float

    /// A schedule computing `rate(t)`.
    public init(_ rate: @escaping @Sendable (Int) -> Float) { self.rate = rate }

    /// The learning rate of update `t`.
    public func callAsFunction(_ t: Int) -> Float { rate(t) }

    /// `value` for every `t`.
    public static func constant(_ value: Float) -> LRSchedule { LRSchedule { _ in value } }

    /// Cosine decay (Loshchilov & Hutter, 2017, without restarts):
    /// `final + (initial − final) · (1 + cos(π · min(t, decaySteps) / decaySteps)) / 2`,
    /// so `initial` at `t = 0` and `final` from `t = decaySteps` on.
    /// - Precondition: `decaySteps ≥ 1`.
    public static func cosineDecay(initial: Float, decaySteps: Int, final: Float = 0) -> LRSchedule {
        precondition(decaySteps >= 1, "cosineDecay: decaySteps=\(decaySteps) must be >= 1")
        return LRSchedule { t in
            let progress = Double(Swift.min(Swift.max(t, 0), decaySteps)) / Double(decaySteps)
            return final + (initial - final) * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }

    /// Linear interpolation `from + (to − from) · min(t, steps) / steps`: `from` at `t = 0`, `to`
    /// from `t = steps` on.
    /// - Precondition: `steps ≥ 1`.
    public static func linear(from start: Float, to end: Float, steps: Int) -> LRSchedule {
        precondition(steps >= 1, "linear: steps=\(steps) must be >= 1")
        return LRSchedule { t in
            start + (end - start) * Float(Swift.min(Swift.max(t, 0), steps)) / Float(steps)
        }
    }

    /// Linear warm-up that reaches `peak` at the last warm-up update and never uses 0:
    /// `peak · min(t + 1, steps) / steps` (`peak/steps` at `t = 0`, `peak` from `t = steps − 1` on).
    /// - Precondition: `steps ≥ 1`.
    public static func linearWarmup(steps: Int, peak: Float) -> LRSchedule {
        precondition(steps >= 1, "linearWarmup: steps=\(steps) must be >= 1")
        return LRSchedule { t in peak * Float(Swift.min(Swift.max(t, 0) + 1, steps)) / Float(steps) }
    }

    /// Schedules one after another: `schedules[i]` is used from `boundaries[i − 1]` (0 for the first)
    /// up to `boundaries[i]`, evaluated at `t − boundaries[i − 1]`, so each starts at its own `t = 0`.
    /// - Precondition: `boundaries.count == schedules.count − 1`, boundaries increasing and ≥ 0.
    public static func joined(_ schedules: [LRSchedule], boundaries: [Int]) -> LRSchedule {
        precondition(
            !schedules.isEmpty && boundaries.count == schedules.count - 1,
            "joined: \(schedules.count) schedules need \(max(0, schedules.count - 1)) boundaries, got \(boundaries.count)"
        )
        precondition(
            zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 < $1 } && (boundaries.first ?? 0) >= 0,
            "joined: boundaries \(boundaries) must be increasing and >= 0")
        return LRSchedule { t in
            let i = boundaries.lastIndex(where: { t >= $0 }).map { $0 + 1 } ?? 0
            return schedules[i](t - (i == 0 ? 0 : boundaries[i - 1]))
        }
    }

    /// `self` for `t < boundary`, then `next` evaluated at `t − boundary`.
    public func then(_ next: LRSchedule, at boundary: Int) -> LRSchedule {
        LRSchedule.joined([self, next], boundaries: [boundary])
    }

    /// Linear warm-up to `peak` over `warmupSteps` updates, then cosine decay to `final` at
    /// `totalSteps` (the usual contrastive-learning schedule).
    /// - Precondition: `1 ≤ warmupSteps < totalSteps`.
    public static func warmupCosine(peak: Float, warmupSteps: Int, totalSteps: Int, final: Float = 0) -> LRSchedule {
        precondition(
            warmupSteps >= 1 && warmupSteps < totalSteps,
            "warmupCosine: need 1 <= warmupSteps=\(warmupSteps) < totalSteps=\(totalSteps)")
        return linearWarmup(steps: warmupSteps, peak: peak)
            .then(cosineDecay(initial: peak, decaySteps: totalSteps - warmupSteps, final: final), at: warmupSteps)
    }
}
