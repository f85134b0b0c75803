import DSCTensor
import XCTest

extension XCTestCase {
    /// Asserts equal counts and, for every element, `|actual − expected| ≤ accuracy · s` with
    /// `s = max(1, |expected|)` when `relative`, else `s = 1`. NaN never passes. Reports the first
    /// element outside the tolerance.
    public func assertClose<T: BinaryFloatingPoint>(
        _ actual: [T], _ expected: [T], accuracy: T = 1e-5, relative: Bool = false, _ what: String = "",
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(actual.count, expected.count, "\(what): counts", file: file, line: line)
        for (i, (a, e)) in zip(actual, expected).enumerated() {
            let scale = relative ? Swift.max(1, Swift.abs(e)) : 1
            if !(Swift.abs(a - e) <= accuracy * scale) {
                XCTFail("\(what)[\(i)]: \(a) vs expected \(e)", file: file, line: line)
                return
            }
        }
    }

    /// Asserts that the analytic gradients of `f` match central differences (``GradCheck``,
    /// ε = 1e-3) for every input that requires a gradient, within `tolerance` absolute and relative.
    public func assertGradients(
        _ inputs: [Tensor], tolerance: Float = 1e-3, file: StaticString = #filePath, line: UInt = #line,
        _ f: @escaping ([Tensor]) -> Tensor
    ) {
        let report = GradCheck.check(inputs, absoluteTolerance: tolerance, relativeTolerance: tolerance, f)
        XCTAssertTrue(report.passed, "\(report)", file: file, line: line)
    }
}
