import DSCDeep

/// The command-line flag of each ``EBSCConfiguration`` setting that has one, so that a setting out of range is
/// reported as the user wrote it (`--batch-size 1 must be at least 2`).
let flagOfDeepSetting: [String: String] = [
    "hiddenDimensions": "--hidden", "widths": "--widths", "embeddingDimensions": "--embedding",
    "queueSize": "--queue", "momentum": "--momentum", "gamma": "--se-gamma", "selfExpressionWeight": "--se-weight",
    "epochs": "--epochs", "batchSize": "--batch-size", "learningRate": "--learning-rate", "keep": "--keep",
    "refineSteps": "--refine-steps", "calibrationBatches": "--calibration-batches",
    "layoutEpochs": "--layout-epochs",
]

extension EBSCConfiguration {
    /// ``validate()``, with a setting out of range reported as ``PipelineError/invalidSetting``
    /// under its command-line flag.
    public func validateAsOptions() throws {
        do {
            try validate()
        } catch EBSCError.invalidSetting(let name, let value, let requirement) {
            throw PipelineError.invalidSetting(
                flag: flagOfDeepSetting[name] ?? name, value: value, requirement: requirement)
        }
    }
}

extension ClusterJob {
    /// Checks every setting of the run against its range, cheaply and before any file is opened:
    /// K ≥ 2, neighbours ≥ 1, EnSC's λ ∈ (0, 1] and γ > 1, layout epochs ≥ 0, atoms ≥ 1,
    /// restarts ≥ 1, and (EBSC) the model's settings. The checks that need N (K ≤ N,
    /// neighbours < N) are ``validate()``'s. Throws ``PipelineError`` naming the flag and value.
    public func validateSettings() throws {
        func check(_ ok: Bool, _ flag: String, _ value: Any, _ requirement: String) throws {
            if !ok { throw PipelineError.invalidSetting(flag: flag, value: "\(value)", requirement: requirement) }
        }
        try check(clusters >= 2, "--clusters", clusters, "at least 2")
        try check(neighbors >= 1, "--neighbors", neighbors, "at least 1")
        try check(enscLambda > 0 && enscLambda <= 1, "--lambda", enscLambda, "in (0, 1]")
        try check(enscGamma > 1, "--gamma", enscGamma, "greater than 1")
        try check((layoutEpochs ?? 0) >= 0, "--layout-epochs", layoutEpochs ?? 0, "at least 0")
        try check(ompAtoms >= 1, "--atoms", ompAtoms, "at least 1")
        if let restarts { try check(restarts >= 1, "--restarts", restarts, "at least 1") }
        if method == .ebsc { try deep.validateAsOptions() }
    }
}
