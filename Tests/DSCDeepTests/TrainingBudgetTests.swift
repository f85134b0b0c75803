import DSCTensor
import DSCTestSupport
import Foundation
import XCTest

@testable import DSCDeep

/// The time budget: its arithmetic, the plan it makes from the first steps, the second sizing
/// after every epoch, and the refusal of a budget too small.
final class TrainingBudgetTests: XCTestCase {
    /// 400 samples of 4 subspaces in R^20 (6 batches an epoch) and the small configuration with
    /// no epochs set and a budget of `seconds`.
    static func budgeted(seconds: Double) -> (ArraySamples, EBSCConfiguration) {
        let (values, labels) = EBSCTests.unionOfSubspaces(clusters: 4, dim: 3, ambient: 20, perCluster: 100, seed: 5)
        var config = EBSCTests.smallConfiguration(epochs: 0)
        config.epochs = nil
        config.timeBudget = seconds
        return (ArraySamples(values: values, shape: [400, 20], labels: labels), config)
    }

    /// The budget's arithmetic: 1 minute up to 2,000 samples, 20 at 70,000; whole epochs that
    /// fit, at most the most; none when not one fits.
    func testBudgetArithmetic() {
        XCTAssertEqual(TrainingBudget.defaultSeconds(samples: 500), 60)
        XCTAssertEqual(TrainingBudget.defaultSeconds(samples: 2000), 60)
        XCTAssertEqual(TrainingBudget.defaultSeconds(samples: 70_000), 1200, accuracy: 1e-9)
        XCTAssertEqual(TrainingBudget.epochs(fitting: 100, epochSeconds: 30, maximum: 20), 3)
        XCTAssertEqual(TrainingBudget.epochs(fitting: 1000, epochSeconds: 30, maximum: 20), 20)
        XCTAssertNil(TrainingBudget.epochs(fitting: 29, epochSeconds: 30, maximum: 20))
        XCTAssertNil(TrainingBudget.epochs(fitting: -5, epochSeconds: 30, maximum: 20))
        let small = TrainingBudget.secondsAfterTraining(
            samples: 1000, forwardSecondsPerSample: 1e-5, codeWidth: 256, keep: 5, layoutEpochs: 0,
            calibrationBatches: 0, refineSteps: 0, batchSize: 256)
        let large = TrainingBudget.secondsAfterTraining(
            samples: 70_000, forwardSecondsPerSample: 1e-5, codeWidth: 256, keep: 10, layoutEpochs: 500,
            calibrationBatches: 50, refineSteps: 100, batchSize: 256)
        XCTAssertLessThan(small, 2)
        XCTAssertGreaterThan(large, 60, "coding and laying out 70,000 samples takes minutes")
    }

    /// A budget sizes the training when no epochs are set: the plan's epochs are trained and its
    /// expected time stays inside the budget; set epochs win over it; a budget that cannot hold
    /// one epoch is refused naming the minimum.
    func testTimeBudgetSizesTrainingAndRefusesTooLittle() throws {
        var (samples, config) = Self.budgeted(seconds: 600)
        let roomy = try EBSC(clusters: 4, configuration: config).fit(samples, file: "synthetic")
        let plan = try XCTUnwrap(roomy.plan)
        XCTAssertEqual(plan.epochs, 30, "a roomy budget gives the most epochs for feature vectors")
        XCTAssertFalse(plan.limitedByBudget)
        XCTAssertEqual(roomy.history.count, 30)
        XCTAssertEqual(plan.stepsPerEpoch, 400 / 64)
        XCTAssertGreaterThan(plan.stepSeconds, 0)
        XCTAssertLessThanOrEqual(plan.trainingSeconds + plan.afterTrainingSeconds, 600)

        config.timeBudget = 1e-4
        XCTAssertThrowsError(try EBSC(clusters: 4, configuration: config).fit(samples, file: "synthetic.h5")) {
            error in
            guard case .budgetTooSmall(let file, let seconds, let needed)? = error as? EBSCError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, "synthetic.h5")
            XCTAssertEqual(seconds, 1e-4)
            XCTAssertGreaterThan(needed, 1e-4)
            let message = error.localizedDescription
            XCTAssertTrue(message.contains("--time-budget"), message)
            XCTAssertEqual(message.split(separator: "\n").count, 1)
        }
        config.timeBudget = 1e-4
        config.epochs = 2
        let set = try EBSC(clusters: 4, configuration: config).fit(samples, file: "synthetic")
        XCTAssertNil(set.plan, "set epochs are not sized")
        XCTAssertEqual(set.history.count, 2)
    }

    /// Steps that slow down after the first plan (the progress callback, called inside each
    /// step, waits 80 ms from step 10 on) make the trainer size the epochs again, shorter, after
    /// an epoch: the run trains the new plan's epochs, not the first plan's.
    func testSlowerStepsShortenThePlan() throws {
        let (samples, config) = Self.budgeted(seconds: 10)
        var ebsc = EBSC(clusters: 4, configuration: config)
        final class Plans: @unchecked Sendable { var all: [TrainingPlan] = [] }
        let plans = Plans()
        ebsc.trainingPlan = { plans.all.append($0) }
        ebsc.trainingProgress = { p in if p.step > EBSCTrainer.probeSteps + 1 { Thread.sleep(forTimeInterval: 0.08) } }
        let result = try ebsc.fit(samples, file: "synthetic")
        let first = try XCTUnwrap(plans.all.first)
        XCTAssertEqual(first.epochs, 30, "the first steps are fast: the most epochs fit")
        XCTAssertNil(first.replannedAfterEpoch)
        let last = try XCTUnwrap(plans.all.last)
        XCTAssertNotNil(last.replannedAfterEpoch, "\(plans.all)")
        XCTAssertLessThan(last.epochs, 30)
        XCTAssertGreaterThanOrEqual(last.epochs, last.replannedAfterEpoch ?? 0)
        XCTAssertEqual(result.plan, last)
        XCTAssertEqual(result.history.count, last.epochs)
    }
}
