import Dispatch
import Foundation

/// Splitting of big loops over the machine's cores.
///
/// Kernels call ``chunks(_:grain:_:)`` with the number of independent work items and the least
/// number worth giving one thread; small loops run inline on the caller's thread, so there is no
/// dispatch overhead for the many small tensors of a training step.
enum Parallel {
    /// Worker count: the active processor count (2 on the reference machine).
    static let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Runs `body` on disjoint contiguous ranges covering `0..<count`, concurrently when there are
    /// at least `2 · grain` items. Each range is processed by exactly one call; calls may run on
    /// different threads, so `body` must only write to locations owned by its range.
    ///
    /// Big loops are cut into up to four ranges per worker (each at least `grain` items), handed
    /// to whichever thread is free: a core slowed by other work (a busy neighbour, the host taking
    /// the virtual CPU) then takes fewer ranges instead of holding up the whole loop.
    static func chunks(_ count: Int, grain: Int, _ body: (Range<Int>) -> Void) {
        let fits = count / max(1, grain)
        if min(workers, fits) <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        let w = min(4 * workers, fits)
        DispatchQueue.concurrentPerform(iterations: w) { k in
            body((count * k / w)..<(count * (k + 1) / w))
        }
    }

    /// Runs `body(k, range)` for `k < parts` (capped at `count`) on the ranges of an even split of
    /// `0..<count`, concurrently; `k` lets each part own a private buffer (e.g. a partial sum).
    static func split(_ count: Int, parts: Int, _ body: (_ part: Int, Range<Int>) -> Void) {
        let w = min(parts, count)
        if w <= 1 {
            if count > 0 { body(0, 0..<count) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: w) { k in
            body(k, (count * k / w)..<(count * (k + 1) / w))
        }
    }

    /// Elements per thread below which elementwise loops stay on one thread.
    static let elementwiseGrain = 1 << 15
}
