import Foundation

/// How long a fit may take, and how training is sized to it.
///
/// With no ``EBSCConfiguration/epochs`` set, the fit's whole time budget (training, coding and
/// clustering) sizes the training: after its first steps the trainer knows the time of a step
/// of each phase, estimates what the stages after training will cost for N samples, and trains
/// as many epochs as fit, at most the input's default (``EBSCConfiguration/defaults(for:)``). A
/// budget that cannot hold one epoch per phase is refused, naming the least that would.
public struct TrainingBudget: Equatable, Sendable {
    /// Seconds the whole fit may take.
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// The default budget for `n` samples: 1 minute up to 2,000 samples, then 1,140 s more per
    /// 68,000 samples (20 minutes at 70,000), on the 2-core machine the defaults were measured on.
    public static func defaultSeconds(samples n: Int) -> Double {
        60 + Double(max(0, n - 2000)) * 1140 / 68_000
    }

    /// Epochs per phase that fit `trainingSeconds` when an epoch (both phases) takes
    /// `epochSeconds`, between 1 and `maximum`; nil when not even one fits.
    public static func epochs(fitting trainingSeconds: Double, epochSeconds: Double, maximum: Int) -> Int? {
        guard epochSeconds > 0 else { return maximum }
        let fit = Int((trainingSeconds / epochSeconds).rounded(.down))
        return fit >= 1 ? min(maximum, fit) : nil
    }

    /// Seconds the stages after training are expected to take for `n` samples: embedding all N
    /// (and the calibration and refinement batches) at the measured forward time per sample,
    /// the coding of all N against all N (`h`-wide codes) and the layout, at rates measured on
    /// the machine the defaults were set on (MNIST-70k: 36 s of coding, 28 s of a 500-epoch
    /// layout of 10 coefficients per sample).
    public static func secondsAfterTraining(
        samples n: Int, forwardSecondsPerSample: Double, codeWidth h: Int, keep: Int, layoutEpochs: Int,
        calibrationBatches: Int, refineSteps: Int, batchSize: Int
    ) -> Double {
        let share = Double(n) / 70_000
        let embed = forwardSecondsPerSample * Double(n + calibrationBatches * batchSize)
        let coding = 36 * share * share * Double(h) / 256 + 0.5
        let layout = 28 * share * Double(layoutEpochs) / 500 * Double(keep) / 10
        let refine = 0.03 * Double(refineSteps)
        let spectral = 2 * share + 0.2
        return embed + coding + layout + refine + spectral
    }
}

/// The training's plan once sized to a budget: the epochs per phase, the measured step times,
/// and the expected seconds of the training and of the stages after it.
public struct TrainingPlan: Equatable, Sendable {
    public var epochs: Int
    /// Whether the epochs were sized to the budget (false: set, or the budget allowed the most).
    public var limitedByBudget: Bool
    /// Seconds per step of the encoder (or joint) phase and of the energy phase (0 when joint).
    public var stepSeconds: Double
    public var energyStepSeconds: Double
    public var stepsPerEpoch: Int
    /// Expected seconds of the whole training and of everything after it.
    public var trainingSeconds: Double
    public var afterTrainingSeconds: Double
    /// Set when the epochs were sized again after this many epochs, from the pace of all the
    /// steps so far (nil for the first plan).
    public var replannedAfterEpoch: Int? = nil
}
