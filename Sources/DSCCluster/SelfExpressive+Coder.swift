import DSCTensor

/// What EnSC and SSC-OMP share: validate, load the samples, code them, cluster the coefficients.
/// A coder supplies only its validation, its coding of loaded samples and its warnings.
protocol SelfExpressiveCoder {
    var normalizeSamples: Bool { get }
    /// The stage that clusters the coefficients.
    var coefficientClustering: SelfExpressiveClustering { get }
    func validateCoding(samples: Int, features: Int) throws
    /// Codes validated, loaded samples.
    func code(_ data: SelfExpressiveSamples, progress: ProgressHandler?) -> SelfExpressiveCoefficients
    /// What a user should know about a coding of `samples` samples (e.g. samples left unconverged).
    func warnings(for stats: SelfExpressiveCodingStats, samples: Int) -> [String]
}

extension SelfExpressiveCoder {
    func warnings(for stats: SelfExpressiveCodingStats, samples: Int) -> [String] { [] }

    /// Validates, loads and codes `samples`.
    func codeSamples(_ samples: any SampleSource, progress: ProgressHandler?) throws -> SelfExpressiveCoefficients {
        try validateCoding(samples: samples.rowCount, features: samples.dimension)
        return code(try SelfExpressiveSamples.load(samples, normalize: normalizeSamples), progress: progress)
    }

    /// Codes `samples` and clusters the affinity; every setting is checked before the coding.
    func fitSamples(_ samples: any SampleSource, progress: ProgressHandler?) throws -> SelfExpressiveClusteringResult {
        let start = ContinuousClock.now
        try validateCoding(samples: samples.rowCount, features: samples.dimension)
        let stage = coefficientClustering
        try stage.validate(samples: samples.rowCount)
        var timings = StageTimings()
        let coded = try timings.measure("coefficients") {
            code(try SelfExpressiveSamples.load(samples, normalize: normalizeSamples), progress: progress)
        }
        return try stage.cluster(
            coded, timings: timings, warnings: warnings(for: coded.stats, samples: samples.rowCount),
            start: start, progress: progress)
    }
}
